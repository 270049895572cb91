package server

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/alexedwards/scs/v2"
)

// sessionCodec stores a session's deadline and values in a small binary form
// instead of scs's default gob, which compiles a decoder for every session it
// reads: on a signed-in page that was a tenth of the server's CPU. The session
// holds a few numbers (sessUser, sessEpoch, sessSeen); strings and booleans are
// stored too, and any other type falls back to gob. Data that does not start with
// the format's mark (sessions written before) is read with gob.
type sessionCodec struct{}

const (
	sessionMark = 0xB5 // never the first byte of a gob stream of scs's struct
	tagInt      = 'i'
	tagInt64    = 'l'
	tagString   = 's'
	tagBool     = 'b'
)

func (sessionCodec) Encode(deadline time.Time, values map[string]any) ([]byte, error) {
	b := make([]byte, 0, 64)
	b = append(b, sessionMark)
	b = binary.AppendVarint(b, deadline.UnixNano())
	b = binary.AppendUvarint(b, uint64(len(values)))
	for k, v := range values {
		b = binary.AppendUvarint(b, uint64(len(k)))
		b = append(b, k...)
		switch x := v.(type) {
		case int:
			b = append(b, tagInt)
			b = binary.AppendVarint(b, int64(x))
		case int64:
			b = append(b, tagInt64)
			b = binary.AppendVarint(b, x)
		case string:
			b = append(b, tagString)
			b = binary.AppendUvarint(b, uint64(len(x)))
			b = append(b, x...)
		case bool:
			b = append(b, tagBool)
			if x {
				b = append(b, 1)
			} else {
				b = append(b, 0)
			}
		default:
			return scs.GobCodec{}.Encode(deadline, values)
		}
	}
	return b, nil
}

var errSessionData = errors.New("session: malformed data")

func (sessionCodec) Decode(data []byte) (time.Time, map[string]any, error) {
	if len(data) == 0 || data[0] != sessionMark {
		return scs.GobCodec{}.Decode(data)
	}
	r := bytes.NewReader(data[1:])
	nanos, err := binary.ReadVarint(r)
	if err != nil {
		return time.Time{}, nil, errSessionData
	}
	n, err := binary.ReadUvarint(r)
	if err != nil || n > 64 {
		return time.Time{}, nil, errSessionData
	}
	values := make(map[string]any, n)
	str := func() (string, error) {
		l, err := binary.ReadUvarint(r)
		if err != nil || l > uint64(r.Len()) {
			return "", errSessionData
		}
		s := make([]byte, l)
		_, _ = r.Read(s)
		return string(s), nil
	}
	for i := uint64(0); i < n; i++ {
		k, err := str()
		if err != nil {
			return time.Time{}, nil, err
		}
		tag, err := r.ReadByte()
		if err != nil {
			return time.Time{}, nil, errSessionData
		}
		switch tag {
		case tagInt, tagInt64:
			v, err := binary.ReadVarint(r)
			if err != nil {
				return time.Time{}, nil, errSessionData
			}
			if tag == tagInt64 {
				values[k] = v
			} else if v >= math.MinInt && v <= math.MaxInt {
				values[k] = int(v)
			}
		case tagString:
			v, err := str()
			if err != nil {
				return time.Time{}, nil, err
			}
			values[k] = v
		case tagBool:
			v, err := r.ReadByte()
			if err != nil {
				return time.Time{}, nil, errSessionData
			}
			values[k] = v == 1
		default:
			return time.Time{}, nil, fmt.Errorf("session: unknown value tag %q", tag)
		}
	}
	return time.Unix(0, nanos), values, nil
}
