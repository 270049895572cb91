package portal

import (
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"
)

// fieldKeys returns the sorted field names of err's field errors.
func fieldKeys(err error) []string {
	var out []string
	for k := range FieldErrors(err) {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// brand2021 is the 一团一品 call of seed 002 as a program input.
func brand2021() ProgramInput {
	return ProgramInput{
		OwnerOrgID: 3, ScopeOrgID: 1, Year: 2021, Title: "2021年“一团一品”共青团工作品牌创建", Kind: ProgramLeagueBrand,
		Endorsements:  []OrgKind{KindLeagueGeneralBranch, KindPartyGeneralBranch},
		ExpectedKinds: []OrgKind{KindLeagueGeneralBranch},
		Phases: []Phase{
			// Out of order on purpose: Validate sorts them.
			{Kind: PhaseFinal, Starts: date("2021-12-01"), Ends: date("2021-12-31")},
			{Kind: PhaseApplication, Starts: date("2021-03-01"), Ends: date("2021-03-30")},
			{Kind: PhaseApproval, Starts: date("2021-04-01"), Ends: date("2021-04-30")},
			{Kind: PhaseImplementation, Starts: date("2021-04-01"), Ends: date("2021-11-30")},
		},
	}
}

func TestProgramInputValidate(t *testing.T) {
	tests := []struct {
		name string
		edit func(*ProgramInput)
		want []string
	}{
		{"the 2021 call", func(*ProgramInput) {}, nil},
		{"no phases at all (a draft)", func(in *ProgramInput) { in.Phases = nil }, nil},
		{"title required", func(in *ProgramInput) { in.Title = "  " }, []string{"title"}},
		{"title too long", func(in *ProgramInput) { in.Title = strings.Repeat("品", MaxProgramTitle+1) }, []string{"title"}},
		{"title at the limit", func(in *ProgramInput) { in.Title = strings.Repeat("品", MaxProgramTitle) }, nil},
		{"owner and scope required", func(in *ProgramInput) { in.OwnerOrgID, in.ScopeOrgID = 0, 0 }, []string{"owner_org_id", "scope_org_id"}},
		{"year too early", func(in *ProgramInput) { in.Year = 1999 }, []string{"year"}},
		{"year too late", func(in *ProgramInput) { in.Year = 2101 }, []string{"year"}},
		{"year missing", func(in *ProgramInput) { in.Year = 0 }, []string{"year"}},
		{"unknown kind", func(in *ProgramInput) { in.Kind = "brand" }, []string{"kind"}},
		{"batch too long", func(in *ProgramInput) { in.Batch = strings.Repeat("批", MaxBatch+1) }, []string{"batch"}},
		{"description too long", func(in *ProgramInput) { in.Description = strings.Repeat("字", MaxDescription+1) }, []string{"description"}},
		{"negative ban", func(in *ProgramInput) { in.BanMonths = -1 }, []string{"ban_months"}},
		{"ban of ten years is the most", func(in *ProgramInput) { in.BanMonths = MaxBanMonths }, nil},
		{"ban too long", func(in *ProgramInput) { in.BanMonths = MaxBanMonths + 1 }, []string{"ban_months"}},
		{"unknown endorsing kind", func(in *ProgramInput) { in.Endorsements = []OrgKind{"committee"} }, []string{"endorsements"}},
		{"endorsing body twice", func(in *ProgramInput) {
			in.Endorsements = []OrgKind{KindLeagueGeneralBranch, KindLeagueGeneralBranch}
		}, []string{"endorsements"}},
		{"chain too long", func(in *ProgramInput) {
			in.Endorsements = []OrgKind{KindLeagueBranch, KindLeagueGeneralBranch, KindPartyBranch, KindPartyGeneralBranch}
		}, []string{"endorsements"}},
		{"no endorsement", func(in *ProgramInput) { in.Endorsements = nil }, nil},
		{"unknown expected kind", func(in *ProgramInput) { in.ExpectedKinds = []OrgKind{""} }, []string{"expected_kinds"}},
		{"phase ends before it starts", func(in *ProgramInput) {
			in.Phases[1].Ends = date("2021-02-28")
		}, []string{"phase_application_ends"}},
		{"one-day phase", func(in *ProgramInput) { in.Phases[1].Ends = in.Phases[1].Starts }, nil},
		{"phase without its last day", func(in *ProgramInput) { in.Phases[0].Ends = time.Time{} }, []string{"phase_final_ends"}},
		{"phase without its first day", func(in *ProgramInput) { in.Phases[0].Starts = time.Time{} }, []string{"phase_final_starts"}},
		{"approval starts before the application", func(in *ProgramInput) {
			in.Phases[2].Starts = date("2021-02-01")
		}, []string{"phase_approval_starts"}},
		{"final before implementation", func(in *ProgramInput) {
			in.Phases[0] = Phase{Kind: PhaseFinal, Starts: date("2021-03-15"), Ends: date("2021-12-31")}
		}, []string{"phase_final_starts"}},
		{"mid-term inside implementation overlaps forward", func(in *ProgramInput) {
			in.Phases = append(in.Phases, Phase{Kind: PhaseMidterm, Starts: date("2021-07-01"), Ends: date("2021-07-15")})
		}, nil},
		{"phase twice", func(in *ProgramInput) {
			in.Phases = append(in.Phases, Phase{Kind: PhaseFinal, Starts: date("2021-12-01"), Ends: date("2021-12-31")})
		}, []string{"phase_final_starts"}},
		{"unknown phase", func(in *ProgramInput) {
			in.Phases = append(in.Phases, Phase{Kind: "party", Starts: date("2021-12-01"), Ends: date("2021-12-31")})
		}, []string{"phases"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := brand2021()
			tt.edit(&in)
			err := in.Validate()
			if got := fieldKeys(err); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("bad fields %v, want %v (%v)", got, tt.want, FieldErrors(err))
			}
			if err != nil && ErrorCode(err) != EINVALID {
				t.Errorf("code %s, want invalid", ErrorCode(err))
			}
		})
	}
}

func TestProgramInputValidateSortsAndTrims(t *testing.T) {
	in := brand2021()
	in.Title = "  一团一品  "
	if err := in.Validate(); err != nil {
		t.Fatal(err)
	}
	if in.Title != "一团一品" {
		t.Errorf("title %q not trimmed", in.Title)
	}
	var kinds []PhaseKind
	for _, ph := range in.Phases {
		kinds = append(kinds, ph.Kind)
	}
	want := []PhaseKind{PhaseApplication, PhaseApproval, PhaseImplementation, PhaseFinal}
	if !reflect.DeepEqual(kinds, want) {
		t.Errorf("phases %v, want %v", kinds, want)
	}
}

func TestCheckProgramScope(t *testing.T) {
	school := Org{ID: 1, Path: "/1/", Active: true}
	tuanwei := Org{ID: 3, Path: "/1/3/", Active: true}
	college := Org{ID: 8, Path: "/1/8/", Active: true}
	tests := []struct {
		name         string
		owner, scope Org
		ok           bool
	}{
		{"the school above the owner", tuanwei, school, true},
		{"the owner itself", tuanwei, tuanwei, true},
		{"a sibling subtree", tuanwei, college, false},
		{"below the owner", school, tuanwei, false},
		{"inactive scope", tuanwei, Org{ID: 1, Path: "/1/"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckProgramScope(tt.owner, tt.scope)
			if (err == nil) != tt.ok {
				t.Errorf("got %v, want ok=%v", err, tt.ok)
			}
			if err != nil && FieldErrors(err)["scope_org_id"] == "" {
				t.Errorf("error not on scope_org_id: %v", err)
			}
		})
	}
}

func TestCheckStatusMove(t *testing.T) {
	ready := ProgramDetail{
		Program: Program{Status: ProgramDraft, Phases: []Phase{{Kind: PhaseApplication, Starts: date("2026-11-01"), Ends: date("2026-12-20")}}},
		Tracks:  []Track{{Name: "团总支"}},
	}
	tests := []struct {
		name string
		edit func(*ProgramDetail)
		next ProgramStatus
		want string // message key, "" for allowed
	}{
		{"open a ready draft", func(*ProgramDetail) {}, ProgramOpen, ""},
		{"open without tracks", func(d *ProgramDetail) { d.Tracks = nil }, ProgramOpen, "program.open_needs_track"},
		{"open without an application phase", func(d *ProgramDetail) {
			d.Phases = []Phase{{Kind: PhaseFinal, Starts: date("2027-12-01"), Ends: date("2027-12-31")}}
		}, ProgramOpen, "program.open_needs_application"},
		{"close an open program", func(d *ProgramDetail) { d.Status = ProgramOpen }, ProgramClosed, ""},
		{"reopen a closed program", func(d *ProgramDetail) { d.Status = ProgramClosed }, ProgramOpen, ""},
		{"reopen a closed program that lost its tracks", func(d *ProgramDetail) {
			d.Status = ProgramClosed
			d.Tracks = nil
		}, ProgramOpen, "program.open_needs_track"},
		{"archive a closed program", func(d *ProgramDetail) { d.Status = ProgramClosed }, ProgramArchived, ""},
		{"archive a draft", func(*ProgramDetail) {}, ProgramArchived, ""},
		{"archive an open program", func(d *ProgramDetail) { d.Status = ProgramOpen }, ProgramArchived, "program.bad_move"},
		{"close a draft", func(*ProgramDetail) {}, ProgramClosed, "program.bad_move"},
		{"anything from archived", func(d *ProgramDetail) { d.Status = ProgramArchived }, ProgramOpen, "program.bad_move"},
		{"back to draft", func(d *ProgramDetail) { d.Status = ProgramOpen }, ProgramDraft, "program.bad_move"},
		{"unknown status", func(*ProgramDetail) {}, "published", "program.bad_move"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := ready
			d.Tracks = append([]Track(nil), ready.Tracks...)
			tt.edit(&d)
			err := d.CheckStatusMove(tt.next)
			got := ""
			if err != nil {
				got = err.(*Error).Message
				if ErrorCode(err) != EINVALID {
					t.Errorf("code %s", ErrorCode(err))
				}
			}
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestShiftYears(t *testing.T) {
	tests := []struct {
		from  string
		years int
		want  string
	}{
		{"2021-03-30", 1, "2022-03-30"},
		{"2021-03-30", 5, "2026-03-30"},
		{"2024-02-29", 1, "2025-02-28"},
		{"2024-02-29", 4, "2028-02-29"},
		{"2024-02-29", -1, "2023-02-28"},
		{"2000-02-29", 100, "2100-02-28"},
		{"2023-02-28", 1, "2024-02-28"},
		{"2022-11-24", 4, "2026-11-24"},
		{"2022-12-31", 0, "2022-12-31"},
	}
	for _, tt := range tests {
		got := ShiftYears(date(tt.from), tt.years)
		if got.Format("2006-01-02") != tt.want {
			t.Errorf("ShiftYears(%s, %d) = %s, want %s", tt.from, tt.years, got.Format("2006-01-02"), tt.want)
		}
	}
	if !ShiftYears(time.Time{}, 3).IsZero() {
		t.Error("a zero time moved")
	}
	// The time of day and the zone stay.
	at := time.Date(2024, 2, 29, 23, 59, 0, 0, shanghai)
	if got := ShiftYears(at, 1); !got.Equal(time.Date(2025, 2, 28, 23, 59, 0, 0, shanghai)) {
		t.Errorf("ShiftYears kept %v", got)
	}
}

func TestShiftTitleYears(t *testing.T) {
	tests := []struct {
		title string
		years int
		want  string
	}{
		{"2021年“一团一品”共青团工作品牌创建", 1, "2022年“一团一品”共青团工作品牌创建"},
		{"2021-2022学年焦裕禄班创建", 1, "2022-2023学年焦裕禄班创建"},
		{"基层党建“对标争先”建设计划（2022）", 4, "基层党建“对标争先”建设计划（2026）"},
		{"“3+N+X”创建行动", 3, "“3+N+X”创建行动"},
		{"电话 61881 与 123456 号文", 2, "电话 61881 与 123456 号文"},
		{"2021", -1, "2020"},
		{"2021年 2021年", 0, "2021年 2021年"},
	}
	for _, tt := range tests {
		if got := ShiftTitleYears(tt.title, tt.years); got != tt.want {
			t.Errorf("ShiftTitleYears(%q, %d) = %q, want %q", tt.title, tt.years, got, tt.want)
		}
	}
}

func TestCopyForYear(t *testing.T) {
	src := ProgramDetail{
		Program: Program{ID: 7, Year: 2024, Title: "2024年“焦裕禄班”创建", Kind: ProgramClassCreation, Batch: "第一批",
			Status: ProgramArchived, Version: 5, CreatedAt: date("2024-10-09"), OwnerOrgID: 30, ScopeOrgID: 30,
			Endorsements: []OrgKind{KindLeagueGeneralBranch},
			Phases: []Phase{
				{Kind: PhaseApplication, Starts: date("2024-02-29"), Ends: date("2024-03-31")},
				{Kind: PhaseFinal, Starts: date("2024-12-01"), Ends: date("2024-12-31")},
			}},
		Tracks: []Track{{ID: 11, ProgramID: 7, Name: "创建班级", EligibleKinds: []OrgKind{KindClass}, Deadline: date("2024-02-29"),
			Fields: []FieldDef{{Key: "plan", Label: "创建计划书", Type: FieldFile}}, AutoRecognised: []int64{3}}},
		Themes: []Theme{{ID: 4, ProgramID: 7, Name: "志愿服务"}},
	}
	c := CopyForYear(src, 2025)
	if c.ID != 0 || c.CopiedFrom != 7 || c.Status != ProgramDraft || c.Version != 1 || !c.CreatedAt.IsZero() {
		t.Errorf("copy identity: id %d from %d status %s version %d", c.ID, c.CopiedFrom, c.Status, c.Version)
	}
	if c.Year != 2025 || c.Title != "2025年“焦裕禄班”创建" || c.Batch != "第一批" || c.OwnerOrgID != 30 {
		t.Errorf("copy fields: %d %q %q %d", c.Year, c.Title, c.Batch, c.OwnerOrgID)
	}
	app, _ := c.Phase(PhaseApplication)
	if app.Starts.Format("2006-01-02") != "2025-02-28" || app.Ends.Format("2006-01-02") != "2025-03-31" {
		t.Errorf("application phase %v–%v", app.Starts, app.Ends)
	}
	if fin, _ := c.Phase(PhaseFinal); fin.Ends.Format("2006-01-02") != "2025-12-31" {
		t.Errorf("final phase ends %v", fin.Ends)
	}
	if len(c.Tracks) != 1 || c.Tracks[0].ID != 0 || c.Tracks[0].ProgramID != 0 || c.Tracks[0].Deadline.Format("2006-01-02") != "2025-02-28" ||
		len(c.Tracks[0].Fields) != 1 || c.Tracks[0].AutoRecognised != nil {
		t.Errorf("tracks %+v", c.Tracks)
	}
	if len(c.Themes) != 1 || c.Themes[0].ID != 0 || c.Themes[0].Name != "志愿服务" {
		t.Errorf("themes %+v", c.Themes)
	}
	// The copy shares no slice with its source.
	c.Tracks[0].EligibleKinds[0] = KindLeagueBranch
	c.Endorsements[0] = KindPartyBranch
	c.Phases[0].Kind = PhaseApproval
	if src.Tracks[0].EligibleKinds[0] != KindClass || src.Endorsements[0] != KindLeagueGeneralBranch || src.Phases[0].Kind != PhaseApplication {
		t.Error("changing the copy changed the source")
	}
	if same := CopyForYear(src, 2024); same.Phases[0].Starts.Format("2006-01-02") != "2024-02-29" {
		t.Errorf("a copy for the same year moved its dates: %v", same.Phases[0].Starts)
	}
}

func validTrack() TrackInput {
	return TrackInput{Name: "样板支部", Quota: 10, GrantYuan: 10000, CycleMonths: 12, EligibleKinds: []OrgKind{KindPartyBranch},
		MinAgeYears: 1, MaxPerOrg: 1,
		Fields: []FieldDef{
			{Key: "basis", Label: "党建工作基础", Type: FieldTextarea, Required: true},
			{Key: "level", Label: "支部类型", Type: FieldChoice, Options: []string{"教工", " 学生 "}},
		}}
}

func TestTrackInputValidate(t *testing.T) {
	tests := []struct {
		name string
		edit func(*TrackInput)
		want []string
	}{
		{"样板支部", func(*TrackInput) {}, nil},
		{"no limits at all", func(in *TrackInput) {
			*in = TrackInput{Name: "基层党建创新项目"}
		}, nil},
		{"name required", func(in *TrackInput) { in.Name = " " }, []string{"name"}},
		{"name too long", func(in *TrackInput) { in.Name = strings.Repeat("标", MaxTrackName+1) }, []string{"name"}},
		{"negative quota", func(in *TrackInput) { in.Quota = -1 }, []string{"quota"}},
		{"quota zero means no limit", func(in *TrackInput) { in.Quota = 0 }, nil},
		{"negative grant", func(in *TrackInput) { in.GrantYuan = -5000 }, []string{"grant_yuan"}},
		{"grant too large", func(in *TrackInput) { in.GrantYuan = MaxGrantYuan + 1 }, []string{"grant_yuan"}},
		{"cycle too long", func(in *TrackInput) { in.CycleMonths = MaxCycleMonths + 1 }, []string{"cycle_months"}},
		{"negative min age", func(in *TrackInput) { in.MinAgeYears = -1 }, []string{"min_age_years"}},
		{"unknown eligible kind", func(in *TrackInput) { in.EligibleKinds = []OrgKind{"branch"} }, []string{"eligible_kinds"}},
		{"eligible kind twice", func(in *TrackInput) {
			in.EligibleKinds = []OrgKind{KindPartyBranch, KindPartyBranch}
		}, []string{"eligible_kinds"}},
		{"max below min", func(in *TrackInput) { in.MinPerOrg, in.MaxPerOrg = 2, 1 }, []string{"max_per_org"}},
		{"max equals min", func(in *TrackInput) { in.MinPerOrg, in.MaxPerOrg = 1, 1 }, nil},
		{"min without max", func(in *TrackInput) { in.MinPerOrg, in.MaxPerOrg = 3, 0 }, nil},
		{"negative min per org", func(in *TrackInput) { in.MinPerOrg = -1 }, []string{"min_per_org"}},
		{"field key missing", func(in *TrackInput) { in.Fields[0].Key = "" }, []string{"f0_key"}},
		{"field key with capitals", func(in *TrackInput) { in.Fields[1].Key = "Level" }, []string{"f1_key"}},
		{"field key in Chinese", func(in *TrackInput) { in.Fields[1].Key = "类型" }, []string{"f1_key"}},
		{"field key starting with a digit", func(in *TrackInput) { in.Fields[1].Key = "1st" }, []string{"f1_key"}},
		{"field key twice", func(in *TrackInput) { in.Fields[1].Key = "basis" }, []string{"f1_key"}},
		{"field label missing", func(in *TrackInput) { in.Fields[0].Label = "" }, []string{"f0_label"}},
		{"field type unknown", func(in *TrackInput) { in.Fields[0].Type = "rich" }, []string{"f0_type"}},
		{"choice without options", func(in *TrackInput) { in.Fields[1].Options = []string{" ", ""} }, []string{"f1_options"}},
		{"multi without options", func(in *TrackInput) { in.Fields[1].Type, in.Fields[1].Options = FieldMulti, nil }, []string{"f1_options"}},
		{"option twice", func(in *TrackInput) { in.Fields[1].Options = []string{"教工", "教工"} }, []string{"f1_options"}},
		{"options on a text field", func(in *TrackInput) { in.Fields[0].Options = []string{"甲"} }, []string{"f0_options"}},
		{"help too long", func(in *TrackInput) { in.Fields[0].Help = strings.Repeat("说", MaxFieldHelp+1) }, []string{"f0_help"}},
		{"too many fields", func(in *TrackInput) {
			in.Fields = nil
			for i := 0; i <= MaxTrackFields; i++ {
				in.Fields = append(in.Fields, FieldDef{Key: "k" + strings.Repeat("x", i), Label: "x", Type: FieldText})
			}
		}, []string{"fields"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := validTrack()
			tt.edit(&in)
			err := in.Validate()
			if got := fieldKeys(err); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("bad fields %v, want %v (%v)", got, tt.want, FieldErrors(err))
			}
		})
	}
}

func TestTrackInputValidateCleansOptions(t *testing.T) {
	in := validTrack()
	if err := in.Validate(); err != nil {
		t.Fatal(err)
	}
	if got := in.Fields[1].Options; !reflect.DeepEqual(got, []string{"教工", "学生"}) {
		t.Errorf("options %q", got)
	}
}

func TestValidateThemeName(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{" 思想引领类 ", "思想引领类", true},
		{"", "", false},
		{strings.Repeat("类", MaxThemeName), strings.Repeat("类", MaxThemeName), true},
		{strings.Repeat("类", MaxThemeName+1), "", false},
	}
	for _, tt := range tests {
		got, err := ValidateThemeName(tt.in)
		if (err == nil) != tt.ok || (tt.ok && got != tt.want) {
			t.Errorf("ValidateThemeName(%q) = %q, %v", tt.in, got, err)
		}
		if err != nil && FieldErrors(err)["name"] == "" {
			t.Errorf("error not on name: %v", err)
		}
	}
}

func TestPhaseCurrentAndPast(t *testing.T) {
	ph := Phase{Kind: PhaseApplication, Starts: date("2026-11-01"), Ends: date("2026-12-20")}
	tests := []struct {
		at            time.Time
		current, past bool
	}{
		{time.Date(2026, 10, 31, 23, 59, 0, 0, shanghai), false, false},
		{time.Date(2026, 11, 1, 0, 0, 0, 0, shanghai), true, false},
		{time.Date(2026, 11, 23, 9, 0, 0, 0, shanghai), true, false},
		{time.Date(2026, 12, 20, 23, 59, 0, 0, shanghai), true, false},
		{time.Date(2026, 12, 21, 0, 0, 1, 0, shanghai), false, true},
	}
	for _, tt := range tests {
		if got := ph.Current(tt.at, shanghai); got != tt.current {
			t.Errorf("Current(%v) = %v", tt.at, got)
		}
		if got := ph.Past(tt.at, shanghai); got != tt.past {
			t.Errorf("Past(%v) = %v", tt.at, got)
		}
	}
}
