package postgres

import (
	"context"
	"crypto/rand"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
)

// The store keeps in memory a few things read on nearly every request: sessions,
// the signed-in person with her grants, and per program the dashboard's figures and
// the application list's pages. A copy is trusted only while this instance listens
// to the database's portal_cache channel, where triggers (migration 00013) and the
// session store announce every change that could make a copy wrong; the listener
// forgets what each notification names. Without a listener (Listen not running, or
// its connection lost) every read goes to the database and nothing is kept, and
// when the listener (re)connects it forgets everything, since what changed in
// between was not heard.

// cacheChannel is the channel of migration 00013.
const cacheChannel = "portal_cache"

// caches are the store's in-memory copies and whether they may be used.
type caches struct {
	live     atomic.Bool // a listener is connected
	instance string      // names this instance's write marks
	seq      atomic.Uint64
	missed   atomic.Int64 // write marks not heard in time
	mu       sync.Mutex
	waiting  map[string]chan struct{} // write marks not heard yet
	sessions *cache[string, sessionRecord]
	actors   *cache[int64, actorRecord]
	programs *cache[progKey, any]
	lists    *cache[progKey, *AppsPage] // pages of application lists, apart so that paging does not push out the rest
}

// progKey names a copy of something of one program: what (a word of the method
// that keeps it) and, where it varies, a part (an organization, a filter). Program
// 0 holds what spans programs (a choice of programs): a change of any program
// forgets it too.
type progKey struct {
	program int64
	what    string
	part    string
}

func newCaches() *caches {
	return &caches{
		instance: rand.Text()[:12],
		waiting:  map[string]chan struct{}{},
		sessions: newCache[string, sessionRecord](100_000, 30*time.Minute),
		actors:   newCache[int64, actorRecord](50_000, 30*time.Minute),
		programs: newCache[progKey, any](1_000, 10*time.Minute),     // a province dashboard with its pages is ≈ 0.3 MB
		lists:    newCache[progKey, *AppsPage](200, 10*time.Minute), // a page with its rendered part is ≈ 0.1 MB
	}
}

// forget applies one notification's payload.
func (c *caches) forget(payload string) {
	kind, key, _ := strings.Cut(payload, ":")
	switch kind {
	case "w":
		c.heard(key)
	case "s":
		c.sessions.drop(key)
	case "u":
		if id, err := strconv.ParseInt(key, 10, 64); err == nil {
			c.actors.drop(id)
		} else {
			c.actors.clear()
		}
	case "p":
		if id, err := strconv.ParseInt(key, 10, 64); err == nil {
			of := func(k progKey) bool { return k.program == id || k.program == 0 }
			c.programs.dropWhere(of)
			c.lists.dropWhere(of)
		} else {
			c.programs.clear()
			c.lists.clear()
		}
	default: // "o", and anything not understood
		c.actors.clear()
		c.programs.clear()
		c.lists.clear()
	}
}

// A write transaction of this instance ends with a mark of its own on the channel
// (inTx), and waits after its commit until the listener hears it: the triggers'
// notifications of the transaction come before the mark, so by then every copy it
// made wrong is forgotten, and the next request of the same person, wherever it
// lands in this instance, reads what she wrote.

// expect returns a new write mark and the channel closed when it is heard.
func (c *caches) expect() (string, chan struct{}) {
	mark := c.instance + "." + strconv.FormatUint(c.seq.Add(1), 10)
	done := make(chan struct{})
	c.mu.Lock()
	c.waiting[mark] = done
	c.mu.Unlock()
	return mark, done
}

// heard closes the channel of mark (a mark of another instance is not waited for).
func (c *caches) heard(mark string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if done, ok := c.waiting[mark]; ok {
		close(done)
		delete(c.waiting, mark)
	}
}

// await waits until mark is heard. When it is not heard in time, or the transaction
// failed (sent is false), it forgets everything instead.
func (c *caches) await(mark string, done chan struct{}, sent bool) {
	if sent {
		t := time.NewTimer(2 * time.Second)
		defer t.Stop()
		select {
		case <-done:
			return
		case <-t.C:
			c.missed.Add(1)
		}
	}
	c.mu.Lock()
	delete(c.waiting, mark)
	c.mu.Unlock()
	if sent {
		c.clear()
	}
}

// unheard releases every writer waiting (the listener lost its connection; the
// copies are cleared and unused until it is back).
func (c *caches) unheard() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for mark, done := range c.waiting {
		close(done)
		delete(c.waiting, mark)
	}
}

// clear forgets everything.
func (c *caches) clear() {
	c.sessions.clear()
	c.actors.clear()
	c.programs.clear()
	c.lists.clear()
}

// Listen keeps this instance's in-memory copies consistent with the database until
// ctx ends: it holds one connection of its own (outside the pool) listening to
// portal_cache, and reconnects with a growing pause when the connection fails. The
// copies are used only while it is connected. Call it once per Store, in its own
// goroutine; it returns when ctx is done.
func (s *Store) Listen(ctx context.Context, log *slog.Logger) {
	pause := 100 * time.Millisecond
	for ctx.Err() == nil {
		err := s.listenOnce(ctx)
		s.cache.live.Store(false)
		s.cache.clear()
		s.cache.unheard()
		if ctx.Err() != nil {
			return
		}
		log.Warn("cache listener lost its connection; reading through until it is back", "err", err, "retry_in", pause)
		select {
		case <-ctx.Done():
			return
		case <-time.After(pause):
		}
		pause = min(2*pause, 10*time.Second)
	}
}

// Start runs what every serving instance keeps going until ctx ends: the cache
// listener (Listen) and the deletion of expired sessions every half hour.
func (s *Store) Start(ctx context.Context, log *slog.Logger) {
	go s.Listen(ctx, log)
	go s.SessionCleanupLoop(ctx, 30*time.Minute, func(err error) { log.Error("deleting expired sessions", "err", err) })
}

// listenOnce connects, listens and applies notifications until the connection fails.
func (s *Store) listenOnce(ctx context.Context) error {
	conn, err := pgx.ConnectConfig(ctx, s.pool.Config().ConnConfig.Copy())
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "LISTEN "+cacheChannel); err != nil {
		return err
	}
	// Whatever was kept before this point may have changed unheard.
	s.cache.clear()
	s.cache.live.Store(true)
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		s.cache.forget(n.Payload)
	}
}

// ListenReady runs Listen in its own goroutine and waits until it is connected,
// for at most within. The returned stop ends the listener and waits for it; call it
// even when err is not nil. For tests and tools that need the copies in use from
// their first request (a serving instance calls Start and does not wait).
func (s *Store) ListenReady(ctx context.Context, log *slog.Logger, within time.Duration) (stop func(), err error) {
	lctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { s.Listen(lctx, log); close(done) }()
	stop = func() { cancel(); <-done }
	wctx, cancelWait := context.WithTimeout(lctx, within)
	defer cancelWait()
	return stop, s.AwaitCache(wctx)
}

// AwaitCache waits until the listener is connected (the copies in use) or ctx ends.
func (s *Store) AwaitCache(ctx context.Context) error {
	for !s.cache.live.Load() {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(5 * time.Millisecond):
		}
	}
	return nil
}

// CacheLive reports whether the in-memory copies are in use (a listener is connected).
func (s *Store) CacheLive() bool { return s.cache.live.Load() }

// cache is a bounded map of copies, each with an expiry. A reader that misses takes
// a ticket (begin) before reading the database and offers the value with it (put);
// the value is kept only if nothing was dropped since the ticket, so that a copy read
// before a change and offered after the change's notification is never kept.
type cache[K comparable, V any] struct {
	mu  sync.Mutex
	m   map[K]cacheEntry[V]
	max int
	ttl time.Duration
	gen uint64
}

type cacheEntry[V any] struct {
	v       V
	expires time.Time
}

func newCache[K comparable, V any](max int, ttl time.Duration) *cache[K, V] {
	return &cache[K, V]{m: map[K]cacheEntry[V]{}, max: max, ttl: ttl}
}

// get returns the copy of k if there is one that has not expired at now.
func (c *cache[K, V]) get(k K, now time.Time) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[k]
	if !ok || !now.Before(e.expires) {
		var zero V
		return zero, false
	}
	return e.v, true
}

// begin returns the ticket for a read of the database about to start.
func (c *cache[K, V]) begin() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen
}

// put keeps v for k until expires (at most the cache's ttl after now), unless
// something was dropped since ticket. A full cache is emptied first: simple, and
// rare at the sizes chosen.
func (c *cache[K, V]) put(k K, v V, ticket uint64, now, expires time.Time) {
	if limit := now.Add(c.ttl); expires.IsZero() || expires.After(limit) {
		expires = limit
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if ticket != c.gen {
		return
	}
	if len(c.m) >= c.max {
		clear(c.m)
	}
	c.m[k] = cacheEntry[V]{v: v, expires: expires}
}

// drop forgets k.
func (c *cache[K, V]) drop(k K) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	delete(c.m, k)
}

// dropWhere forgets every key for which match is true.
func (c *cache[K, V]) dropWhere(match func(K) bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	for k := range c.m {
		if match(k) {
			delete(c.m, k)
		}
	}
}

// clear forgets everything.
func (c *cache[K, V]) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	clear(c.m)
}

// cached returns the copy of k, or reads it with load and keeps it (until the
// expiry load returns, zero for the cache's ttl) when the copies are live.
func cached[K comparable, V any](s *Store, c *cache[K, V], k K, load func() (V, time.Time, error)) (V, error) {
	live := s.cache.live.Load()
	now := time.Now() // the wall clock, not the store's business clock (Now)
	if live {
		if v, ok := c.get(k, now); ok {
			return v, nil
		}
	}
	ticket := c.begin()
	v, expires, err := load()
	if err != nil || !live {
		return v, err
	}
	c.put(k, v, ticket, now, expires)
	return v, nil
}
