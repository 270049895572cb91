package server

import (
	"errors"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/campusorg/portal/internal/i18n"
	"github.com/campusorg/portal/internal/portal"
	"github.com/campusorg/portal/internal/postgres"
	"github.com/campusorg/portal/web"
)

// roundList lists a program's review rounds.
func (s *Server) roundList(w http.ResponseWriter, r *http.Request) error {
	pid, err := idParam(r, "id")
	if err != nil {
		return err
	}
	a := actorFrom(r.Context())
	d, err := s.store.ProgramDetailFor(r.Context(), a, pid)
	if err != nil {
		return err
	}
	rounds, err := s.store.ListRounds(r.Context(), a, pid)
	if err != nil {
		return err
	}
	v := web.RoundListView{Program: d, Rounds: rounds, CanManage: portal.Can(a, portal.ActManageProgram, d.OwnerPath)}
	return s.page(w, r, web.RoundListPage(s.chrome(r, "nav.programs", "review.rounds_title"), v))
}

// roundNewForm shows the form to open a round, prefilled with sensible defaults or
// with a saved rubric template.
func (s *Server) roundNewForm(w http.ResponseWriter, r *http.Request) error {
	pid, err := idParam(r, "id")
	if err != nil {
		return err
	}
	a := actorFrom(r.Context())
	d, err := s.store.ProgramDetailFor(r.Context(), a, pid)
	if err != nil {
		return err
	}
	if !portal.Can(a, portal.ActManageProgram, d.OwnerPath) {
		return portal.NotFound()
	}
	templates, err := s.store.RubricTemplates(r.Context(), a)
	if err != nil {
		return err
	}
	f := web.NewForm(nil)
	f.Set("title", d.Title+" "+i18n.T(i18n.FromContext(r.Context()), "stage.approval"))
	f.Set("stage", string(portal.StageApproval))
	f.Set("per_item", "3")
	f.Set("publish_days", "5")
	for _, t := range d.Tracks {
		f.Values.Add("tracks", strconv.FormatInt(t.ID, 10))
	}
	if ph, ok := d.Phase(portal.PhaseApproval); ok {
		f.Set("starts_on", ph.Starts.Format("2006-01-02"))
		f.Set("ends_on", ph.Ends.Format("2006-01-02"))
	}
	rubric := portal.Rubric{PassAt: 60, ExcellentAt: 90}
	if tid, _ := strconv.ParseInt(r.URL.Query().Get("template"), 10, 64); tid > 0 {
		for _, t := range templates {
			if t.ID == tid {
				rubric = t.Rubric
			}
		}
	}
	setRubricValues(f, rubric)
	return s.renderRoundForm(w, r, http.StatusOK, d, f, templates)
}

func (s *Server) renderRoundForm(w http.ResponseWriter, r *http.Request, status int, d portal.ProgramDetail, f *web.Form, templates []postgres.RubricTemplate) error {
	v := web.RoundFormView{Program: d, Form: f, Criteria: rowCount(f.Values, portal.MaxCriteria, "cname_", "cmax_"), Templates: templates}
	s.render(w, r, status, web.RoundFormPage(s.chrome(r, "nav.programs", "review.new_round"), v))
	return nil
}

// setRubricValues writes a rubric into the round form's fields.
func setRubricValues(f *web.Form, rb portal.Rubric) {
	for i, c := range rb.Criteria {
		n := strconv.Itoa(i)
		f.Set("cname_"+n, c.Name)
		f.Set("cdesc_"+n, c.Description)
		f.Set("cmax_"+n, strconv.FormatFloat(c.Max, 'f', -1, 64))
		if c.Weight > 0 {
			f.Set("cweight_"+n, strconv.FormatFloat(c.Weight, 'f', -1, 64))
		}
		if c.KeyIndicator {
			f.Set("ckey_"+n, "1")
		}
	}
	f.Set("pass_at", strconv.FormatFloat(rb.PassAt, 'f', -1, 64))
	f.Set("excellent_at", strconv.FormatFloat(rb.ExcellentAt, 'f', -1, 64))
	if rb.KeyFull {
		f.Set("key_full", "1")
	}
}

// rubricFrom reads the rubric rows of the round form; blank rows are dropped and
// numbers that do not read are field errors in d. Field names follow the form
// ("cname_<i>"); the domain's errors ("c<i>_name") are mapped back by the caller.
func rubricFrom(vals url.Values, d *decoder) portal.Rubric {
	var rb portal.Rubric
	num := func(name string) float64 {
		s := strings.TrimSpace(vals.Get(name))
		if s == "" {
			return 0
		}
		x, err := strconv.ParseFloat(s, 64)
		if err != nil {
			d.v.Add(name, "form.not_number")
		}
		return x
	}
	for i := 0; i < portal.MaxCriteria; i++ {
		n := strconv.Itoa(i)
		name := strings.TrimSpace(vals.Get("cname_" + n))
		if name == "" && strings.TrimSpace(vals.Get("cmax_"+n)) == "" {
			continue
		}
		rb.Criteria = append(rb.Criteria, portal.Criterion{Key: "c" + strconv.Itoa(len(rb.Criteria)+1), Name: name,
			Description: strings.TrimSpace(vals.Get("cdesc_" + n)), Max: num("cmax_" + n), Weight: num("cweight_" + n), KeyIndicator: vals.Get("ckey_"+n) == "1"})
	}
	rb.PassAt, rb.ExcellentAt, rb.KeyFull = num("pass_at"), num("excellent_at"), vals.Get("key_full") == "1"
	return rb
}

// roundCreate opens a round; errors re-render the form with everything kept.
func (s *Server) roundCreate(w http.ResponseWriter, r *http.Request) error {
	pid, err := idParam(r, "id")
	if err != nil {
		return err
	}
	a := actorFrom(r.Context())
	d, err := s.store.ProgramDetailFor(r.Context(), a, pid)
	if err != nil {
		return err
	}
	if !portal.Can(a, portal.ActManageProgram, d.OwnerPath) {
		return portal.NotFound()
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		return portal.Errorf(portal.EINVALID, "error.bad_request")
	}
	vals := r.PostForm
	dec := &decoder{values: vals}
	in := portal.RoundInput{Stage: portal.Stage(vals.Get("stage")), Title: vals.Get("title"), Starts: dec.date("starts_on"),
		Ends: dec.date("ends_on"), PerItem: dec.int("per_item"), PublishDays: dec.int("publish_days"),
		Blind: vals.Get("blind") == "1", Normalise: vals.Get("normalise") == "1", Defence: vals.Get("defence") == "1"}
	for _, t := range vals["tracks"] {
		if id, err := strconv.ParseInt(t, 10, 64); err == nil {
			in.TrackIDs = append(in.TrackIDs, id)
		}
	}
	in.Rubric = rubricFrom(vals, dec)
	err = dec.merge(nil)
	var id int64
	if err == nil {
		id, err = s.store.CreateRound(r.Context(), a, pid, in)
	}
	if err == nil && strings.TrimSpace(vals.Get("template_name")) != "" {
		err = s.store.SaveRubricTemplate(r.Context(), a, d.OwnerOrgID, vals.Get("template_name"), in.Rubric)
	}
	if err != nil {
		if portal.ErrorCode(err) != portal.EINVALID {
			return err
		}
		f := web.NewForm(vals)
		f.Errors = map[string]string{}
		for k, m := range portal.FieldErrors(err) {
			// The domain names criterion rows "c<i>_<field>"; the form "c<field>_<i>".
			if row, field, ok := strings.Cut(strings.TrimPrefix(k, "c"), "_"); ok && strings.HasPrefix(k, "c") && row != "" && row[0] >= '0' && row[0] <= '9' {
				k = "c" + field + "_" + row
			}
			f.Errors[k] = m
		}
		var pe *portal.Error
		if errors.As(err, &pe) && len(pe.Fields) == 0 {
			f.Error = pe.Message
		}
		templates, terr := s.store.RubricTemplates(r.Context(), a)
		if terr != nil {
			return terr
		}
		return s.renderRoundForm(w, r, http.StatusUnprocessableEntity, d, f, templates)
	}
	return s.redirect(w, r, "/rounds/"+strconv.FormatInt(id, 10), "success", "review.created")
}

// roundShow is the manager's page of a round.
func (s *Server) roundShow(w http.ResponseWriter, r *http.Request) error {
	return s.renderRound(w, r, http.StatusOK, nil, nil)
}

func (s *Server) renderRound(w http.ResponseWriter, r *http.Request, status int, f *web.Form, short []int64) error {
	id, err := idParam(r, "id")
	if err != nil {
		return err
	}
	a := actorFrom(r.Context())
	rd, err := s.store.GetRound(r.Context(), a, id)
	if err != nil {
		return err
	}
	v := web.RoundView{RoundDetail: rd, Form: f, Short: short}
	if rd.CanManage {
		people, err := s.store.ReviewerChoices(r.Context(), a, id)
		if err != nil {
			return err
		}
		for _, p := range people {
			v.Choices = append(v.Choices, web.Option{Value: strconv.FormatInt(p.ID, 10), Label: p.DisplayName + "（" + p.HomeOrgName + "）"})
		}
	}
	s.render(w, r, status, web.RoundPage(s.chrome(r, "nav.programs", ""), v))
	return nil
}

// roundAct runs a manager's action on a round and answers with a redirect to the
// round's page, or re-renders it with the refusal's message (422/409).
func (s *Server) roundAct(w http.ResponseWriter, r *http.Request, back, okMsg string, act func(id int64, vals url.Values) error, fields ...string) error {
	id, err := idParam(r, "id")
	if err != nil {
		return err
	}
	vals, err := parseForm(w, r, fields...)
	if err != nil {
		return err
	}
	if err := act(id, vals); err != nil {
		f, status, ok := formFailure(vals, err)
		if !ok {
			return err
		}
		if pe := (*portal.Error)(nil); errors.As(err, &pe) {
			f.Error, f.ErrorArgs = pe.Message, pe.Args // a refused action says why on top
		}
		if back == "results" {
			return s.renderResults(w, r, status, f)
		}
		return s.renderRound(w, r, status, f, nil)
	}
	target := "/rounds/" + strconv.FormatInt(id, 10)
	if back == "results" {
		target += "/results"
	}
	return s.redirect(w, r, target, "success", okMsg)
}

func formInt(vals url.Values, name string) int {
	n, _ := strconv.Atoi(vals.Get(name))
	return n
}

func formID(vals url.Values, name string) int64 {
	n, _ := strconv.ParseInt(vals.Get(name), 10, 64)
	return n
}

// roundStatus moves a round on; a refusal lists what is missing. Making a mid-term
// or final round final takes the day by which projects told to rectify must do so
// (rectify_by); a day that does not read is a field error.
func (s *Server) roundStatus(w http.ResponseWriter, r *http.Request) error {
	a := actorFrom(r.Context())
	return s.roundAct(w, r, "round", "review.status_changed", func(id int64, vals url.Values) error {
		next := portal.RoundStatus(vals.Get("status"))
		if next != portal.RoundFinal {
			return s.store.SetRoundStatus(r.Context(), a, id, formInt(vals, "version"), next)
		}
		dec := &decoder{values: vals}
		by := dec.date("rectify_by")
		if err := dec.merge(nil); err != nil {
			return err
		}
		return s.store.FinalizeRound(r.Context(), a, id, formInt(vals, "version"), by)
	}, "status", "version", "rectify_by")
}

// roundAssign staffs every item automatically; items left short are reported.
func (s *Server) roundAssign(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r, "id")
	if err != nil {
		return err
	}
	if _, err := parseForm(w, r); err != nil {
		return err
	}
	short, err := s.store.AutoAssign(r.Context(), actorFrom(r.Context()), id)
	if err != nil {
		f, status, ok := formFailure(nil, err)
		if !ok {
			return err
		}
		return s.renderRound(w, r, status, f, nil)
	}
	if len(short) > 0 {
		return s.renderRound(w, r, http.StatusOK, nil, short)
	}
	return s.redirect(w, r, "/rounds/"+strconv.FormatInt(id, 10), "success", "review.assigned_ok")
}

// roundAssignment adds or removes one reviewer on one item by hand.
func (s *Server) roundAssignment(w http.ResponseWriter, r *http.Request) error {
	a := actorFrom(r.Context())
	return s.roundAct(w, r, "round", "review.assignment_changed", func(id int64, vals url.Values) error {
		return s.store.SetAssignment(r.Context(), a, id, formID(vals, "item_id"), formID(vals, "reviewer_id"), vals.Get("op") != "remove")
	}, "item_id", "reviewer_id", "op")
}

// roundReviewers adds a person to the pool or removes one.
func (s *Server) roundReviewers(w http.ResponseWriter, r *http.Request) error {
	a := actorFrom(r.Context())
	return s.roundAct(w, r, "round", "review.pool_changed", func(id int64, vals url.Values) error {
		return s.store.SetReviewer(r.Context(), a, id, formID(vals, "user_id"), vals.Get("op") != "remove")
	}, "user_id", "op")
}

// roundRemind reminds the reviewers who are behind.
func (s *Server) roundRemind(w http.ResponseWriter, r *http.Request) error {
	a := actorFrom(r.Context())
	return s.roundAct(w, r, "round", "review.reminded", func(id int64, _ url.Values) error {
		_, err := s.store.RemindReviewers(r.Context(), a, id)
		return err
	})
}

// roundReopen unlocks a submitted sheet.
func (s *Server) roundReopen(w http.ResponseWriter, r *http.Request) error {
	a := actorFrom(r.Context())
	sid, err := idParam(r, "sid")
	if err != nil {
		return err
	}
	return s.roundAct(w, r, "round", "review.reopened", func(id int64, _ url.Values) error {
		return s.store.ReopenSheet(r.Context(), a, id, sid)
	})
}

// roundPresentation sets the defence order and the presenter on stage.
func (s *Server) roundPresentation(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r, "id")
	if err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		return portal.Errorf(portal.EINVALID, "error.bad_request")
	}
	positions := map[int64]int{}
	for k, vs := range r.PostForm {
		switch {
		case k == "current":
		case strings.HasPrefix(k, "pos_"):
			item, err1 := strconv.ParseInt(strings.TrimPrefix(k, "pos_"), 10, 64)
			pos, err2 := strconv.Atoi(strings.TrimSpace(vs[0]))
			if err1 != nil || err2 != nil {
				return portal.Errorf(portal.EINVALID, "review.position_invalid")
			}
			positions[item] = pos
		default:
			return portal.Errorf(portal.EINVALID, "error.unknown_field")
		}
	}
	if err := s.store.SetPresentation(r.Context(), actorFrom(r.Context()), id, positions, formID(r.PostForm, "current")); err != nil {
		f, status, ok := formFailure(r.PostForm, err)
		if !ok {
			return err
		}
		return s.renderRound(w, r, status, f, nil)
	}
	return s.redirect(w, r, "/rounds/"+strconv.FormatInt(id, 10), "success", "review.presentation_saved")
}

// roundResults shows the aggregation, ranking and decision forms.
func (s *Server) roundResults(w http.ResponseWriter, r *http.Request) error {
	return s.renderResults(w, r, http.StatusOK, nil)
}

func (s *Server) renderResults(w http.ResponseWriter, r *http.Request, status int, f *web.Form) error {
	id, err := idParam(r, "id")
	if err != nil {
		return err
	}
	a := actorFrom(r.Context())
	rd, err := s.store.GetRound(r.Context(), a, id)
	if err != nil {
		return err
	}
	tracks, err := s.store.RoundResults(r.Context(), a, id)
	if err != nil {
		return err
	}
	if f == nil {
		f = web.NewForm(nil)
	}
	v := web.ResultsView{RoundDetail: rd, Tracks: tracks, Form: f}
	if rd.CanManage {
		orgs, err := s.store.ApplicantChoices(r.Context(), a, rd.Program.ID)
		if err != nil {
			return err
		}
		for _, o := range orgs {
			v.Orgs = append(v.Orgs, web.Option{Value: strconv.FormatInt(o.ID, 10), Label: o.Name})
		}
	}
	s.render(w, r, status, web.ResultsPage(s.chrome(r, "nav.programs", "review.results"), v))
	return nil
}

// roundDecide records the committee's decision for one track.
func (s *Server) roundDecide(w http.ResponseWriter, r *http.Request) error {
	a := actorFrom(r.Context())
	return s.roundAct(w, r, "results", "review.decided", func(id int64, vals url.Values) error {
		var selected []int64
		for _, v := range vals["selected"] {
			if n, err := strconv.ParseInt(v, 10, 64); err == nil {
				selected = append(selected, n)
			}
		}
		return s.store.Decide(r.Context(), a, id, formInt(vals, "version"), formID(vals, "track_id"), selected, vals.Get("reason"))
	}, "version", "track_id", "selected", "reason")
}

// roundAuto recognises a unit outside the quota without review.
func (s *Server) roundAuto(w http.ResponseWriter, r *http.Request) error {
	a := actorFrom(r.Context())
	return s.roundAct(w, r, "results", "review.auto_added", func(id int64, vals url.Values) error {
		return s.store.AddAutoRecognised(r.Context(), a, id, formID(vals, "track_id"), formID(vals, "org_id"), strings.TrimSpace(vals.Get("auto_reason")))
	}, "track_id", "org_id", "auto_reason")
}

// myReviews lists the actor's sheets.
func (s *Server) myReviews(w http.ResponseWriter, r *http.Request) error {
	sheets, err := s.store.MyReviews(r.Context(), actorFrom(r.Context()))
	if err != nil {
		return err
	}
	return s.page(w, r, web.MyReviewsPage(s.chrome(r, "nav.reviews", "review.mine_title"), web.MyReviewsView{Sheets: sheets}))
}

// sheetShow is the scoring page.
func (s *Server) sheetShow(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r, "id")
	if err != nil {
		return err
	}
	rs, err := s.store.GetReviewSheet(r.Context(), actorFrom(r.Context()), id)
	if err != nil {
		return err
	}
	return s.page(w, r, web.SheetPage(s.chrome(r, "nav.reviews", ""), web.SheetView{Sheet: rs, Form: sheetForm(rs)}))
}

// sheetForm is the scoring form as stored: the sheet's version, scores, comments and
// recommendation.
func sheetForm(rs postgres.ReviewSheet) *web.Form {
	f := web.NewForm(nil)
	f.Set("version", strconv.Itoa(rs.Assignment.Version))
	for k, x := range rs.Assignment.Sheet.Scores {
		f.Set("score_"+k, strconv.FormatFloat(x, 'f', -1, 64))
	}
	for k, c := range rs.Assignment.Sheet.Comments {
		f.Set("comment_"+k, c)
	}
	f.Set("overall", rs.Assignment.Sheet.Overall)
	f.Set("recommendation", rs.Assignment.Sheet.Recommendation)
	return f
}

// sheetSave saves the reviewer's scores (a draft), or submits them with submit=1.
// Scores above the maximum, negative or not numbers re-render with 422 and the
// input kept; a stale version (another tab) gives 409.
func (s *Server) sheetSave(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r, "id")
	if err != nil {
		return err
	}
	a := actorFrom(r.Context())
	// The criteria's fields are checked against the rubric by the store
	// (portal.CheckSheet), so that saving reads the sheet once; the sheet's page is
	// read only to show the form again.
	vals, err := parseForm(w, r, "version", "submit", "overall", "recommendation", "score_*", "comment_*")
	if err != nil {
		return err
	}
	sh := portal.Sheet{Scores: map[string]float64{}, Comments: map[string]string{}, Overall: strings.TrimSpace(vals.Get("overall")),
		Recommendation: vals.Get("recommendation")}
	var v portal.Invalid
	for k := range vals {
		if key, ok := strings.CutPrefix(k, "score_"); ok {
			if raw := strings.TrimSpace(vals.Get(k)); raw != "" {
				x, ok := portal.ParseScore(raw)
				if !ok {
					v.Add(k, "review.score_not_number")
				}
				sh.Scores[key] = x
			}
		} else if key, ok := strings.CutPrefix(k, "comment_"); ok {
			if cm := strings.TrimSpace(vals.Get(k)); cm != "" {
				sh.Comments[key] = cm
			}
		}
	}
	submit := vals.Get("submit") == "1"
	err = v.Err()
	if err == nil {
		err = s.store.SaveSheet(r.Context(), a, id, formInt(vals, "version"), sh, submit)
	}
	if err != nil {
		f, status, ok := formFailure(vals, err)
		if !ok {
			return err
		}
		rs, err := s.store.GetReviewSheet(r.Context(), a, id)
		if err != nil {
			return err
		}
		if status == http.StatusConflict {
			// What was typed stays; the form takes the version stored now, so that
			// saving again after checking replaces the other tab's save on purpose.
			f.Set("version", strconv.Itoa(rs.Assignment.Version))
		}
		s.render(w, r, status, web.SheetPage(s.chrome(r, "nav.reviews", ""), web.SheetView{Sheet: rs, Form: f}))
		return nil
	}
	msg := "review.sheet_saved"
	if submit {
		msg = "review.sheet_submitted_ok"
	}
	return s.redirect(w, r, "/reviews/"+strconv.FormatInt(id, 10), "success", msg)
}

// sheetDecline declines a sheet or declares a conflict of interest.
func (s *Server) sheetDecline(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r, "id")
	if err != nil {
		return err
	}
	vals, err := parseForm(w, r, "note", "kind")
	if err != nil {
		return err
	}
	a := actorFrom(r.Context())
	err = s.store.DeclineSheet(r.Context(), a, id, vals.Get("kind") == "conflict", strings.TrimSpace(vals.Get("note")))
	if err != nil {
		if portal.ErrorCode(err) != portal.EINVALID {
			return err
		}
		rs, gerr := s.store.GetReviewSheet(r.Context(), a, id)
		if gerr != nil {
			return gerr
		}
		// The scoring form above shows the sheet as stored (a draft is not lost by a
		// refused decline); the note keeps what was typed.
		f := sheetForm(rs)
		f.Set("note", vals.Get("note"))
		fillForm(f, err)
		s.render(w, r, http.StatusUnprocessableEntity, web.SheetPage(s.chrome(r, "nav.reviews", ""), web.SheetView{Sheet: rs, Form: f}))
		return nil
	}
	return s.redirect(w, r, "/reviews", "success", "review.declined_ok")
}

// sheetFile serves a file of the submission to its reviewer; PDFs may be shown in
// the scoring page's frame (inline=1), so their frame-ancestors allow this origin.
func (s *Server) sheetFile(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r, "id")
	if err != nil {
		return err
	}
	fid, err := idParam(r, "fid")
	if err != nil {
		return err
	}
	at, data, err := s.store.ReviewFile(r.Context(), actorFrom(r.Context()), id, fid)
	if err != nil {
		return err
	}
	disposition := "attachment"
	if at.ContentType == "application/pdf" && r.URL.Query().Get("inline") == "1" {
		disposition = "inline"
		w.Header().Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'self'")
		w.Header().Set("X-Frame-Options", "SAMEORIGIN")
	}
	w.Header().Set("Content-Type", at.ContentType)
	w.Header().Set("Content-Disposition", mime.FormatMediaType(disposition, map[string]string{"filename": at.Name}))
	w.Header().Set("Cache-Control", "private, no-store")
	_, _ = w.Write(data)
	return nil
}

// publications lists the published rounds for every signed-in person.
func (s *Server) publications(w http.ResponseWriter, r *http.Request) error {
	rounds, err := s.store.PublishedRounds(r.Context(), actorFrom(r.Context()))
	if err != nil {
		return err
	}
	return s.page(w, r, web.PublicationsPage(s.chrome(r, "nav.publications", "nav.publications"), web.PublicationsView{Rounds: rounds}))
}

// publication is a round's 公示 page.
func (s *Server) publication(w http.ResponseWriter, r *http.Request) error {
	return s.renderPublication(w, r, http.StatusOK, nil)
}

func (s *Server) renderPublication(w http.ResponseWriter, r *http.Request, status int, f *web.Form) error {
	id, err := idParam(r, "id")
	if err != nil {
		return err
	}
	pub, err := s.store.GetPublication(r.Context(), actorFrom(r.Context()), id)
	if err != nil {
		return err
	}
	if f == nil {
		f = web.NewForm(nil)
	}
	s.render(w, r, status, web.PublicationPage(s.chrome(r, "nav.publications", "review.publication"), web.PublicationView{Pub: pub, Form: f}))
	return nil
}

// objectionRaise records an objection during the 公示.
func (s *Server) objectionRaise(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r, "id")
	if err != nil {
		return err
	}
	vals, err := parseForm(w, r, "text")
	if err != nil {
		return err
	}
	if err := s.store.RaiseObjection(r.Context(), actorFrom(r.Context()), id, vals.Get("text")); err != nil {
		f, status, ok := formFailure(vals, err)
		if !ok {
			return err
		}
		return s.renderPublication(w, r, status, f)
	}
	return s.redirect(w, r, "/rounds/"+strconv.FormatInt(id, 10)+"/publication", "success", "review.objection_raised")
}

// objectionAnswer records the manager's answer.
func (s *Server) objectionAnswer(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r, "id")
	if err != nil {
		return err
	}
	oid, err := idParam(r, "oid")
	if err != nil {
		return err
	}
	vals, err := parseForm(w, r, "answer")
	if err != nil {
		return err
	}
	if err := s.store.AnswerObjection(r.Context(), actorFrom(r.Context()), id, oid, vals.Get("answer")); err != nil {
		if portal.ErrorCode(err) != portal.EINVALID {
			return err
		}
		f := web.NewForm(vals)
		f.Errors = portal.FieldErrors(err)
		return s.renderPublication(w, r, http.StatusUnprocessableEntity, f)
	}
	return s.redirect(w, r, "/rounds/"+strconv.FormatInt(id, 10)+"/publication", "success", "review.objection_answered")
}
