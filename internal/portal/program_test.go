package portal

import (
	"reflect"
	"testing"
	"time"
)

var shanghai = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		panic(err)
	}
	return loc
}()

func TestCheckEligibility(t *testing.T) {
	program := Program{Kind: ProgramPartyBenchmark, Status: ProgramOpen,
		Phases: []Phase{{Kind: PhaseApplication, Starts: date("2026-11-01"), Ends: date("2026-11-24")}}}
	track := Track{EligibleKinds: []OrgKind{KindPartyBranch}, MinAgeYears: 1, MaxPerOrg: 1}
	branch := Org{ID: 9, Kind: KindPartyBranch, FoundedOn: date("2020-05-04"), Active: true}
	// 2026-11-24 23:30 in Shanghai is 15:30 UTC: still on the deadline day.
	lastEvening := time.Date(2026, 11, 24, 23, 30, 0, 0, shanghai)
	nextMorning := time.Date(2026, 11, 25, 0, 0, 1, 0, shanghai)
	tests := []struct {
		name string
		edit func(*EligibilityInput)
		want []string
	}{
		{"eligible", func(*EligibilityInput) {}, nil},
		{"program not open", func(in *EligibilityInput) { in.Program.Status = ProgramDraft }, []string{"elig.not_open"}},
		{"wrong kind", func(in *EligibilityInput) { in.Org.Kind = KindLeagueBranch }, []string{"elig.wrong_kind"}},
		{"a day short of a year", func(in *EligibilityInput) { in.Org.FoundedOn = date("2025-11-23") }, []string{"elig.too_young"}},
		{"exactly a year", func(in *EligibilityInput) { in.Org.FoundedOn = date("2025-11-22") }, nil},
		{"age unknown", func(in *EligibilityInput) { in.Org.FoundedOn = time.Time{} }, []string{"elig.age_unknown"}},
		{"barred for this kind", func(in *EligibilityInput) {
			in.Bans = []Ban{{Kind: ProgramPartyBenchmark, Until: date("2028-12-31")}}
		}, []string{"elig.barred"}},
		{"ban on another kind", func(in *EligibilityInput) {
			in.Bans = []Ban{{Kind: ProgramLeagueBrand, Until: date("2028-12-31")}}
		}, nil},
		{"ban expired", func(in *EligibilityInput) {
			in.Bans = []Ban{{Kind: ProgramPartyBenchmark, Until: date("2026-01-01")}}
		}, nil},
		{"limit reached", func(in *EligibilityInput) { in.Filed = 1 }, []string{"elig.limit_reached"}},
		{"no limit", func(in *EligibilityInput) { in.Filed = 5; in.Track.MaxPerOrg = 0 }, nil},
		{"last evening in Shanghai", func(in *EligibilityInput) { in.Now = lastEvening }, nil},
		{"deadline passed at midnight Shanghai", func(in *EligibilityInput) { in.Now = nextMorning }, []string{"elig.deadline_passed"}},
		{"extension for this org", func(in *EligibilityInput) { in.Now = nextMorning; in.Extended = date("2026-11-30") }, nil},
		{"extension earlier than deadline changes nothing", func(in *EligibilityInput) {
			in.Now = nextMorning
			in.Extended = date("2026-11-20")
		}, []string{"elig.deadline_passed"}},
		{"track deadline overrides phase", func(in *EligibilityInput) { in.Track.Deadline = date("2026-11-10") }, []string{"elig.deadline_passed"}},
		{"inactive org", func(in *EligibilityInput) { in.Org.Active = false }, []string{"elig.org_inactive"}},
		{"several reasons at once", func(in *EligibilityInput) {
			in.Org.Kind = KindClass
			in.Filed = 1
			in.Now = nextMorning
		}, []string{"elig.wrong_kind", "elig.limit_reached", "elig.deadline_passed"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := EligibilityInput{Program: program, Track: track, Org: branch, Now: time.Date(2026, 11, 22, 10, 0, 0, 0, shanghai), Zone: shanghai}
			tt.edit(&in)
			var got []string
			for _, r := range CheckEligibility(in) {
				got = append(got, r.Key)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("reasons %v, want %v", got, tt.want)
			}
		})
	}
}

func TestTransition(t *testing.T) {
	tests := []struct {
		from        AppStatus
		ev          AppEvent
		step, steps int
		to          AppStatus
		toStep      int
		ok          bool
	}{
		{AppDraft, EvSend, 0, 2, AppEndorsing, 0, true},
		{AppDraft, EvSend, 0, 0, AppSubmitted, 0, true}, // no endorsement chain
		{AppReturned, EvSend, 0, 2, AppEndorsing, 0, true},
		{AppEndorsing, EvEndorse, 0, 2, AppEndorsing, 1, true},
		{AppEndorsing, EvEndorse, 1, 2, AppSubmitted, 2, true},
		{AppEndorsing, EvEndorse, 2, 2, AppEndorsing, 2, false},
		{AppEndorsing, EvReturn, 1, 2, AppReturned, 0, true},
		{AppSubmitted, EvReturn, 2, 2, AppReturned, 0, true},
		{AppReceived, EvReturn, 2, 2, AppReturned, 0, true},
		{AppDraft, EvReturn, 0, 2, AppDraft, 0, false},
		{AppSubmitted, EvReceive, 2, 2, AppReceived, 2, true},
		{AppEndorsing, EvReceive, 0, 2, AppEndorsing, 0, false},
		{AppSubmitted, EvSend, 2, 2, AppSubmitted, 2, false}, // submitting twice does nothing
		{AppDraft, EvWithdraw, 0, 2, AppWithdrawn, 0, true},
		{AppReceived, EvWithdraw, 2, 2, AppWithdrawn, 0, true},
		{AppApproved, EvWithdraw, 2, 2, AppApproved, 2, false},
		{AppWithdrawn, EvWithdraw, 0, 2, AppWithdrawn, 0, false},
		{AppReceived, EvApprove, 2, 2, AppApproved, 2, true},
		{AppDraft, EvApprove, 0, 2, AppDraft, 0, false},
		{AppSubmitted, EvReject, 2, 2, AppRejected, 2, true},
	}
	for _, tt := range tests {
		to, step, err := Transition(tt.from, tt.ev, tt.step, tt.steps)
		if (err == nil) != tt.ok {
			t.Errorf("%s --%s--> error %v, want ok=%v", tt.from, tt.ev, err, tt.ok)
			continue
		}
		if to != tt.to || step != tt.toStep {
			t.Errorf("%s --%s--> %s step %d, want %s step %d", tt.from, tt.ev, to, step, tt.to, tt.toStep)
		}
	}
}

func TestEndorserOrg(t *testing.T) {
	orgs := []Org{
		{ID: 1, Path: "/1/", Kind: KindSchool, Active: true},
		{ID: 2, ParentID: 1, Path: "/1/2/", Kind: KindCollege, Active: true},
		{ID: 3, ParentID: 2, Path: "/1/2/3/", Kind: KindLeagueGeneralBranch, Active: true},
		{ID: 4, ParentID: 2, Path: "/1/2/4/", Kind: KindPartyGeneralBranch, Active: true},
		{ID: 5, ParentID: 3, Path: "/1/2/3/5/", Kind: KindClass, Active: true},
		{ID: 6, ParentID: 1, Path: "/1/6/", Kind: KindPartyCommittee, Active: true},
		{ID: 7, ParentID: 4, Path: "/1/2/4/7/", Kind: KindPartyBranch, Active: true},
	}
	tests := []struct {
		name      string
		applicant string
		kind      OrgKind
		want      int64
	}{
		{"团总支 endorses its own application", "/1/2/3/", KindLeagueGeneralBranch, 3},
		{"the college's 党总支 endorses the 团总支's", "/1/2/3/", KindPartyGeneralBranch, 4},
		{"a class's 团总支 is its parent", "/1/2/3/5/", KindLeagueGeneralBranch, 3},
		{"a Party branch's 党总支", "/1/2/4/7/", KindPartyGeneralBranch, 4},
		{"the school's 党委 for a college", "/1/2/", KindPartyCommittee, 6},
		{"no care committee anywhere", "/1/2/3/", KindCollegeCareCommittee, 0},
	}
	for _, tt := range tests {
		got, ok := EndorserOrg(tt.applicant, tt.kind, orgs)
		if tt.want == 0 {
			if ok {
				t.Errorf("%s: found %d, want none", tt.name, got.ID)
			}
			continue
		}
		if !ok || got.ID != tt.want {
			t.Errorf("%s: got %d (%v), want %d", tt.name, got.ID, ok, tt.want)
		}
	}
}

func TestFieldCheck(t *testing.T) {
	choice := FieldDef{Type: FieldChoice, Options: []string{"第一批", "第二批"}, Required: true}
	tests := []struct {
		f      FieldDef
		values []string
		want   string
	}{
		{choice, []string{"第一批"}, ""},
		{choice, []string{"第三批"}, "form.choose"},
		{choice, nil, "form.required"},
		{choice, []string{"第一批", "第二批"}, "form.one_value"},
		{FieldDef{Type: FieldMulti, Options: []string{"a", "b"}}, []string{"a", "b"}, ""},
		{FieldDef{Type: FieldNumber}, []string{"12.5"}, ""},
		{FieldDef{Type: FieldNumber}, []string{"十二"}, "form.not_number"},
		{FieldDef{Type: FieldDate}, []string{"2026-02-30"}, "form.bad_date"},
		{FieldDef{Type: FieldText}, []string{string(make([]rune, MaxShortText+1))}, "form.too_long"},
		{FieldDef{Type: FieldFile, Required: true}, nil, ""},
		{FieldDef{Type: FieldText}, []string{"  "}, ""},
	}
	for i, tt := range tests {
		if got := tt.f.Check(tt.values); got != tt.want {
			t.Errorf("case %d (%s %v): %q, want %q", i, tt.f.Type, tt.values, got, tt.want)
		}
	}
}

func TestProgramStatusMoves(t *testing.T) {
	if !ProgramDraft.CanMoveTo(ProgramOpen) || ProgramArchived.CanMoveTo(ProgramOpen) || ProgramOpen.CanMoveTo(ProgramDraft) {
		t.Error("program status moves wrong")
	}
}
