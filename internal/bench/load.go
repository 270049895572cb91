package bench

import (
	"context"
	"errors"
	"io"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// A request maker returns the next request of a kind and a function to call with
// the response's status (to return a borrowed fixture, such as a review sheet
// and its version).
type maker func(ctx context.Context) (*http.Request, func(status int), error)

// sample is what one phase measured.
type sample struct {
	Sent      int
	OK        int // the expected status
	Status5xx int
	Other     int // unexpected status below 500
	Errors    int // transport errors and client timeouts
	Elapsed   time.Duration
	lat       []time.Duration
	firstBad  string
}

// RPS returns completed requests of the expected status per second.
func (s sample) RPS() float64 {
	if s.Elapsed <= 0 {
		return 0
	}
	return float64(s.OK) / s.Elapsed.Seconds()
}

// Quantile returns the latency below which a share q of the requests fell
// (failed ones included, at the time they failed).
func (s sample) Quantile(q float64) time.Duration {
	if len(s.lat) == 0 {
		return 0
	}
	i := int(q * float64(len(s.lat)))
	if i >= len(s.lat) {
		i = len(s.lat) - 1
	}
	return s.lat[i]
}

type recorder struct {
	mu       sync.Mutex
	s        sample
	expected int
}

func (r *recorder) record(status int, err error, lat time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.s.lat = append(r.s.lat, lat)
	switch {
	case err != nil:
		r.s.Errors++
		if r.s.firstBad == "" {
			r.s.firstBad = err.Error()
		}
	case status == r.expected, r.expected < 0 && status > 0 && status < 400:
		r.s.OK++
	case status >= 500:
		r.s.Status5xx++
		if r.s.firstBad == "" {
			r.s.firstBad = http.StatusText(status)
		}
	default:
		r.s.Other++
		if r.s.firstBad == "" {
			r.s.firstBad = "status " + http.StatusText(status)
		}
	}
}

func (r *recorder) done(elapsed time.Duration) sample {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.s
	s.Elapsed = elapsed
	slices.Sort(s.lat)
	return s
}

// do sends one request and reads the whole response.
func do(client *http.Client, req *http.Request) (int, error) {
	res, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	_, err = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode, err
}

// closedLoop measures capacity: conns workers each send a request as soon as the
// previous one is answered, until the duration or the request count is reached.
func closedLoop(ctx context.Context, client *http.Client, mk maker, expected, conns int, dur time.Duration, count int) sample {
	rec := &recorder{expected: expected}
	var sent atomic.Int64
	ctx, cancel := context.WithTimeout(ctx, dur)
	defer cancel()
	start := time.Now()
	var wg sync.WaitGroup
	for i := 0; i < conns; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil && sent.Add(1) <= int64(count) {
				req, after, err := mk(ctx)
				if err != nil {
					if ctx.Err() == nil {
						rec.record(0, err, 0)
					}
					return
				}
				t := time.Now()
				status, err := do(client, req)
				if errors.Is(err, context.DeadlineExceeded) && ctx.Err() != nil {
					after(0)
					return // cut off by the end of the phase, not measured
				}
				rec.record(status, err, time.Since(t))
				after(status)
			}
		}()
	}
	wg.Wait()
	s := rec.done(time.Since(start))
	s.Sent = int(min(sent.Load(), int64(count)))
	return s
}

// openLoop measures latency at a fixed arrival rate: request i is due at
// start + i/rate whatever happened to the others, each sent by its own goroutine,
// and its latency runs from when it was due, so that waiting in any queue (the
// client's connection pool, the server's accept queue, the database pool) counts.
// It stops scheduling at the duration or the count, then waits for the answers
// (each bounded by the client's timeout).
func openLoop(ctx context.Context, client *http.Client, mk maker, expected int, rate float64, dur time.Duration, count int) sample {
	rec := &recorder{expected: expected}
	if rate <= 0 {
		return rec.done(0)
	}
	interval := time.Duration(float64(time.Second) / rate)
	n := min(count, int(dur.Seconds()*rate)+1)
	start := time.Now()
	var wg sync.WaitGroup
	sent := 0
	for i := 0; i < n && ctx.Err() == nil; i++ {
		due := start.Add(time.Duration(i) * interval)
		if d := time.Until(due); d > 0 {
			time.Sleep(d)
		}
		sent++
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, after, err := mk(ctx)
			if err != nil {
				rec.record(0, err, time.Since(due))
				return
			}
			status, err := do(client, req)
			rec.record(status, err, time.Since(due))
			after(status)
		}()
	}
	wg.Wait()
	s := rec.done(time.Since(start))
	s.Sent = sent
	return s
}
