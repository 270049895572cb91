package server

import (
	"bytes"
	"mime"
	"net/http"
	"strconv"
	"strings"
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
	h := w.Header()
	h.Set("Content-Type", xlsxContentType)
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	h.Set("Cache-Control", "private, no-store")
	h.Set("Content-Length", strconv.Itoa(len(b)))
	_, err = w.Write(b)
	return err
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
	tr := func(key string, args ...any) string { return i18n.T(lang, key, args...) }
	title, name := tr("export.title_plain"), tr("export.filename_plain")
	if program = strings.TrimSpace(program); program != "" {
		title = tr("export.title", program)
		name = tr("export.filename", safeFileName(program))
	}
	f := excelize.NewFile()
	defer f.Close()
	sheet := tr("export.sheet")
	if err := f.SetSheetName(f.GetSheetName(0), sheet); err != nil {
		return nil, "", err
	}
	var styleErr error
	style := func(s *excelize.Style) int {
		id, err := f.NewStyle(s)
		if styleErr == nil {
			styleErr = err
		}
		return id
	}
	border := []excelize.Border{{Type: "left", Color: "999999", Style: 1}, {Type: "right", Color: "999999", Style: 1},
		{Type: "top", Color: "999999", Style: 1}, {Type: "bottom", Color: "999999", Style: 1}}
	yuanFmt, ratioFmt, timeFmt := "#,##0.00", "0.0%", "yyyy-mm-dd hh:mm"
	var (
		titleStyle = style(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14},
			Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}})
		headStyle = style(&excelize.Style{Font: &excelize.Font{Bold: true}, Border: border,
			Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
			Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}})
		textStyle  = style(&excelize.Style{Border: border, NumFmt: 49, Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}})
		intStyle   = style(&excelize.Style{Border: border, NumFmt: 1, Alignment: &excelize.Alignment{Vertical: "center"}})
		yuanStyle  = style(&excelize.Style{Border: border, CustomNumFmt: &yuanFmt, Alignment: &excelize.Alignment{Vertical: "center"}})
		ratioStyle = style(&excelize.Style{Border: border, CustomNumFmt: &ratioFmt, Alignment: &excelize.Alignment{Vertical: "center"}})
		timeStyle  = style(&excelize.Style{Border: border, CustomNumFmt: &timeFmt, Alignment: &excelize.Alignment{Vertical: "center"}})
	)
	if styleErr != nil {
		return nil, "", styleErr
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return nil, "", err
	}
	for i, c := range summaryColumns {
		if err := sw.SetColWidth(i+1, i+1, c.width); err != nil {
			return nil, "", err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 2, TopLeftCell: "A3", ActivePane: "bottomLeft"}); err != nil {
		return nil, "", err
	}
	last := portal.ColumnLetter(len(summaryColumns) - 1)
	if err := sw.SetRow("A1", []any{excelize.Cell{StyleID: titleStyle, Value: title}}, excelize.RowOpts{Height: 30}); err != nil {
		return nil, "", err
	}
	if err := sw.MergeCell("A1", last+"1"); err != nil {
		return nil, "", err
	}
	header := make([]any, len(summaryColumns))
	for i, c := range summaryColumns {
		header[i] = excelize.Cell{StyleID: headStyle, Value: tr(c.key)}
	}
	if err := sw.SetRow("A2", header, excelize.RowOpts{Height: 32}); err != nil {
		return nil, "", err
	}
	text := func(s string) excelize.Cell { return excelize.Cell{StyleID: textStyle, Value: s} }
	for i, a := range apps {
		c := a.Content
		fig := c.Figures
		var ratio any // no ratio without youths: an empty cell, not 0%
		if fig.YouthUnder28 > 0 {
			ratio = fig.Ratio() / 100
		}
		var submitted any
		if !a.SubmittedAt.IsZero() {
			submitted = a.SubmittedAt.In(i18n.Zone)
		}
		row := []any{
			excelize.Cell{StyleID: intStyle, Value: i + 1},
			text(a.OrgName), text(a.CollegeName), text(a.Title), text(a.TrackName), text(a.ThemeName),
			text(c.Leader.Name), text(c.Leader.Post), text(c.Leader.Phone), text(c.Leader.Political),
			excelize.Cell{StyleID: intStyle, Value: fig.LeagueMembers},
			excelize.Cell{StyleID: intStyle, Value: fig.YouthUnder28},
			excelize.Cell{StyleID: ratioStyle, Value: ratio},
			excelize.Cell{StyleID: intStyle, Value: fig.LeagueCadres},
			excelize.Cell{StyleID: yuanStyle, Value: float64(a.BudgetCents) / 100},
			text(tr("app.st." + string(a.Status))),
			excelize.Cell{StyleID: timeStyle, Value: submitted},
		}
		if err := sw.SetRow("A"+strconv.Itoa(i+3), row); err != nil {
			return nil, "", err
		}
	}
	if err := sw.Flush(); err != nil {
		return nil, "", err
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, "", err
	}
	return buf.Bytes(), name, nil
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
