package server

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/campusorg/portal/internal/i18n"
	"github.com/campusorg/portal/internal/portal"
	"github.com/campusorg/portal/internal/postgres"
	"github.com/campusorg/portal/web"
)

// A review round's downloads, for everyone who may view its program (not found for
// anyone else, as the store decides): the score workbook, the results list and the
// printable results notice. Each shows the round as it stands when asked: scores of
// submitted sheets only, decisions as far as they are taken.

// exportScoreSheet sends the round's score workbook (.xlsx, in the request's
// language): every submitted sheet (评分明细) and every track's ranking with its
// statistics and decisions (汇总排名).
func (s *Server) exportScoreSheet(w http.ResponseWriter, r *http.Request) error {
	rd, res, err := s.roundAndResults(r)
	if err != nil {
		return err
	}
	b, name, err := scoreWorkbook(i18n.FromContext(r.Context()), rd, res)
	if err != nil {
		return err
	}
	return sendWorkbook(w, name, b)
}

// exportResults sends the round's results list (.xlsx, in the request's language):
// each track's items in rank order with their score, rank, decision and grant, then
// the units recognised directly.
func (s *Server) exportResults(w http.ResponseWriter, r *http.Request) error {
	rd, res, err := s.roundAndResults(r)
	if err != nil {
		return err
	}
	b, name, err := resultsWorkbook(i18n.FromContext(r.Context()), rd, res)
	if err != nil {
		return err
	}
	return sendWorkbook(w, name, b)
}

// roundNotice shows the round's results notice (立项通知 for an approval round) on an
// A4 sheet ready to print, dated today; before any item is decided, a page saying
// that the results are not decided yet.
func (s *Server) roundNotice(w http.ResponseWriter, r *http.Request) error {
	rd, res, err := s.roundAndResults(r)
	if err != nil {
		return err
	}
	return s.page(w, r, web.RoundNoticePage(s.chrome(r, "nav.programs", "reviewexport.notice.page_title"), noticeView(rd, res, s.now())))
}

// roundAndResults loads the round named by the URL's id with its results, for those
// who may view its program.
func (s *Server) roundAndResults(r *http.Request) (postgres.RoundDetail, []postgres.TrackResult, error) {
	ctx := r.Context()
	id, err := idParam(r, "id")
	if err != nil {
		return postgres.RoundDetail{}, nil, err
	}
	a := actorFrom(ctx)
	rd, err := s.store.GetRound(ctx, a, id)
	if err != nil {
		return rd, nil, err
	}
	res, err := s.store.RoundResults(ctx, a, id)
	return rd, res, err
}

// scoreWorkbook builds the score workbook of a round in lang and returns its bytes
// and its file name (after the program and the round). Scores are numbers shown with
// two decimals; names, titles and comments are string cells, never formulas.
func scoreWorkbook(lang i18n.Lang, rd postgres.RoundDetail, res []postgres.TrackResult) ([]byte, string, error) {
	tr := translator(lang)
	f := excelize.NewFile()
	defer f.Close()
	st, err := newSheetStyles(f)
	if err != nil {
		return nil, "", err
	}
	if err := detailSheet(f, st, tr, rd); err != nil {
		return nil, "", err
	}
	if err := rankingSheet(f, st, tr, rd, res); err != nil {
		return nil, "", err
	}
	b, err := workbookBytes(f)
	return b, tr("reviewexport.scores_filename", safeFileName(rd.Program.Title), safeFileName(rd.Round.Title)), err
}

// detailSheet writes 评分明细, the workbook's first sheet: one row per submitted sheet,
// grouped by item in the round's order, with every criterion's score, the weighted
// total (the reviewer's raw total, before any normalisation), the recommendation and
// the overall comments. 序号 numbers the items, repeated on each of an item's rows.
func detailSheet(f *excelize.File, st sheetStyles, tr func(string, ...any) string, rd postgres.RoundDetail) error {
	sw, err := streamSheet(f, tr("reviewexport.sheet_detail"), true)
	if err != nil {
		return err
	}
	rubric := rd.Round.Rubric
	cols := []tableColumn{{tr("reviewexport.col.no"), 6}, {tr("reviewexport.col.code"), 8}, {tr("reviewexport.col.title"), 30},
		{tr("reviewexport.col.org"), 24}, {tr("reviewexport.col.reviewer"), 10}}
	for _, c := range rubric.Criteria {
		cols = append(cols, tableColumn{criterionHead(tr, c), 14})
	}
	cols = append(cols, tableColumn{tr("reviewexport.col.total"), 10}, tableColumn{tr("reviewexport.col.recommendation"), 10},
		tableColumn{tr("reviewexport.col.overall"), 40})
	if err := startTable(sw, st, tr("reviewexport.detail_title", rd.Program.Title, rd.Round.Title), cols); err != nil {
		return err
	}
	row, n := tableBodyRow, 0
	for _, it := range rd.Items {
		numbered := false
		for _, a := range it.Sheets {
			if a.Status != "submitted" {
				continue
			}
			if !numbered {
				n, numbered = n+1, true
			}
			cells := []any{st.integer(n), st.text(it.Code), st.text(it.Title), st.text(it.OrgName), st.text(a.ReviewerName)}
			for _, c := range rubric.Criteria {
				x, ok := a.Sheet.Scores[c.Key]
				cells = append(cells, st.score(x, ok))
			}
			rec := ""
			if a.Sheet.Recommendation != "" {
				rec = tr("review.rec." + a.Sheet.Recommendation)
			}
			cells = append(cells, st.score(portal.WeightedTotal(rubric, a.Sheet), true), st.text(rec), st.text(a.Sheet.Overall))
			if err := sw.SetRow(cellRef(0, row), cells); err != nil {
				return err
			}
			row++
		}
	}
	return sw.Flush()
}

// criterionHead heads a criterion's column with its name and maximum, and its weight
// when it is not 1: "方案可行性（40）".
func criterionHead(tr func(string, ...any) string, c portal.Criterion) string {
	if c.W() != 1 {
		return tr("reviewexport.criterion_weighted", c.Name, decimal(c.Max), decimal(c.W()))
	}
	return tr("reviewexport.criterion", c.Name, decimal(c.Max))
}

// decimal writes x with as few digits as it needs: 40, 2.5.
func decimal(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }

// rankingSheet writes 汇总排名: every track's items in rank order with their count of
// sheets, mean, trimmed mean (what ranks), median, standard deviation, the
// key-indicator check (blank when the rubric has no key indicator), the quota line
// and the decision; under the table, notes on how the ranking was reached.
func rankingSheet(f *excelize.File, st sheetStyles, tr func(string, ...any) string, rd postgres.RoundDetail, res []postgres.TrackResult) error {
	sw, err := streamSheet(f, tr("reviewexport.sheet_ranking"), false)
	if err != nil {
		return err
	}
	cols := []tableColumn{{tr("reviewexport.col.track"), 14}, {tr("reviewexport.col.rank"), 10}, {tr("reviewexport.col.code"), 8},
		{tr("reviewexport.col.title"), 30}, {tr("reviewexport.col.org"), 24}, {tr("reviewexport.col.count"), 8},
		{tr("reviewexport.col.mean"), 10}, {tr("reviewexport.col.trimmed"), 14}, {tr("reviewexport.col.median"), 10},
		{tr("reviewexport.col.stddev"), 10}, {tr("reviewexport.col.key_full"), 10}, {tr("reviewexport.col.in_quota"), 12},
		{tr("reviewexport.col.decision"), 10}}
	if err := startTable(sw, st, tr("reviewexport.ranking_title", rd.Program.Title, rd.Round.Title), cols); err != nil {
		return err
	}
	yesNo := func(b bool) string {
		if b {
			return tr("reviewexport.yes")
		}
		return tr("reviewexport.no")
	}
	var keys []string
	for _, c := range rd.Round.Rubric.Criteria {
		if c.KeyIndicator {
			keys = append(keys, c.Name)
		}
	}
	row := tableBodyRow
	for _, t := range res {
		for _, ir := range t.Items {
			has := ir.Stats.Count > 0
			keyFull := ""
			if len(keys) > 0 {
				keyFull = yesNo(ir.KeyFull)
			}
			quota := yesNo(ir.Ranked.InQuota)
			if ir.Ranked.OnLine {
				quota = tr("reviewexport.on_line")
			}
			cells := []any{st.text(t.Track.Name), rankCell(st, tr, ir.Ranked), st.text(ir.Item.Code), st.text(ir.Item.Title),
				st.text(ir.Item.OrgName), st.integer(ir.Stats.Count), st.score(ir.Stats.Mean, has), st.score(ir.Stats.TrimmedMean, has),
				st.score(ir.Stats.Median, has), st.score(ir.Stats.StdDev, has), st.text(keyFull), st.text(quota),
				st.text(outcomeLabel(tr, ir.Item.Decision))}
			if err := sw.SetRow(cellRef(0, row), cells); err != nil {
				return err
			}
			row++
		}
	}
	notes := []string{tr("reviewexport.note_rank", portal.TrimAt, portal.TrimAt)}
	if rd.Round.Normalise {
		notes = append(notes, tr("reviewexport.note_normalised"))
	}
	if rd.Round.Rubric.KeyFull && len(keys) > 0 {
		notes = append(notes, tr("reviewexport.note_key_full", strings.Join(keys, tr("reviewexport.list_sep"))))
	}
	notes = append(notes, tr("reviewexport.note_quota"))
	if err := tableNote(sw, st, row+1, cols, notes); err != nil {
		return err
	}
	return sw.Flush()
}

// rankCell shows a rank: a number, or "2（并列）" when the item shares it.
func rankCell(st sheetStyles, tr func(string, ...any) string, rk portal.Ranked) excelize.Cell {
	if rk.Tied {
		return st.text(tr("reviewexport.rank_tied", rk.Rank))
	}
	return st.integer(rk.Rank)
}

// outcomeLabel returns a decision's label, or "" while the item is undecided.
func outcomeLabel(tr func(string, ...any) string, outcome string) string {
	if outcome == "" {
		return ""
	}
	return tr(web.OutcomeKey(outcome))
}

// resultsWorkbook builds the results list of a round in lang and returns its bytes
// and its file name: per track, the items in rank order with their score (the trimmed
// mean), rank and decision, then the units recognised directly (their reason as the
// project, no score); the grant is the track's, for what is approved at an approval
// round. 序号 runs through the whole list.
func resultsWorkbook(lang i18n.Lang, rd postgres.RoundDetail, res []postgres.TrackResult) ([]byte, string, error) {
	tr := translator(lang)
	f := excelize.NewFile()
	defer f.Close()
	st, err := newSheetStyles(f)
	if err != nil {
		return nil, "", err
	}
	sw, err := streamSheet(f, tr("reviewexport.sheet_results"), true)
	if err != nil {
		return nil, "", err
	}
	cols := []tableColumn{{tr("reviewexport.col.no"), 6}, {tr("reviewexport.col.track"), 14}, {tr("reviewexport.col.org"), 24},
		{tr("reviewexport.col.title"), 32}, {tr("reviewexport.col.score"), 10}, {tr("reviewexport.col.rank"), 10},
		{tr("reviewexport.col.result"), 12}, {tr("reviewexport.col.grant"), 14}}
	if err := startTable(sw, st, tr("reviewexport.results_title", rd.Program.Title, rd.Round.Title), cols); err != nil {
		return nil, "", err
	}
	approval := rd.Round.Stage == portal.StageApproval
	grant := func(t portal.Track, granted bool) excelize.Cell {
		c := excelize.Cell{StyleID: st.yuanStyle}
		if granted && approval && t.GrantYuan > 0 {
			c.Value = t.GrantYuan
		}
		return c
	}
	n := 0
	write := func(cells ...any) error {
		n++
		return sw.SetRow(cellRef(0, tableBodyRow+n-1), append([]any{st.integer(n)}, cells...))
	}
	for _, t := range res {
		for _, ir := range t.Items {
			if err := write(st.text(t.Track.Name), st.text(ir.Item.OrgName), st.text(ir.Item.Title),
				st.score(ir.Stats.TrimmedMean, ir.Stats.Count > 0), rankCell(st, tr, ir.Ranked),
				st.text(outcomeLabel(tr, ir.Item.Decision)), grant(t.Track, ir.Item.Decision == "approved")); err != nil {
				return nil, "", err
			}
		}
		for _, a := range t.Auto {
			if err := write(st.text(t.Track.Name), st.text(a.OrgName), st.text(a.Reason), st.score(0, false), st.text(""),
				st.text(tr("review.auto")), grant(t.Track, true)); err != nil {
				return nil, "", err
			}
		}
	}
	if err := sw.Flush(); err != nil {
		return nil, "", err
	}
	b, err := workbookBytes(f)
	return b, tr("reviewexport.results_filename", safeFileName(rd.Program.Title), safeFileName(rd.Round.Title)), err
}

// announced reports whether a notice lists an item with this decision: what is
// approved, or at midterm and final rounds rated excellent, passed or told to
// rectify (the outcomes a 公示 lists).
func announced(outcome string) bool {
	switch outcome {
	case "approved", "excellent", "pass", "rectify":
		return true
	}
	return false
}

// noticeView lays a round's decisions out as its results notice, dated on: per
// track, the announced items in rank order, then the units recognised directly.
// Tracks with nothing to announce are left out.
func noticeView(rd postgres.RoundDetail, res []postgres.TrackResult, on time.Time) web.NoticeView {
	v := web.NoticeView{RoundID: rd.Round.ID, ProgramTitle: rd.Program.Title, Stage: rd.Round.Stage,
		Issuer: rd.Program.OwnerName, On: on}
	for _, it := range rd.Items {
		if it.Decision != "" {
			v.Decided = true
		} else {
			v.Undecided++
		}
	}
	for _, t := range res {
		nt := web.NoticeTrack{Name: t.Track.Name, GrantYuan: t.Track.GrantYuan, CycleMonths: t.Track.CycleMonths}
		for _, ir := range t.Items {
			if announced(ir.Item.Decision) {
				nt.Rows = append(nt.Rows, web.NoticeRow{OrgName: ir.Item.OrgName, Title: ir.Item.Title, Outcome: ir.Item.Decision})
			}
		}
		for _, a := range t.Auto {
			nt.Rows = append(nt.Rows, web.NoticeRow{OrgName: a.OrgName, Title: a.Reason, Auto: true})
			v.Auto++
		}
		if len(nt.Rows) > 0 {
			v.Tracks = append(v.Tracks, nt)
			v.Count += len(nt.Rows)
		}
	}
	return v
}
