package portal

import "testing"

func TestEntryInput(t *testing.T) {
	p := Project{Starts: day("2024-04-01"), Ends: day("2025-03-31")}
	today := day("2024-10-15")
	ok := EntryInput{On: today, Title: "焦裕禄精神主题团日", Kind: EntryThemeMeeting, Participants: 38, Links: []string{" https://mp.weixin.qq.com/s/abc ", ""}}
	tests := []struct {
		name  string
		edit  func(*EntryInput)
		field string
		msg   string
	}{
		{"fine", func(*EntryInput) {}, "", ""},
		{"dated tomorrow", func(e *EntryInput) { e.On = day("2024-10-16") }, "on", "ledger.date_future"},
		{"dated before the cycle", func(e *EntryInput) { e.On = day("2024-03-31") }, "on", "ledger.date_outside_cycle"},
		{"no date", func(e *EntryInput) { e.On = day("0001-01-01") }, "on", "form.required"},
		{"no title", func(e *EntryInput) { e.Title = "  " }, "title", "form.required"},
		{"unknown kind", func(e *EntryInput) { e.Kind = "party" }, "kind", "form.choose"},
		{"negative participants", func(e *EntryInput) { e.Participants = -1 }, "participants", "ledger.participants_range"},
		{"not a web link", func(e *EntryInput) { e.Links = []string{"javascript:alert(1)"} }, "link", "ledger.link_invalid"},
	}
	for _, tt := range tests {
		in := ok
		in.Links = append([]string(nil), ok.Links...)
		tt.edit(&in)
		err := in.Validate(p, today)
		if tt.field == "" {
			if err != nil || len(in.Links) != 1 || in.Links[0] != "https://mp.weixin.qq.com/s/abc" {
				t.Errorf("%s: %v %v", tt.name, FieldErrors(err), in.Links)
			}
			continue
		}
		if FieldErrors(err)[tt.field] != tt.msg {
			t.Errorf("%s: %v, want %s", tt.name, FieldErrors(err), tt.msg)
		}
	}
	// A cycle that ended: an entry dated within it may still be filed late.
	ended := Project{Starts: day("2024-04-01"), Ends: day("2025-03-31")}
	late := ok
	late.On = day("2025-03-20")
	if err := late.Validate(ended, day("2026-11-23")); err != nil {
		t.Errorf("a late entry dated within the cycle: %v", FieldErrors(err))
	}
	if CheckEntryEvidence(true, 0, 0) == nil || CheckEntryEvidence(true, 0, 1) != nil || CheckEntryEvidence(false, 0, 0) != nil {
		t.Error("the evidence rule")
	}
}

func TestCheckReview(t *testing.T) {
	scope := ProjectScope{OrgPath: "/1/2/3/", OwnerPath: "/1/2/"}
	sup := &Actor{UserID: 7, Grants: []Grant{{Role: RoleSupervisor, OrgPath: "/1/2/"}}}
	mgr := &Actor{UserID: 8, Grants: []Grant{{Role: RoleManager, OrgPath: "/1/2/"}}}
	counselor := &Actor{UserID: 9, Grants: []Grant{{Role: RoleCounselor, OrgPath: "/1/2/3/"}}}
	other := &Actor{UserID: 10, Grants: []Grant{{Role: RoleSupervisor, OrgPath: "/1/5/"}}}
	e := LedgerEntry{AuthorID: 9, Status: EntryPending}
	if err := CheckReview(sup, e, scope); err != nil {
		t.Errorf("a supervisor over the class: %v", err)
	}
	if err := CheckReview(mgr, e, scope); err != nil {
		t.Errorf("the program's manager: %v", err)
	}
	if err := CheckReview(counselor, e, scope); ErrorCode(err) != ENOTFOUND {
		t.Errorf("a counselor verifying: %v", err)
	}
	if err := CheckReview(other, e, scope); ErrorCode(err) != ENOTFOUND {
		t.Errorf("a supervisor of another college: %v", err)
	}
	own := e
	own.AuthorID = 7
	if err := CheckReview(sup, own, scope); err == nil || err.(*Error).Message != "ledger.own_entry" {
		t.Errorf("verifying one's own entry: %v", err)
	}
	done := e
	done.Status = EntryVerified
	if err := CheckReview(sup, done, scope); err == nil || err.(*Error).Message != "ledger.not_waiting" {
		t.Errorf("verifying twice: %v", err)
	}
	old := e
	old.ReplacedBy = 99
	if err := CheckReview(sup, old, scope); err == nil || err.(*Error).Message != "ledger.old_revision" {
		t.Errorf("an old revision: %v", err)
	}
	var r ReviewInput
	if FieldErrors(r.Validate())["note"] != "ledger.return_note_required" {
		t.Error("returning without a comment")
	}
	sv := SupervisionInput{Kind: SupervisionDaily, On: day("2024-10-15"), Score: 101}
	if FieldErrors(sv.Validate(day("2024-10-15")))["score"] == "" {
		t.Error("a score over 100")
	}
	sv = SupervisionInput{Kind: SupervisionPhase, On: day("2024-10-15"), Result: "needs_work", Title: "第一阶段材料"}
	if FieldErrors(sv.Validate(day("2024-10-15")))["sv_note"] == "" {
		t.Error("needs work without saying what")
	}
}
