// Package bench measures the portal against a baseline built into the same
// server: a Fortunes-style handler (one query of about 13 rows, sorted in Go,
// rendered with templ, escaped), registered only in bench mode. For each kind of
// request it measures capacity with a closed loop (a fixed number of connections,
// each sending as soon as it is answered) and latency with an open loop (requests
// due at a fixed rate whatever happens to the others, latency counted from when a
// request was due, so that queueing is not hidden), and relates each capacity to
// the baseline's in the same run. Every phase is bounded in time and in requests.
//
// The load generator is this package's own code; it talks to a server over
// HTTP on the loopback interface only. `portal bench` runs the server in a child
// process (so that its memory is the server's alone, and the two runtimes do not
// share a garbage collector); the smoke test runs it in the test's process.
package bench

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Config tunes a run.
type Config struct {
	// BaseURL is the server's address; its host must be a loopback address.
	BaseURL string
	// DSN is the bench database (the fixture's ids are read from it, and what the
	// write kinds added in an earlier run is removed).
	DSN string
	// Smoke runs every phase for a moment, to check that every request works.
	Smoke bool
	// Conns is the number of connections of the capacity phases (default 16).
	Conns int
	// Phase bounds each phase's duration (default 5 s; smoke 250 ms).
	Phase time.Duration
	// MaxRequests bounds each phase's requests (default 60,000; smoke 40).
	MaxRequests int
	// Memory returns the server's memory now (the RSS of its process, or the Go
	// heap in use when the server runs in the same process); MemoryWhat says which.
	Memory     func() (uint64, error)
	MemoryWhat string
	// Server describes how the server runs, for the report.
	Server string
	// Only, when set, limits the run to these kinds (the baseline always runs).
	Only []string
	// Logf reports progress; nil is silent.
	Logf func(format string, args ...any)
}

// Row is one kind of request's results.
type Row struct {
	Key, Label string
	Target     Target
	Missing    string // why it was not measured
	Capacity   sample
	Rate       float64 // the open-loop rate used
	Capped     bool    // the rate was lowered to 0.7 × the kind's own capacity
	Latency    sample
	Ratio      float64 // capacity / the baseline's
}

// Result is a run's measurements.
type Result struct {
	Config Config
	When   time.Time
	// Baseline is the baseline's capacity in requests per second: the higher of
	// its two measurements, before the portal's requests (BaselineFirst, which sets
	// the open-loop rates) and after them (BaselineAgain), so that a moment of the
	// shared machine's load on the baseline does not flatter every ratio.
	Baseline, BaselineFirst, BaselineAgain float64
	Rows                                   []Row
	// Overload is the mix of the portal's requests sent open-loop at 1.5 × the
	// baseline's capacity.
	Overload     sample
	OverloadRate float64
	// Upload memory: the server's memory before and at its highest during 20
	// concurrent 5 MB uploads, and their latencies.
	MemBefore, MemPeak uint64
	MemUploads         sample
	Page               int // the page the "page 400" request opens
	ListRows           int // applications matching the list's filter
}

// Row returns the row of a kind.
func (r *Result) Row(key string) *Row {
	for i := range r.Rows {
		if r.Rows[i].Key == key {
			return &r.Rows[i]
		}
	}
	return nil
}

// Failures lists every measured request that did not answer as expected.
func (r *Result) Failures() []string {
	var out []string
	check := func(name string, s sample) {
		if s.Status5xx+s.Other+s.Errors > 0 {
			out = append(out, fmt.Sprintf("%s: %d server errors, %d unexpected statuses, %d transport errors (first: %s)",
				name, s.Status5xx, s.Other, s.Errors, s.firstBad))
		}
	}
	for _, row := range r.Rows {
		if row.Missing == "" {
			check(row.Key+" capacity", row.Capacity)
			check(row.Key+" open loop", row.Latency)
		}
	}
	check("upload memory test", r.MemUploads)
	if r.Overload.Status5xx > 0 {
		out = append(out, fmt.Sprintf("overload: %d server errors", r.Overload.Status5xx))
	}
	return out
}

func loopback(base string) error {
	u, err := url.Parse(base)
	if err != nil {
		return err
	}
	host := u.Hostname()
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("bench: the server must be on a loopback address, not %q", host)
}

// Run measures the portal at cfg.BaseURL.
func Run(ctx context.Context, cfg Config) (*Result, error) {
	if err := loopback(cfg.BaseURL); err != nil {
		return nil, err
	}
	if cfg.Conns <= 0 {
		cfg.Conns = 16
	}
	if cfg.Phase <= 0 {
		cfg.Phase = 5 * time.Second
		if cfg.Smoke {
			cfg.Phase = 250 * time.Millisecond
		}
	}
	if cfg.MaxRequests <= 0 {
		cfg.MaxRequests = 60000
		if cfg.Smoke {
			cfg.MaxRequests = 40
		}
	}
	logf := func(format string, args ...any) {
		if cfg.Logf != nil {
			cfg.Logf(format, args...)
		}
	}
	res := &Result{Config: cfg, When: time.Now()}
	db, err := pgxpool.New(ctx, cfg.DSN)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	f := &fixture{base: strings.TrimRight(cfg.BaseURL, "/"), db: db, cookies: map[string]string{}}
	if err := f.load(ctx); err != nil {
		return nil, err
	}
	if err := f.resetWrites(ctx); err != nil {
		return nil, err
	}
	res.Page, res.ListRows = f.page, f.rows
	transport := &http.Transport{MaxIdleConns: 2048, MaxIdleConnsPerHost: 2048, MaxConnsPerHost: 1024, DisableCompression: true,
		IdleConnTimeout: time.Minute}
	defer transport.CloseIdleConnections()
	client := &http.Client{Transport: transport, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	// One session per account, signed in once through the sign-in form (the
	// form's throttle allows a burst of 20 per address).
	for _, k := range kinds {
		if len(cfg.Only) > 0 && k.Key != "baseline" && !slices.Contains(cfg.Only, k.Key) {
			continue
		}
		if k.Account != "" && f.cookies[k.Account] == "" {
			if err := f.signIn(ctx, client, k.Account); err != nil {
				return nil, err
			}
		}
	}
	makers := map[string]maker{}
	for _, k := range kinds {
		row := Row{Key: k.Key, Label: k.Label, Target: k.Target}
		if len(cfg.Only) > 0 && k.Key != "baseline" && !slices.Contains(cfg.Only, k.Key) {
			continue
		}
		m, missing, err := k.make(f, ctx)
		if err != nil {
			return nil, fmt.Errorf("bench: %s: %w", k.Key, err)
		}
		row.Missing = missing
		if m != nil {
			makers[k.Key] = m
		}
		res.Rows = append(res.Rows, row)
	}
	expect := func(key string) int {
		for _, k := range kinds {
			if k.Key == key {
				return k.Expect
			}
		}
		return 200
	}
	// Warm up every kind (connections, caches, the database's buffers).
	for _, k := range kinds {
		if m := makers[k.Key]; m != nil {
			s := closedLoop(ctx, client, m, k.Expect, min(cfg.Conns, 4), min(cfg.Phase, time.Second), max(10, cfg.MaxRequests/50))
			if k.Key == "upload" {
				if err := f.clearUploads(ctx); err != nil {
					return nil, err
				}
			}
			logf("bench: warm-up %-12s %6.0f req/s", k.Key, s.RPS())
		}
	}
	// Memory during 20 concurrent 5 MB uploads, before any other upload.
	if makers["upload"] != nil {
		if err := memoryTest(ctx, client, f, cfg, res); err != nil {
			return nil, err
		}
	}
	for i := range res.Rows {
		row := &res.Rows[i]
		m := makers[row.Key]
		if m == nil {
			logf("bench: %-12s not measured: %s", row.Key, row.Missing)
			continue
		}
		row.Capacity = closedLoop(ctx, client, m, expect(row.Key), cfg.Conns, cfg.Phase, cfg.MaxRequests)
		if row.Key == "baseline" {
			res.Baseline, res.BaselineFirst = row.Capacity.RPS(), row.Capacity.RPS()
		}
		row.Rate = 0.3 * res.Baseline
		if own := row.Capacity.RPS(); row.Rate > 0.7*own {
			row.Rate, row.Capped = 0.7*own, true
		}
		if row.Key == "upload" {
			if err := f.clearUploads(ctx); err != nil {
				return nil, err
			}
		}
		row.Latency = openLoop(ctx, client, m, expect(row.Key), row.Rate, cfg.Phase, cfg.MaxRequests)
		if row.Key == "upload" {
			if err := f.clearUploads(ctx); err != nil {
				return nil, err
			}
		}
		if res.Baseline > 0 {
			row.Ratio = row.Capacity.RPS() / res.Baseline
		}
		logf("bench: %-12s %7.0f req/s (%.2f × baseline); open loop at %.0f/s: p50 %s p99 %s", row.Key, row.Capacity.RPS(), row.Ratio,
			row.Rate, row.Latency.Quantile(0.5).Round(10*time.Microsecond), row.Latency.Quantile(0.99).Round(10*time.Microsecond))
	}
	// The baseline again: the ratios are to the higher of its two capacities.
	if m := makers["baseline"]; m != nil && len(res.Rows) > 1 {
		res.BaselineAgain = closedLoop(ctx, client, m, expect("baseline"), cfg.Conns, cfg.Phase, cfg.MaxRequests).RPS()
		logf("bench: baseline again %7.0f req/s", res.BaselineAgain)
		if res.BaselineAgain > res.Baseline {
			res.Baseline = res.BaselineAgain
			for i := range res.Rows {
				if res.Rows[i].Key != "baseline" {
					res.Rows[i].Ratio = res.Rows[i].Capacity.RPS() / res.Baseline
				}
			}
		}
	}
	// Overload: the portal's requests in turn, open loop at 1.5 × the baseline's
	// capacity; nothing may fail with a server error.
	var mix []string
	for _, row := range res.Rows {
		if makers[row.Key] != nil && row.Key != "baseline" && row.Key != "upload" {
			mix = append(mix, row.Key)
		}
	}
	if len(mix) > 0 && res.Baseline > 0 {
		var mu sync.Mutex
		n := 0
		mixed := func(ctx context.Context) (*http.Request, func(int), error) {
			mu.Lock()
			key := mix[n%len(mix)]
			n++
			mu.Unlock()
			return makers[key](ctx)
		}
		res.OverloadRate = 1.5 * res.Baseline
		s := openLoop(ctx, client, mixed, -1, res.OverloadRate, cfg.Phase, cfg.MaxRequests)
		res.Overload = s
		logf("bench: overload at %.0f/s: %d sent, %d server errors, %d transport errors, p99 %s", res.OverloadRate, s.Sent, s.Status5xx,
			s.Errors, s.Quantile(0.99).Round(time.Millisecond))
	}
	if err := f.resetWrites(ctx); err != nil {
		return nil, err
	}
	return res, nil
}

// memoryTest sends 20 uploads of 5 MB at once and samples the server's memory
// every 5 ms until they are answered.
func memoryTest(ctx context.Context, client *http.Client, f *fixture, cfg Config, res *Result) error {
	if cfg.Memory == nil {
		return errors.New("bench: no way to read the server's memory")
	}
	m := f.upload(5 << 20)
	before, err := cfg.Memory()
	if err != nil {
		return err
	}
	res.MemBefore, res.MemPeak = before, before
	stop := make(chan struct{})
	var sampler sync.WaitGroup
	sampler.Add(1)
	go func() {
		defer sampler.Done()
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				if v, err := cfg.Memory(); err == nil && v > res.MemPeak {
					res.MemPeak = v
				}
			}
		}
	}()
	rec := &recorder{expected: http.StatusSeeOther}
	var wg sync.WaitGroup
	start := time.Now()
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, after, err := m(ctx)
			if err != nil {
				rec.record(0, err, 0)
				return
			}
			t := time.Now()
			status, err := do(client, req)
			rec.record(status, err, time.Since(t))
			after(status)
		}()
	}
	wg.Wait()
	time.Sleep(20 * time.Millisecond)
	close(stop)
	sampler.Wait()
	res.MemUploads = rec.done(time.Since(start))
	res.MemUploads.Sent = 20
	if cfg.Logf != nil {
		cfg.Logf("bench: 20 × 5 MB uploads: %s %d MB before, %d MB at most (+%d MB); p99 %s", cfg.MemoryWhat, before>>20, res.MemPeak>>20,
			(res.MemPeak-before)>>20, res.MemUploads.Quantile(0.99).Round(time.Millisecond))
	}
	return f.clearUploads(ctx)
}
