package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/campusorg/portal/web"
)

// The memory an upload takes is bounded by design rather than by the mix of
// requests: the routes that take files (wrapped in admitUploads in routes.go) read
// their bodies a few at a time, each file into one buffer of its announced size, and
// the ledger form spills its files to temporary files while it is parsed. An upload
// admitted holds its file about three times while it is stored: the handler's
// buffer, pgx's encoded parameter and pgx's outgoing message (pgx drops both of its
// copies after the statement, keeping no large buffer per connection). So the
// uploads in flight hold at most about Options.UploadConcurrency × 3 ×
// Options.UploadMaxBytes, whatever the number of people uploading.

// smallBody is the largest body a request on an upload route may declare and still
// skip the queue: a plain form, or a form whose file input was left blank. Its
// length is enforced by net/http, so it cannot grow past what it declared.
const smallBody = 64 << 10

// formMemory is how much of the ledger form's files ParseMultipartForm keeps in
// memory; larger files go to temporary files, removed when the request ends.
const formMemory = 64 << 10

// uploadGate admits the bodies of uploads a fixed number at a time. A request
// waiting for a slot has not read its body, which stays in the socket.
type uploadGate struct {
	slots chan struct{} // one token per upload being read or stored
	wait  time.Duration // how long a request waits for a slot before it is refused
}

func newUploadGate(n int, wait time.Duration) *uploadGate {
	return &uploadGate{slots: make(chan struct{}, n), wait: wait}
}

// errUploadsBusy reports that no slot came free within the gate's wait.
var errUploadsBusy = errors.New("uploads: every slot stayed busy")

// acquire takes a slot, waiting at most the gate's wait. It returns errUploadsBusy
// when the wait runs out and ctx's error when ctx ends first (a client that goes
// away is noticed under HTTP/2 at once; under HTTP/1.1 net/http watches the
// connection only once the body is read, so there the wait ends it).
func (g *uploadGate) acquire(ctx context.Context) error {
	select {
	case g.slots <- struct{}{}:
		return nil
	default:
	}
	t := time.NewTimer(g.wait)
	defer t.Stop()
	select {
	case g.slots <- struct{}{}:
		return nil
	case <-t.C:
		return errUploadsBusy
	case <-ctx.Done():
		return ctx.Err()
	}
}

// release gives back a slot taken by acquire.
func (g *uploadGate) release() { <-g.slots }

type uploadAdmittedKey struct{}

// admitUploads is the middleware of every route that takes files. A request whose
// body may be larger than smallBody waits for one of Options.UploadConcurrency
// slots before its handler runs, and keeps it until the handler returns, the file
// stored; after Options.UploadWait without a slot it is answered 503 with the
// "busy, try again" page and a Retry-After header, its body unread. The handlers
// that read files refuse requests that did not come through here (see
// requireAdmitted), so that a route added without it fails its tests.
func (s *Server) admitUploads(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := context.WithValue(r.Context(), uploadAdmittedKey{}, true)
		if r.ContentLength < 0 || r.ContentLength > smallBody {
			if err := s.uploads.acquire(r.Context()); err != nil {
				if errors.Is(err, errUploadsBusy) {
					s.log.WarnContext(r.Context(), "upload refused: every upload slot stayed busy", "path", r.URL.Path,
						"slots", cap(s.uploads.slots), "waited", s.uploads.wait)
					w.Header().Set("Retry-After", strconv.Itoa(int(s.uploads.wait/time.Second)))
					s.render(w, r, http.StatusServiceUnavailable, web.ErrorPage(s.chrome(r, "", ""), http.StatusServiceUnavailable, "error.uploads_busy"))
				}
				return // the client went away: nobody reads an answer
			}
			defer s.uploads.release()
		}
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// requireAdmitted returns an internal error for a request that reads files without
// having come through admitUploads: a route in routes.go is missing the middleware.
func requireAdmitted(r *http.Request) error {
	if ok, _ := r.Context().Value(uploadAdmittedKey{}).(bool); !ok {
		return fmt.Errorf("server: %s reads files but its route lacks admitUploads", r.URL.Path)
	}
	return nil
}

// errTooLarge reports a file longer than the limit readFile was given.
var errTooLarge = errors.New("file too large")

// readFile reads r to its end into one buffer. size is the length announced for
// it (a file's size, or the request's Content-Length, which bounds any part of
// it); the buffer is allocated once at that size, at most limit+1, so that a file
// of the announced length is read without the repeated growth and copying of
// io.ReadAll. When nothing was announced (size ≤ 0) or the announcement was short,
// the buffer grows as needed. A file longer than limit returns errTooLarge; other
// read errors are returned as they are.
func readFile(r io.Reader, size, limit int64) ([]byte, error) {
	if size <= 0 {
		size = 32 << 10
	}
	buf := make([]byte, 0, min(size, limit+1))
	for {
		if len(buf) == cap(buf) {
			// Full: either the end is here, or the announcement was short.
			var probe [1]byte
			n, err := io.ReadFull(r, probe[:])
			if n == 0 {
				if err == io.EOF {
					return buf, nil
				}
				return buf, err
			}
			if int64(len(buf)) >= limit {
				return nil, errTooLarge
			}
			buf = append(buf, probe[0])
			continue
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if int64(len(buf)) > limit {
			return nil, errTooLarge
		}
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
}
