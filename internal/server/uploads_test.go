package server

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"testing/iotest"
	"time"
)

// With n upload slots, the (n+1)th upload waits, its body unread, until a slot
// comes free; a waiting request whose context ends gives up its place without
// running the handler; small bodies never wait.
func TestUploadGateAdmitsAFewAtATime(t *testing.T) {
	const n = 2
	s := &Server{log: slog.New(slog.NewTextHandler(io.Discard, nil)), uploads: newUploadGate(n, time.Minute)}
	var inside atomic.Int32
	entered := make(chan struct{}, 10)
	leave := make(chan struct{})
	h := s.admitUploads(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := requireAdmitted(r); err != nil {
			t.Error(err)
		}
		entered <- struct{}{}
		if r.ContentLength <= smallBody {
			return
		}
		inside.Add(1)
		<-leave
		inside.Add(-1)
	}))
	bigBody := func(ctx context.Context) *http.Request {
		return httptest.NewRequestWithContext(ctx, http.MethodPost, "/applications/1/attachments", bytes.NewReader(make([]byte, smallBody+1)))
	}
	serve := func(r *http.Request) chan struct{} {
		done := make(chan struct{})
		go func() { h.ServeHTTP(httptest.NewRecorder(), r); close(done) }()
		return done
	}
	waitEntered := func(what string) {
		t.Helper()
		select {
		case <-entered:
		case <-time.After(5 * time.Second):
			t.Fatalf("%s: the handler was not entered", what)
		}
	}
	notEntered := func(what string) {
		t.Helper()
		select {
		case <-entered:
			t.Fatalf("%s: the handler ran with every slot taken", what)
		case <-time.After(100 * time.Millisecond):
		}
	}

	var done []chan struct{}
	for i := 0; i < n; i++ {
		done = append(done, serve(bigBody(context.Background())))
		waitEntered("an upload with a slot free")
	}
	// The (n+1)th waits.
	extra := serve(bigBody(context.Background()))
	notEntered("the extra upload")
	// A waiting request whose client went away leaves without running the handler.
	ctx, cancel := context.WithCancel(context.Background())
	gone := serve(bigBody(ctx))
	notEntered("the cancelled upload")
	cancel()
	select {
	case <-gone:
	case <-time.After(5 * time.Second):
		t.Fatal("a cancelled request kept waiting")
	}
	// A small body passes at once, slots or not.
	small := httptest.NewRequest(http.MethodPost, "/ledger/1/edit", strings.NewReader("title=x"))
	done = append(done, serve(small))
	waitEntered("a small body")
	if got := inside.Load(); got != n {
		t.Fatalf("%d uploads running, want %d", got, n)
	}
	// Each finished request gives back its slot: the extra upload (and not the
	// cancelled one) gets one.
	leave <- struct{}{} // one of the uploads returns
	waitEntered("the extra upload once a slot came free")
	if len(s.uploads.slots) != n {
		t.Errorf("%d slots taken, want %d", len(s.uploads.slots), n)
	}
	close(leave)
	for _, d := range append(done, extra) {
		<-d
	}
	if len(s.uploads.slots) != 0 {
		t.Errorf("%d slots still taken after every request ended", len(s.uploads.slots))
	}
}

// An upload that finds every slot busy for Options.UploadWait is answered 503
// with the catalogue's message and Retry-After, the draft untouched; one that
// gets a slot within the wait is stored as usual.
func TestUploadBusyThenAdmitted(t *testing.T) {
	app := newTestApp(t)
	draft := app.fill(t)("{draft}")
	path := "/applications/" + draft + "/attachments"
	pdf := append(append([]byte{}, pdfBytes...), bytes.Repeat([]byte("0"), smallBody)...)

	busy := app.withOptions(t, Options{UploadConcurrency: 1, UploadWait: 200 * time.Millisecond})
	c := busy.signIn("secretary")
	before := app.appState(t, draft)
	busy.server.uploads.slots <- struct{}{} // another upload holds the only slot
	res, body := c.uploadAs(path, "方案.pdf", pdf)
	if res.StatusCode != http.StatusServiceUnavailable || !strings.Contains(body, "当前上传文件的人较多") {
		t.Fatalf("status %d, want 503 with the busy message\n%.1000s", res.StatusCode, body)
	}
	if res.Header.Get("Retry-After") == "" {
		t.Error("no Retry-After on the busy answer")
	}
	if after := app.appState(t, draft); after != before {
		t.Errorf("a refused upload changed the draft:\n%s\n%s", before, after)
	}
	busy.server.uploads.release()

	patient := app.withOptions(t, Options{UploadConcurrency: 1, UploadWait: 30 * time.Second})
	c = patient.signIn("secretary")
	patient.server.uploads.slots <- struct{}{}
	freed := time.AfterFunc(300*time.Millisecond, patient.server.uploads.release)
	defer freed.Stop()
	start := time.Now()
	res, body = c.uploadAs(path, "方案.pdf", pdf)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("status %d, want 303 once the slot came free\n%.1000s", res.StatusCode, body)
	}
	if waited := time.Since(start); waited < 250*time.Millisecond {
		t.Errorf("answered after %s, before the slot came free", waited)
	}
	if n := app.count(t, `SELECT count(*) FROM attachments WHERE application_id = $1`, draft); n != 1 {
		t.Errorf("%d files stored, want 1", n)
	}
}

// A handler that reads files refuses a request that bypassed admitUploads.
func TestUploadRouteWithoutGateFails(t *testing.T) {
	r := httptest.NewRequest(http.MethodPost, "/import", strings.NewReader("x"))
	if err := requireAdmitted(r); err == nil {
		t.Error("a request outside admitUploads was let through")
	}
}

// readFile reads a file of its announced size into one buffer of that size, grows
// past a short announcement, and refuses what is longer than the limit.
func TestUploadReadFile(t *testing.T) {
	data := bytes.Repeat([]byte("0123456789"), 1000)
	for _, tc := range []struct {
		name        string
		size, limit int64
		r           io.Reader
		err         error
		exactCap    bool
	}{
		{"announced size", int64(len(data)), 1 << 20, bytes.NewReader(data), nil, true},
		{"announced size, one byte at a time", int64(len(data)), 1 << 20, iotest.OneByteReader(bytes.NewReader(data)), nil, true},
		{"announcement too short", 100, 1 << 20, bytes.NewReader(data), nil, false},
		{"nothing announced", 0, 1 << 20, bytes.NewReader(data), nil, false},
		{"exactly the limit", int64(len(data)), int64(len(data)), bytes.NewReader(data), nil, true},
		{"over the limit", int64(len(data)), int64(len(data)) - 1, bytes.NewReader(data), errTooLarge, false},
		{"over the limit, short announcement", 10, int64(len(data)) - 1, bytes.NewReader(data), errTooLarge, false},
		{"read error", int64(len(data)), 1 << 20, iotest.TimeoutReader(bytes.NewReader(data)), iotest.ErrTimeout, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := readFile(tc.r, tc.size, tc.limit)
			if !errors.Is(err, tc.err) {
				t.Fatalf("error %v, want %v", err, tc.err)
			}
			if tc.err != nil {
				return
			}
			if !bytes.Equal(got, data) {
				t.Fatalf("read %d bytes, want %d", len(got), len(data))
			}
			if tc.exactCap && cap(got) != len(data) {
				t.Errorf("buffer of %d for %d bytes", cap(got), len(data))
			}
		})
	}
}
