package web

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/campusorg/portal/internal/portal"
)

// The application list's pager links back to the first page from any later page,
// and forward with the filter kept; the counts by college link to the filter
// narrowed to each.
func TestProgramAppsPager(t *testing.T) {
	filter := url.Values{"track": {"3"}}
	apps := []portal.Application{{ID: 101, Title: "青春领航", Status: portal.AppSubmitted}}
	for _, c := range []struct {
		name        string
		after, next int64
		want        []string
		not         []string
	}{
		{name: "first of two", next: 101,
			want: []string{`href="/programs/9/applications?after=101&amp;track=3" rel="next"`,
				`href="/programs/9/applications?track=3&amp;college=44">机械学院</a>`},
			not: []string{`href="/programs/9/applications?track=3">`}},
		{name: "last of two", after: 101,
			want: []string{`href="/programs/9/applications?track=3">`},
			not:  []string{`rel="next"`}},
		{name: "only page",
			not: []string{`class="pagination"`}},
	} {
		t.Run(c.name, func(t *testing.T) {
			v := ProgramAppsView{Program: portal.ProgramDetail{Program: portal.Program{ID: 9}}, Items: apps, After: c.after, Next: c.next,
				Query: filter, ExtForm: NewForm(nil), ByCollege: []CountRow{{ID: 44, Label: "机械学院", N: 1}}}
			var b strings.Builder
			if err := ProgramAppsBody(v).Render(context.Background(), &b); err != nil {
				t.Fatal(err)
			}
			for _, w := range c.want {
				if !strings.Contains(b.String(), w) {
					t.Errorf("the page lacks %s", w)
				}
			}
			for _, n := range c.not {
				if strings.Contains(b.String(), n) {
					t.Errorf("the page has %s", n)
				}
			}
		})
	}
}
