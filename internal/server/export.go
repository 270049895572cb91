package server

import (
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/campusorg/portal/internal/i18n"
	"github.com/campusorg/portal/internal/portal"
	"github.com/campusorg/portal/internal/postgres"
)

// maxFilterQuery bounds the search text of an application filter, in characters.
const maxFilterQuery = 100

// appFilterFromQuery reads the filter of a program's application list from the URL
// query: track, theme and college (ids), status (an application status), q (a
// search in project titles, organization names and leaders) and after (the list's
// keyset cursor). A malformed id, an unknown status or an empty value is no filter
// at all rather than an error, so that a stale or hand-edited link still shows a
// list. The search text is trimmed and cut to maxFilterQuery characters. Limit is
// left zero (a page); the export clears After and asks for every row.
func appFilterFromQuery(r *http.Request) postgres.AppFilter {
	q := r.URL.Query()
	id := func(name string) int64 {
		n, err := strconv.ParseInt(strings.TrimSpace(q.Get(name)), 10, 64)
		if err != nil || n <= 0 {
			return 0
		}
		return n
	}
	f := postgres.AppFilter{TrackID: id("track"), ThemeID: id("theme"), CollegeID: id("college"), After: id("after")}
	status := portal.AppStatus(strings.TrimSpace(q.Get("status")))
	for _, s := range portal.AppStatuses {
		if s == status {
			f.Status = s
		}
	}
	query := strings.TrimSpace(q.Get("q"))
	if utf8.RuneCountInString(query) > maxFilterQuery {
		query = string([]rune(query)[:maxFilterQuery])
	}
	if utf8.ValidString(query) {
		f.Query = query
	}
	return f
}

// exportApplications sends the summary sheet (汇总表) of a program's applications as
// an .xlsx workbook: the applications the actor may see as the program's manager or
// viewer, under the same filter as the list page, in the request's language. The
// workbook is built in memory first, so that a failure is an error page and never
// half a file.
func (s *Server) exportApplications(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := idParam(r, "id")
	if err != nil {
		return err
	}
	a := actorFrom(ctx)
	f := appFilterFromQuery(r)
	f.After, f.Limit = 0, -1
	list, err := s.store.ProgramApplications(ctx, a, id, f)
	if err != nil {
		return err
	}
	p, err := s.store.ProgramDetailFor(ctx, a, id)
	if err != nil {
		return err
	}
	b, name, err := summarySheet(i18n.FromContext(ctx), p.Title, list.Items)
	if err != nil {
		return err
	}
	return sendWorkbook(w, name, b)
}

// summaryColumn is one column of the summary sheet: its header's catalogue key and
// its width in characters.
type summaryColumn struct {
	key   string
	width float64
}

// summaryColumns are the columns of 附件2 汇总表, in order.
var summaryColumns = []summaryColumn{
	{"export.col.no", 6}, {"export.col.org", 24}, {"export.col.college", 18}, {"export.col.title", 32},
	{"export.col.track", 14}, {"export.col.theme", 14}, {"export.col.leader", 10}, {"export.col.post", 14},
	{"export.col.phone", 15}, {"export.col.political", 12}, {"export.col.members", 10}, {"export.col.youth", 14},
	{"export.col.ratio", 10}, {"export.col.cadres", 10}, {"export.col.budget", 14}, {"export.col.status", 12},
	{"export.col.submitted", 17},
}

// summarySheet builds the summary workbook of a program's apps in lang and returns
// its bytes and its file name, both named after the program's title (a generic name
// when it is empty). The header row is frozen under the title row. Every
// text from people (names, titles, phones) is written as a string cell, never as a
// formula; counts, the ratio, the budget and the submission time are numbers.
func summarySheet(lang i18n.Lang, program string, apps []portal.Application) ([]byte, string, error) {
	tr := translator(lang)
	title, name := tr("export.title_plain"), tr("export.filename_plain")
	if program = strings.TrimSpace(program); program != "" {
		title = tr("export.title", program)
		name = tr("export.filename", safeFileName(program))
	}
	f := excelize.NewFile()
	defer f.Close()
	st, err := newSheetStyles(f)
	if err != nil {
		return nil, "", err
	}
	sw, err := streamSheet(f, tr("export.sheet"), true)
	if err != nil {
		return nil, "", err
	}
	cols := make([]tableColumn, len(summaryColumns))
	for i, c := range summaryColumns {
		cols[i] = tableColumn{tr(c.key), c.width}
	}
	if err := startTable(sw, st, title, cols); err != nil {
		return nil, "", err
	}
	for i, a := range apps {
		c := a.Content
		fig := c.Figures
		var ratio any // no ratio without youths: an empty cell, not 0%
		if fig.YouthUnder28 > 0 {
			ratio = fig.Ratio() / 100
		}
		var submitted any
		if !a.SubmittedAt.IsZero() {
			submitted = a.SubmittedAt.In(i18n.Zone).Truncate(time.Minute) // shown to the minute; never rounded up
		}
		row := []any{
			st.integer(i + 1),
			st.text(a.OrgName), st.text(a.CollegeName), st.text(a.Title), st.text(a.TrackName), st.text(a.ThemeName),
			st.text(c.Leader.Name), st.text(c.Leader.Post), st.text(c.Leader.Phone), st.text(c.Leader.Political),
			st.integer(fig.LeagueMembers),
			st.integer(fig.YouthUnder28),
			excelize.Cell{StyleID: st.ratioStyle, Value: ratio},
			st.integer(fig.LeagueCadres),
			excelize.Cell{StyleID: st.yuanStyle, Value: float64(a.BudgetCents) / 100},
			st.text(tr("app.st." + string(a.Status))),
			excelize.Cell{StyleID: st.timeStyle, Value: submitted},
		}
		if err := sw.SetRow(cellRef(0, tableBodyRow+i), row); err != nil {
			return nil, "", err
		}
	}
	if err := sw.Flush(); err != nil {
		return nil, "", err
	}
	b, err := workbookBytes(f)
	return b, name, err
}

// safeFileName replaces the characters that file systems refuse in a name (path
// separators, Windows' reserved punctuation, control characters) with "_", and cuts
// the name to 80 characters.
func safeFileName(s string) string {
	out := strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || strings.ContainsRune(`/\:*?"<>|`, r) {
			return '_'
		}
		return r
	}, strings.TrimSpace(s))
	if utf8.RuneCountInString(out) > 80 {
		out = string([]rune(out)[:80])
	}
	return out
}
