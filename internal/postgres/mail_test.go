package postgres

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"mime"
	"net"
	"net/mail"
	"net/textproto"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/campusorg/portal/internal/i18n"
	portalmail "github.com/campusorg/portal/internal/mail"
	"github.com/campusorg/portal/internal/portal"
)

// smtpServer is a tiny SMTP server on 127.0.0.1 for tests. It speaks EHLO, HELO,
// optionally STARTTLS and AUTH PLAIN, MAIL, RCPT, DATA, RSET, NOOP and QUIT, and
// keeps every message it accepted.
type smtpServer struct {
	ln   net.Listener
	tls  *tls.Config // offered with STARTTLS when set
	user string      // AUTH PLAIN required (after STARTTLS, when offered) when set
	pass string
	// refuse, when set, answers RCPT TO with the reply code it returns for the
	// address (451: try later, 550: no such mailbox), or accepts it with 0.
	refuse func(to string) int

	mu   sync.Mutex
	got  []smtpMessage
	errs []error
	wg   sync.WaitGroup
}

// smtpMessage is one message the server accepted.
type smtpMessage struct {
	From, To string
	TLS      bool
	Data     string
}

func newSMTPServer(t *testing.T) *smtpServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &smtpServer{ln: ln}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.wg.Add(1)
			go func() {
				defer s.wg.Done()
				if err := s.serve(c); err != nil {
					s.mu.Lock()
					s.errs = append(s.errs, err)
					s.mu.Unlock()
				}
			}()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		s.wg.Wait()
		for _, err := range s.errs {
			t.Errorf("SMTP server: %v", err)
		}
	})
	return s
}

func (s *smtpServer) addr() string { return s.ln.Addr().String() }

func (s *smtpServer) messages() []smtpMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]smtpMessage(nil), s.got...)
}

// serve speaks SMTP on one connection until QUIT.
func (s *smtpServer) serve(c net.Conn) error {
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	tp := textproto.NewConn(c)
	reply := func(format string, args ...any) error { return tp.PrintfLine(format, args...) }
	if err := reply("220 127.0.0.1 test ESMTP"); err != nil {
		return err
	}
	var m smtpMessage
	authed := s.user == ""
	for {
		line, err := tp.ReadLine()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		verb, arg, _ := strings.Cut(line, " ")
		switch strings.ToUpper(verb) {
		case "EHLO":
			ext := []string{"250-127.0.0.1 hello", "250-8BITMIME"}
			if s.tls != nil && !m.TLS {
				ext = append(ext, "250-STARTTLS")
			}
			if s.user != "" && (m.TLS || s.tls == nil) {
				ext = append(ext, "250-AUTH PLAIN")
			}
			ext = append(ext, "250 SMTPUTF8")
			for _, e := range ext {
				if err := reply("%s", e); err != nil {
					return err
				}
			}
		case "HELO", "NOOP":
			err = reply("250 ok")
		case "STARTTLS":
			if s.tls == nil || m.TLS {
				err = reply("502 not offered")
				break
			}
			if err := reply("220 go ahead"); err != nil {
				return err
			}
			tc := tls.Server(c, s.tls)
			if err := tc.Handshake(); err != nil {
				return err
			}
			c, tp, m.TLS = tc, textproto.NewConn(tc), true
			reply = func(format string, args ...any) error { return tp.PrintfLine(format, args...) }
		case "AUTH":
			b, derr := base64.StdEncoding.DecodeString(strings.TrimPrefix(arg, "PLAIN "))
			if !strings.HasPrefix(arg, "PLAIN ") || derr != nil || string(b) != "\x00"+s.user+"\x00"+s.pass {
				err = reply("535 authentication failed")
				break
			}
			authed = true
			err = reply("235 ok")
		case "MAIL":
			if !authed {
				err = reply("530 authentication required")
				break
			}
			m.From = pathArg(arg, "FROM:")
			err = reply("250 ok")
		case "RCPT":
			m.To = pathArg(arg, "TO:")
			if code := 0; s.refuse != nil {
				if code = s.refuse(m.To); code != 0 {
					err = reply("%d refused", code)
					break
				}
			}
			err = reply("250 ok")
		case "DATA":
			if err := reply("354 end with ."); err != nil {
				return err
			}
			b, err := tp.ReadDotBytes()
			if err != nil {
				return err
			}
			m.Data = string(b)
			s.mu.Lock()
			s.got = append(s.got, m)
			s.mu.Unlock()
			m = smtpMessage{TLS: m.TLS}
			err = reply("250 queued")
		case "RSET":
			m = smtpMessage{TLS: m.TLS}
			err = reply("250 ok")
		case "QUIT":
			reply("221 bye")
			return nil
		default:
			err = reply("500 unknown command")
		}
		if err != nil {
			return err
		}
	}
}

// sendVia returns the store's send function over sender.
func sendVia(sender *portalmail.Sender) func(context.Context, OutboxMail) error {
	return func(ctx context.Context, m OutboxMail) error {
		return sender.Send(ctx, portalmail.Message{ID: m.MessageID, To: m.To, Subject: m.Subject, Body: m.Body})
	}
}

// parsedMail is a received message, decoded.
type parsedMail struct {
	To, Subject, Body, MessageID string
}

func parseMail(t *testing.T, m smtpMessage) parsedMail {
	t.Helper()
	msg, err := mail.ReadMessage(strings.NewReader(m.Data))
	if err != nil {
		t.Fatalf("unreadable message: %v\n%s", err, m.Data)
	}
	raw := msg.Header.Get("Subject")
	subject, err := new(mime.WordDecoder).DecodeHeader(raw)
	if err != nil {
		t.Fatalf("subject %q: %v", raw, err)
	}
	if ct := msg.Header.Get("Content-Type"); ct != "text/plain; charset=UTF-8" || msg.Header.Get("Content-Transfer-Encoding") != "base64" {
		t.Errorf("content type %q, encoding %q", ct, msg.Header.Get("Content-Transfer-Encoding"))
	}
	for _, line := range strings.Split(m.Data, "\n") { // ReadDotBytes turned CRLF into LF
		if len(line) > 78 {
			t.Errorf("a line of %d characters: %q", len(line), line)
		}
	}
	body, err := io.ReadAll(base64.NewDecoder(base64.StdEncoding, msg.Body))
	if err != nil {
		t.Fatalf("body: %v", err)
	}
	return parsedMail{To: m.To, Subject: subject, Body: string(body), MessageID: msg.Header.Get("Message-ID")}
}

var quietLog = slog.New(slog.NewTextHandler(io.Discard, nil))

// TestReminderMail runs the reminder job with mail configured, from two instances
// at once, and drains the outbox from both at once through a tiny SMTP server:
// every reminder to a person with an e-mail address arrives once, at that
// address, in the person's language, with a subject that decodes to the reminder's
// text; a person without an address gets none.
func TestReminderMail(t *testing.T) {
	f := newProjectFixture(t)
	ctx := context.Background()
	srv := newSMTPServer(t)
	compose := portalmail.Compose("https://portal.example.edu.cn/")
	f.store.Mail = compose
	pool2, err := pgxpool.NewWithConfig(ctx, f.store.pool.Config().Copy())
	if err != nil {
		t.Fatal(err)
	}
	defer pool2.Close()
	other := New(pool2)
	other.Now, other.Mail = f.store.Now, compose
	// Addresses for all but "both" (counselor and supervisor at once), who gets the
	// portal's messages only; the counselor reads English.
	addresses := map[int64]string{
		f.secretary.UserID:  "secretary@example.edu.cn",
		f.counselor.UserID:  "Counselor@Example.edu.cn",
		f.supervisor.UserID: "supervisor@example.edu.cn",
		f.manager.UserID:    "manager@example.edu.cn",
	}
	for id, addr := range addresses {
		if _, err := f.store.pool.Exec(ctx, `UPDATE users SET email = $2 WHERE id = $1`, id, addr); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.store.pool.Exec(ctx, `UPDATE users SET lang = 'en' WHERE id = $1`, f.counselor.UserID); err != nil {
		t.Fatal(err)
	}
	// An entry waiting for verification, for the supervisors' digest.
	in := portal.EntryInput{On: time.Date(2026, 9, 5, 0, 0, 0, 0, time.UTC), Title: "主题团日", Kind: portal.EntryThemeMeeting}
	if _, err := f.store.AddEntry(ctx, f.counselor, f.project, in, nil); err != nil {
		t.Fatal(err)
	}

	// Two instances run the job at once, twice each.
	var wg sync.WaitGroup
	runs := make([]ReminderRun, 4)
	errs := make([]error, 4)
	for i := range runs {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			st := f.store
			if i%2 == 1 {
				st = other
			}
			runs[i], errs[i] = st.RunReminders(ctx)
		}(i)
	}
	wg.Wait()
	queued := 0
	for i := range runs {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		queued += runs[i].Mailed
	}

	// What the portal posted, to whom: the mails to expect.
	type note struct {
		User    int64
		Lang    string
		Message string
		Args    []string
		Link    string
	}
	rows, err := f.store.pool.Query(ctx, `SELECT n.user_id, u.lang, n.message, n.args, n.link FROM notifications n
		JOIN users u ON u.id = n.user_id WHERE n.message LIKE 'remind.%' ORDER BY n.id`)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{} // address → subjects
	bodies := map[string][]string{}
	var noAddress int
	for rows.Next() {
		var n note
		if err := rows.Scan(&n.User, &n.Lang, &n.Message, &n.Args, &n.Link); err != nil {
			t.Fatal(err)
		}
		addr, ok := addresses[n.User]
		if !ok {
			noAddress++
			continue
		}
		args := make([]any, len(n.Args))
		for i, a := range n.Args {
			args[i] = a
		}
		text := i18n.T(i18n.Parse(n.Lang), n.Message, args...)
		want[strings.ToLower(addr)] = append(want[strings.ToLower(addr)], i18n.T(i18n.Parse(n.Lang), "mail.subject", text))
		bodies[strings.ToLower(addr)] = append(bodies[strings.ToLower(addr)], "https://portal.example.edu.cn"+n.Link)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, s := range want {
		total += len(s)
	}
	if total == 0 || noAddress == 0 || len(want) != 4 || queued != total {
		t.Fatalf("posted %d reminders to people with an address (%d people), %d to people without; queued %d mails",
			total, len(want), noAddress, queued)
	}

	// Both instances drain the outbox at once.
	sender, err := portalmail.NewSender(portalmail.Config{Addr: srv.addr(), From: "校园组织工作平台 <portal@example.edu.cn>", Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	sent := make([]int, 2)
	for i, st := range []*Store{f.store, other} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sent[i] = st.DrainMail(ctx, quietLog, sendVia(sender))
		}()
	}
	wg.Wait()
	got := srv.messages()
	if len(got) != total || sent[0]+sent[1] != total {
		t.Fatalf("the server got %d mails (instances reported %v), want %d", len(got), sent, total)
	}
	seenID := map[string]bool{}
	gotSubjects := map[string][]string{}
	for _, m := range got {
		p := parseMail(t, m)
		if seenID[p.MessageID] {
			t.Errorf("mail %s sent twice", p.MessageID)
		}
		seenID[p.MessageID] = true
		if m.From != "portal@example.edu.cn" {
			t.Errorf("envelope sender %q", m.From)
		}
		addr := strings.ToLower(p.To)
		gotSubjects[addr] = append(gotSubjects[addr], p.Subject)
		if !strings.HasPrefix(p.Subject, "【校园组织工作平台】") && !strings.HasPrefix(p.Subject, "[Campus Organization Portal]") {
			t.Errorf("subject %q", p.Subject)
		}
		linked := false
		for _, link := range bodies[addr] {
			linked = linked || strings.Contains(p.Body, link)
		}
		if !linked {
			t.Errorf("the mail to %s links to none of %v:\n%s", p.To, bodies[addr], p.Body)
		}
	}
	for addr, subjects := range want {
		if fmt.Sprint(sortedStrings(subjects)) != fmt.Sprint(sortedStrings(gotSubjects[addr])) {
			t.Errorf("%s got %q, want %q", addr, gotSubjects[addr], subjects)
		}
	}
	if en := gotSubjects["counselor@example.edu.cn"]; len(en) == 0 || !strings.HasPrefix(en[0], "[Campus Organization Portal] ") {
		t.Errorf("the counselor reads English, got %q", en)
	}
	if got := gotSubjects["secretary@example.edu.cn"]; len(got) == 0 || !strings.Contains(got[0], "青春筑梦") {
		t.Errorf("the secretary's subjects: %q", got)
	}
	var unsent int
	if err := f.store.pool.QueryRow(ctx, `SELECT count(*) FROM mail_outbox WHERE sent_at IS NULL`).Scan(&unsent); err != nil || unsent != 0 {
		t.Errorf("%d mails left unsent: %v", unsent, err)
	}
	// Nothing more to send, and the job the same day queues nothing new.
	if n := other.DrainMail(ctx, quietLog, sendVia(sender)); n != 0 {
		t.Errorf("drained %d mails again", n)
	}
	if run, err := f.store.RunReminders(ctx); err != nil || run.Mailed != 0 {
		t.Errorf("a second run the same day: %+v %v", run, err)
	}
}

// TestMailRetryAndGiveUp checks that a mail the server refuses waits its backoff
// and is sent on a later attempt, and that after the last attempt it is given up
// with an audit event; without Store.Mail no mail is queued.
func TestMailRetryAndGiveUp(t *testing.T) {
	f := newProjectFixture(t)
	ctx := context.Background()
	srv := newSMTPServer(t)
	var mu sync.Mutex
	refusing := map[string]bool{"secretary@example.edu.cn": true}
	srv.refuse = func(to string) int {
		mu.Lock()
		defer mu.Unlock()
		switch {
		case to == "nobody@example.edu.cn":
			return 550
		case refusing[to]:
			return 451
		}
		return 0
	}
	if _, err := f.store.pool.Exec(ctx, `UPDATE users SET email = 'secretary@example.edu.cn' WHERE id = $1`, f.secretary.UserID); err != nil {
		t.Fatal(err)
	}
	// No SMTP configured: the reminders are posted, no mail is queued.
	run, err := f.store.RunReminders(ctx)
	if err != nil || run.Sent == 0 || run.Mailed != 0 {
		t.Fatalf("without mail: %+v %v", run, err)
	}
	if _, err := f.store.pool.Exec(ctx, `TRUNCATE reminders_sent`); err != nil {
		t.Fatal(err)
	}
	f.store.Mail = portalmail.Compose("https://portal.example.edu.cn")
	if run, err = f.store.RunReminders(ctx); err != nil || run.Mailed == 0 {
		t.Fatalf("with mail: %+v %v", run, err)
	}
	sender, err := portalmail.NewSender(portalmail.Config{Addr: srv.addr(), From: "portal@example.edu.cn", Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	send := sendVia(sender)
	for i := 0; i < run.Mailed; i++ {
		res, err := f.store.SendNextMail(ctx, send)
		if err != nil || !res.Found || res.Sent || res.Err == nil || !strings.Contains(res.Err.Error(), "451") {
			t.Fatalf("a refused mail: %+v %v", res, err)
		}
	}
	var rows, attempts int
	var lastErr string
	var wait time.Duration
	if err := f.store.pool.QueryRow(ctx, `SELECT count(*), min(attempts), min(last_error), min(extract(epoch FROM next_at - now()))::bigint * 1000000000
		FROM mail_outbox`).Scan(&rows, &attempts, &lastErr, &wait); err != nil {
		t.Fatal(err)
	}
	if rows != run.Mailed || attempts != 1 || !strings.Contains(lastErr, "451") || wait < time.Minute || wait > 2*time.Minute {
		t.Errorf("after one refusal each: %d mails, %d attempts, %q, next in %v", rows, attempts, lastErr, wait)
	}
	// Not due yet: nothing is sent.
	if res, err := f.store.SendNextMail(ctx, send); err != nil || res.Found {
		t.Errorf("sent before its backoff: %+v %v", res, err)
	}
	// Due again, and accepted.
	mu.Lock()
	refusing["secretary@example.edu.cn"] = false
	mu.Unlock()
	if _, err := f.store.pool.Exec(ctx, `UPDATE mail_outbox SET next_at = now() WHERE sent_at IS NULL`); err != nil {
		t.Fatal(err)
	}
	if n := f.store.DrainMail(ctx, quietLog, send); n != run.Mailed || len(srv.messages()) != run.Mailed {
		t.Errorf("after the retry: drained %d, received %d, want %d", n, len(srv.messages()), run.Mailed)
	}
	// A mail on its last attempt is given up, and the audit log says so.
	var id int64
	if err := f.store.pool.QueryRow(ctx, `INSERT INTO mail_outbox (user_id, recipient, subject, body, attempts)
		VALUES ($1, 'secretary@example.edu.cn', 'x', 'y', $2) RETURNING id`, f.secretary.UserID, MailMaxAttempts-1).Scan(&id); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	refusing["secretary@example.edu.cn"] = true
	mu.Unlock()
	if res, err := f.store.SendNextMail(ctx, send); err != nil || !res.GaveUp {
		t.Fatalf("the last attempt: %+v %v", res, err)
	}
	var audited int
	if err := f.store.pool.QueryRow(ctx, `SELECT count(*) FROM audit_events WHERE action = 'mail.give_up' AND entity_id = $1
		AND org_path = $2`, id, f.tzz.Path).Scan(&audited); err != nil || audited != 1 {
		t.Errorf("give-up audited %d times: %v", audited, err)
	}
	if res, err := f.store.SendNextMail(ctx, send); err != nil || res.Found {
		t.Errorf("a given-up mail was tried again: %+v %v", res, err)
	}
	// An address the server does not know is given up at the first attempt.
	if _, err := f.store.pool.Exec(ctx, `INSERT INTO mail_outbox (recipient, subject, body) VALUES ('nobody@example.edu.cn', 'x', 'y')`); err != nil {
		t.Fatal(err)
	}
	if res, err := f.store.SendNextMail(ctx, send); err != nil || !res.GaveUp || !strings.Contains(res.Err.Error(), "550") {
		t.Errorf("an unknown address: %+v %v", res, err)
	}
}

// TestMailSTARTTLSAndAuth sends through a server that offers STARTTLS and wants
// AUTH PLAIN once encrypted: the sender upgrades, authenticates and delivers.
func TestMailSTARTTLSAndAuth(t *testing.T) {
	srv := newSMTPServer(t)
	cert, pool := selfSigned(t)
	srv.tls = &tls.Config{Certificates: []tls.Certificate{cert}}
	srv.user, srv.pass = "portal", "s3cret 密码"
	cfg := portalmail.Config{Addr: srv.addr(), User: "portal", Password: "s3cret 密码", From: "portal@example.edu.cn",
		Timeout: 5 * time.Second, TLS: &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"}}
	sender, err := portalmail.NewSender(cfg)
	if err != nil {
		t.Fatal(err)
	}
	subject := "【校园组织工作平台】提醒：项目“青春筑梦”有 3 个任务节点逾期，其中“启动仪式”已逾期 12 天。这是一个很长的标题，用来检查折行是否正确。"
	if err := sender.Send(context.Background(), portalmail.Message{ID: "t1", To: "li@example.edu.cn", Subject: subject, Body: "李明，您好：\n\n.一行以点开头\n"}); err != nil {
		t.Fatal(err)
	}
	got := srv.messages()
	if len(got) != 1 || !got[0].TLS {
		t.Fatalf("received %+v", got)
	}
	p := parseMail(t, got[0])
	if p.Subject != subject || p.Body != "李明，您好：\r\n\r\n.一行以点开头\r\n" || p.MessageID != "<t1@example.edu.cn>" {
		t.Errorf("received %+v", p)
	}
	// A wrong password is refused by the server, and said so.
	cfg.Password = "wrong"
	sender, _ = portalmail.NewSender(cfg)
	if err := sender.Send(context.Background(), portalmail.Message{ID: "t2", To: "li@example.edu.cn", Subject: "x", Body: "y"}); err == nil || !strings.Contains(err.Error(), "AUTH") {
		t.Errorf("a wrong password: %v", err)
	}
	// An unreachable server fails within the timeout.
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	sender, _ = portalmail.NewSender(portalmail.Config{Addr: addr, From: "portal@example.edu.cn", Timeout: time.Second})
	if err := sender.Send(context.Background(), portalmail.Message{ID: "t3", To: "li@example.edu.cn", Subject: "x", Body: "y"}); err == nil {
		t.Error("sent to a closed port")
	}
}

// selfSigned returns a certificate for 127.0.0.1 and a pool that trusts it.
func selfSigned(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}

func sortedStrings(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return out
}

// pathArg returns the address of a MAIL FROM: or RCPT TO: argument.
func pathArg(arg, prefix string) string {
	if len(arg) < len(prefix) || !strings.EqualFold(arg[:len(prefix)], prefix) {
		return ""
	}
	addr, _, _ := strings.Cut(strings.TrimSpace(arg[len(prefix):]), " ")
	return strings.Trim(addr, "<>")
}
