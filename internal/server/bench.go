package server

import (
	"net/http"
	"sort"

	"github.com/campusorg/portal/web"
)

// benchFortunes is the baseline of `portal bench`, registered only in bench mode
// (Options.Bench): the shape of TechEmpower's Fortunes test. One query returns the
// rows of bench_fortunes (a small table made by the synthetic data generator), a
// row is added in Go, the list is sorted by message and rendered with a templ
// component, escaped. Like every route it passes through the portal's middleware
// (panic recovery, request log, security headers); it uses no session.
func (s *Server) benchFortunes(w http.ResponseWriter, r *http.Request) error {
	rows, err := s.store.BenchFortunes(r.Context())
	if err != nil {
		return err
	}
	list := make([]web.Fortune, 0, len(rows)+1)
	for _, f := range rows {
		list = append(list, web.Fortune{ID: int(f.ID), Message: f.Message})
	}
	list = append(list, web.Fortune{ID: 0, Message: "Additional fortune added at request time."})
	sort.Slice(list, func(i, j int) bool { return list[i].Message < list[j].Message })
	return s.page(w, r, web.FortunesPage(list))
}
