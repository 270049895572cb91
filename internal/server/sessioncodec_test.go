package server

import (
	"reflect"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"
)

func TestSessionCodec(t *testing.T) {
	deadline := time.Date(2026, 11, 23, 12, 0, 0, 123, time.UTC)
	values := map[string]any{sessUser: int64(42), sessEpoch: 3, sessSeen: int64(1795000000), "lang": "zh", "ok": true}
	b, err := sessionCodec{}.Encode(deadline, values)
	if err != nil {
		t.Fatal(err)
	}
	d, got, err := sessionCodec{}.Decode(b)
	if err != nil || !d.Equal(deadline) || !reflect.DeepEqual(got, values) {
		t.Fatalf("round trip: %v %v %v", d, got, err)
	}
	// Sessions written by scs's gob codec are still read.
	g, err := scs.GobCodec{}.Encode(deadline, values)
	if err != nil {
		t.Fatal(err)
	}
	if d, got, err := (sessionCodec{}).Decode(g); err != nil || !d.Equal(deadline) || !reflect.DeepEqual(got, values) {
		t.Fatalf("gob: %v %v %v", d, got, err)
	}
	// Truncated data is an error, never a panic.
	for i := 1; i < len(b); i++ {
		_, _, _ = sessionCodec{}.Decode(b[:i])
	}
}
