/* 校园组织工作平台 · app.js — small progressive enhancements (plain ES2017, no libraries).
 * The Content-Security-Policy forbids inline scripts and handlers, so every behaviour hangs
 * off a data- attribute and is wired here by delegation. Every page works without it: the
 * server validates everything again.
 *   data-confirm="…"     on a form, button or link: ask before going on
 *   data-print           on any element: print the page on click
 *   data-max-bytes="N"   on a file input: warn and block submitting when a file is too large
 *   data-autosubmit      on a select or input: submit its form on change
 *   textarea[maxlength]  a live "123 / 2000" counter after it
 *   data-sum-target="id" on a table: the sum of its input.amount fields, written into #id
 */
(function () {
  'use strict';

  const zh = !/^en/i.test(document.documentElement.lang || '');
  const confirmed = new WeakSet(); // forms whose submit button already asked

  // (1) Confirmations. A button's own question replaces its form's, never both.
  document.addEventListener('click', function (e) {
    const el = e.target instanceof Element
      ? e.target.closest('button[data-confirm], a[data-confirm], input[type="submit"][data-confirm]') : null;
    if (!el) return;
    // An invalid form is not sent anyway: let the browser say what is wrong first,
    // rather than asking to confirm something that will not happen.
    if (el.form && el.type === 'submit' && !el.formNoValidate && !el.form.noValidate && !el.form.checkValidity()) return;
    if (!window.confirm(el.getAttribute('data-confirm'))) {
      e.preventDefault();
      e.stopImmediatePropagation();
    } else if (el.form && el.type === 'submit') {
      const form = el.form; // the submit event follows in this same task; forget it after
      confirmed.add(form);
      setTimeout(function () { confirmed.delete(form); }, 0);
    }
  }, true);

  document.addEventListener('submit', function (e) {
    const form = e.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute('data-confirm')) return;
    if (confirmed.has(form)) { confirmed.delete(form); return; }
    if (!window.confirm(form.getAttribute('data-confirm'))) {
      e.preventDefault();
      e.stopImmediatePropagation();
    }
  }, true);

  // (2) Print buttons.
  document.addEventListener('click', function (e) {
    const el = e.target instanceof Element ? e.target.closest('[data-print]') : null;
    if (!el) return;
    e.preventDefault();
    window.print();
  });

  // (3) File size check, (4) autosubmit: both on change.
  function formatBytes(n) {
    if (n >= 1048576) return (n / 1048576).toFixed(1).replace(/\.0$/, '') + ' MB';
    return n >= 1024 ? Math.round(n / 1024) + ' KB' : n + ' B';
  }

  function checkFileSize(input) {
    const max = parseInt(input.getAttribute('data-max-bytes'), 10);
    if (!(max > 0)) return;
    const big = Array.from(input.files || []).filter(function (f) { return f.size > max; });
    let note = input.nextElementSibling;
    if (!note || !note.classList.contains('file-warning')) {
      note = document.createElement('p');
      note.className = 'field-error file-warning';
      note.setAttribute('role', 'alert');
      note.hidden = true;
      input.insertAdjacentElement('afterend', note);
    }
    if (big.length) {
      input.setAttribute('data-too-large', '');
      note.textContent = input.getAttribute('data-max-message') || (zh
        ? '文件“' + big[0].name + '”（' + formatBytes(big[0].size) + '）超过 ' + formatBytes(max) + ' 的上限，请压缩后再上传。'
        : 'The file "' + big[0].name + '" (' + formatBytes(big[0].size) + ') is larger than the ' + formatBytes(max) + ' limit.');
      note.hidden = false;
    } else {
      input.removeAttribute('data-too-large');
      note.textContent = '';
      note.hidden = true;
    }
    // Block submitting while any file input of the form holds a file too large.
    const form = input.form;
    if (!form) return;
    const blocked = !!form.querySelector('input[data-too-large]');
    form.querySelectorAll('button:not([type]), button[type="submit"], input[type="submit"]')
      .forEach(function (b) { b.disabled = blocked; });
  }

  document.addEventListener('change', function (e) {
    const el = e.target;
    if (!(el instanceof HTMLElement)) return;
    if (el instanceof HTMLInputElement && el.type === 'file') checkFileSize(el);
    if (el.hasAttribute('data-autosubmit') && el.form) {
      // requestSubmit runs validation and the submit listeners (data-confirm); submit() does not.
      if (typeof el.form.requestSubmit === 'function') el.form.requestSubmit();
      else el.form.submit();
    }
  });

  // (5) Character counters for textareas with a maxlength.
  function attachCounter(ta, i) {
    const max = parseInt(ta.getAttribute('maxlength'), 10);
    if (!(max > 0) || ta.hasAttribute('data-counted')) return;
    ta.setAttribute('data-counted', '');
    const out = document.createElement('div');
    out.className = 'char-count';
    out.id = (ta.id || 'ta-' + i) + '-count';
    ta.insertAdjacentElement('afterend', out);
    const described = ta.getAttribute('aria-describedby');
    ta.setAttribute('aria-describedby', (described ? described + ' ' : '') + out.id);
    const update = function () {
      const n = ta.value.length;
      out.textContent = n + ' / ' + max;
      out.classList.toggle('near-limit', n >= max * 0.9);
    };
    ta.addEventListener('input', update);
    update();
  }

  // (6) Sums: a table's input.amount fields added up into the element named by data-sum-target.
  function parseAmount(s) { // "1,234.50" and "¥ 80" count too; anything else counts 0
    const v = parseFloat(String(s).replace(/[,，\s¥￥]/g, ''));
    return isFinite(v) ? v : 0;
  }

  function updateSum(table) {
    const target = document.getElementById(table.getAttribute('data-sum-target'));
    if (!target) return;
    let cents = 0; // add in cents so that 0.1 + 0.2 shows 0.30
    table.querySelectorAll('input.amount').forEach(function (inp) {
      cents += Math.round(parseAmount(inp.value) * 100);
    });
    const text = (cents / 100).toFixed(2);
    if (target instanceof HTMLInputElement || target instanceof HTMLOutputElement) target.value = text;
    else target.textContent = text;
  }

  function onAmount(e) {
    const el = e.target;
    if (!(el instanceof HTMLInputElement) || !el.classList.contains('amount')) return;
    const table = el.closest('table[data-sum-target]');
    if (table) updateSum(table);
  }
  document.addEventListener('input', onAmount);
  document.addEventListener('change', onAmount);

  function init() {
    document.querySelectorAll('textarea[maxlength]').forEach(attachCounter);
    document.querySelectorAll('table[data-sum-target]').forEach(updateSum);
    // A file chosen before a back/forward navigation is still there: check it again.
    document.querySelectorAll('input[type="file"][data-max-bytes]').forEach(function (inp) {
      if (inp.files && inp.files.length) checkFileSize(inp);
    });
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
