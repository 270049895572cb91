package postgres

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/campusorg/portal/internal/portal"
)

func TestCacheKeepsOnlyWhatNoChangeOvertook(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	c := newCache[string, int](3, time.Minute)
	tests := []struct {
		name string
		do   func()
		key  string
		want int // 0: nothing kept
	}{
		{"kept", func() { c.put("a", 1, c.begin(), now, time.Time{}) }, "a", 1},
		{"a drop after the ticket refuses the copy", func() {
			ticket := c.begin()
			c.drop("x")
			c.put("b", 2, ticket, now, time.Time{})
		}, "b", 0},
		{"a clear after the ticket refuses the copy", func() {
			ticket := c.begin()
			c.clear()
			c.put("b", 2, ticket, now, time.Time{})
		}, "b", 0},
		{"dropWhere forgets what matches", func() {
			c.put("c", 3, c.begin(), now, time.Time{})
			c.put("d", 4, c.begin(), now, time.Time{})
			c.dropWhere(func(k string) bool { return k == "c" })
		}, "c", 0},
		{"dropWhere keeps the rest", func() {}, "d", 4},
		{"an expiry before the ttl holds", func() { c.put("e", 5, c.begin(), now, now.Add(time.Second)) }, "e", 5},
		{"a full cache starts over", func() {
			c.put("f", 6, c.begin(), now, time.Time{})
			c.put("g", 7, c.begin(), now, time.Time{})
		}, "d", 0},
	}
	for _, tt := range tests {
		tt.do()
		got, _ := c.get(tt.key, now)
		if got != tt.want {
			t.Errorf("%s: %s = %d, want %d", tt.name, tt.key, got, tt.want)
		}
	}
	c.put("h", 8, c.begin(), now, now.Add(time.Second))
	if _, ok := c.get("h", now.Add(time.Second)); ok {
		t.Error("a copy is kept past its expiry")
	}
	if _, ok := c.get("h", now.Add(time.Millisecond)); !ok {
		t.Error("a copy is gone before its expiry")
	}
}

// listenFor runs s's cache listener for the test and waits until it is connected;
// the returned function stops it.
func listenFor(t *testing.T, s *Store) (stop func()) {
	t.Helper()
	stop, err := s.ListenReady(context.Background(), slog.New(slog.NewTextHandler(io.Discard, nil)), 30*time.Second)
	t.Cleanup(stop)
	if err != nil {
		t.Fatalf("the cache listener did not connect: %v", err)
	}
	return stop
}

// eventually waits up to ten seconds for cond: a notification reaches another
// instance some time after the commit.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(2 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within 10s", what)
		}
	}
}

func TestCachesFollowEveryChange(t *testing.T) {
	f := newProjectFixture(t)
	ctx := context.Background()
	here := f.store
	pool2, err := pgxpool.NewWithConfig(ctx, here.pool.Config().Copy())
	if err != nil {
		t.Fatal(err)
	}
	defer pool2.Close()
	there := New(pool2) // a second instance over the same database
	there.Now = here.Now
	listenFor(t, here)
	stopThere := listenFor(t, there)

	entries := func(d Dashboard) (n int) {
		for _, a := range d.Activity {
			n += a.Entries
		}
		return n
	}
	dash := func(s *Store) Dashboard {
		t.Helper()
		d, err := s.Dashboard(ctx, f.manager, f.program, f.college.ID)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	add := func(day int) {
		t.Helper()
		in := portal.EntryInput{On: time.Date(2026, 11, day, 0, 0, 0, 0, time.UTC), Title: "主题团日", Kind: portal.EntryThemeMeeting}
		if _, err := here.AddEntry(ctx, f.counselor, f.project, in, nil); err != nil {
			t.Fatal(err)
		}
	}

	// The dashboard's figures are kept; a write in the same instance is seen by
	// the very next read, and by another instance once notified.
	first := dash(here)
	if again := dash(here); again.DashFigures != first.DashFigures {
		t.Fatal("the dashboard's figures are not kept between two reads")
	}
	thereFirst := dash(there)
	add(20)
	if got := dash(here); got.DashFigures == first.DashFigures || entries(got) != entries(first)+1 {
		t.Errorf("after a ledger entry here: %d entries, want %d", entries(got), entries(first)+1)
	}
	eventually(t, "the other instance sees the entry", func() bool { return entries(dash(there)) == entries(thereFirst)+1 })

	if n := here.cache.missed.Load(); n != 0 {
		t.Errorf("%d write marks were not heard: the writer waited and forgot everything", n)
	}

	// A page of the application list is kept with its rendered part, and goes when
	// a listed application changes anywhere (here straight in SQL).
	list := func(s *Store) AppsPage {
		t.Helper()
		p, err := s.ProgramAppsPage(ctx, f.manager, f.program, AppFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Items) == 0 {
			t.Fatal("the fixture's program lists no application")
		}
		return p
	}
	if a, b := list(there), list(there); a.Memo != b.Memo {
		t.Fatal("a page of the application list is not kept between two reads")
	}
	if _, err := here.pool.Exec(ctx, `UPDATE applications SET title = '青马工程(修订)' WHERE id = $1`, list(there).Items[0].ID); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the other instance lists the new title", func() bool { return list(there).Items[0].Title == "青马工程(修订)" })

	// The manager's home figure (submitted applications, a sum over her programs)
	// follows an application's status.
	toReceive := func(s *Store) int {
		t.Helper()
		c, err := s.HomeCounts(ctx, f.manager)
		if err != nil {
			t.Fatal(err)
		}
		return c.ToReceive
	}
	received := toReceive(there)
	if _, err := here.pool.Exec(ctx, `UPDATE applications SET status = 'submitted' WHERE id = (SELECT id FROM applications
		WHERE program_id = $1 AND status NOT IN ('draft', 'submitted') ORDER BY id LIMIT 1)`, f.program); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the other instance counts one more submitted application", func() bool { return toReceive(there) == received+1 })

	// The signed-in person: a grant given anywhere (here straight in SQL) reaches
	// the copy of every instance.
	before, _, err := there.LoadActor(ctx, f.counselor.UserID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := here.pool.Exec(ctx, `INSERT INTO role_grants (user_id, role, org_id) VALUES ($1, 'viewer', $2)`,
		f.counselor.UserID, f.school.ID); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the other instance sees the new grant", func() bool {
		a, _, err := there.LoadActor(ctx, f.counselor.UserID)
		return err == nil && len(a.Grants) == len(before.Grants)+1
	})
	// An organization renamed: every copy naming it goes.
	if _, err := here.pool.Exec(ctx, `UPDATE orgs SET name = '机电学院' WHERE id = $1`, f.college.ID); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the other instance sees the new name", func() bool { return dash(there).Focus.Name == "机电学院" })

	// Sessions: written here, kept there, changed and ended here.
	tok := "test-session-token"
	expiry := time.Now().Add(time.Hour)
	if err := here.Sessions().Commit(tok, []byte("one"), expiry); err != nil {
		t.Fatal(err)
	}
	if b, ok, err := there.Sessions().Find(tok); err != nil || !ok || string(b) != "one" {
		t.Fatalf("find: %q %v %v", b, ok, err)
	}
	if err := here.Sessions().Commit(tok, []byte("two"), expiry); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the other instance reads the session's new data", func() bool {
		b, _, _ := there.Sessions().Find(tok)
		return bytes.Equal(b, []byte("two"))
	})
	if err := here.Sessions().Delete(tok); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := here.Sessions().Find(tok); ok {
		t.Error("a deleted session is found in the instance that deleted it")
	}
	eventually(t, "the other instance forgets the ended session", func() bool {
		_, ok, _ := there.Sessions().Find(tok)
		return !ok
	})

	// Without its listener an instance keeps nothing and reads every change at once.
	stopThere()
	if there.CacheLive() {
		t.Fatal("copies in use without a listener")
	}
	kept := dash(there)
	if _, err := here.pool.Exec(ctx, `UPDATE orgs SET name = '机械工程学院' WHERE id = $1`, f.college.ID); err != nil {
		t.Fatal(err)
	}
	if again := dash(there); again.DashFigures == kept.DashFigures {
		t.Error("figures kept without a listener")
	}
}
