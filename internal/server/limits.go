package server

import (
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// signInLimits throttles sign-in attempts per client address (every attempt counts)
// and per account (failed attempts count), with token buckets from x/time/rate.
// Limits are per app instance.
type signInLimits struct {
	mu       sync.Mutex
	byIP     map[string]*limiterEntry
	byLogin  map[string]*limiterEntry
	lastSwep time.Time
}

type limiterEntry struct {
	lim  *rate.Limiter
	used time.Time
}

const (
	ipBurst    = 20
	ipEvery    = 6 * time.Second // 10 a minute once the burst is spent
	loginBurst = 5
	loginEvery = time.Minute // one more guess a minute once 5 failed
)

func newSignInLimits() *signInLimits {
	return &signInLimits{byIP: map[string]*limiterEntry{}, byLogin: map[string]*limiterEntry{}}
}

func (l *signInLimits) get(m map[string]*limiterEntry, key string, every time.Duration, burst int, now time.Time) *rate.Limiter {
	e, ok := m[key]
	if !ok {
		e = &limiterEntry{lim: rate.NewLimiter(rate.Every(every), burst)}
		m[key] = e
	}
	e.used = now
	return e.lim
}

// sweep forgets limiters unused for an hour (they are full again by then).
func (l *signInLimits) sweep(now time.Time) {
	if now.Sub(l.lastSwep) < 10*time.Minute {
		return
	}
	l.lastSwep = now
	for _, m := range []map[string]*limiterEntry{l.byIP, l.byLogin} {
		for k, e := range m {
			if now.Sub(e.used) > time.Hour {
				delete(m, k)
			}
		}
	}
}

// allow reports whether a sign-in attempt from ip for login may go ahead, and
// spends the address's token.
func (l *signInLimits) allow(ip, login string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sweep(now)
	if l.get(l.byLogin, strings.ToLower(login), loginEvery, loginBurst, now).TokensAt(now) < 1 {
		return false
	}
	return l.get(l.byIP, ip, ipEvery, ipBurst, now).AllowN(now, 1)
}

// failed spends a token of the account after a wrong password.
func (l *signInLimits) failed(login string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.get(l.byLogin, strings.ToLower(login), loginEvery, loginBurst, now).AllowN(now, 1)
}
