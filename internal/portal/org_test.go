package portal

import (
	"testing"
	"time"
)

func date(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestPathCovers(t *testing.T) {
	tests := []struct {
		ancestor, path string
		want           bool
	}{
		{"/1/", "/1/", true},
		{"/1/", "/1/5/23/", true},
		{"/1/5/", "/1/52/", false}, // a prefix of digits is not an ancestor
		{"/1/5/", "/1/", false},
		{"", "/1/", false},
	}
	for _, tt := range tests {
		if got := PathCovers(tt.ancestor, tt.path); got != tt.want {
			t.Errorf("PathCovers(%q, %q) = %v, want %v", tt.ancestor, tt.path, got, tt.want)
		}
	}
}

func TestPathOfAndDepth(t *testing.T) {
	if got := PathOf("", 1); got != "/1/" {
		t.Errorf("PathOf root = %q", got)
	}
	if got := PathOf("/1/5/", 23); got != "/1/5/23/" {
		t.Errorf("PathOf = %q", got)
	}
	if Depth("/1/") != 0 || Depth("/1/5/23/") != 2 {
		t.Errorf("Depth wrong: %d %d", Depth("/1/"), Depth("/1/5/23/"))
	}
}

func TestAgeYears(t *testing.T) {
	tests := []struct {
		founded, on string
		want        int
	}{
		{"2025-11-23", "2026-11-22", 0}, // one day short of a year
		{"2025-11-22", "2026-11-22", 1},
		{"2024-02-29", "2025-02-28", 0},
		{"2024-02-29", "2025-03-01", 1},
		{"2000-09-01", "2026-11-22", 26},
	}
	for _, tt := range tests {
		o := Org{FoundedOn: date(tt.founded)}
		if got := o.AgeYears(date(tt.on)); got != tt.want {
			t.Errorf("AgeYears(%s on %s) = %d, want %d", tt.founded, tt.on, got, tt.want)
		}
	}
	if (Org{}).AgeYears(date("2026-01-01")) != -1 {
		t.Error("unknown founding date should give -1")
	}
}

func TestOrgInputValidate(t *testing.T) {
	today := date("2026-11-22")
	ok := OrgInput{Kind: KindPartyBranch, Name: "教工第一党支部", FoundedOn: date("2020-01-01"), LeagueMembers: 10, LeagueCadres: 2}
	tests := []struct {
		name       string
		edit       func(*OrgInput)
		parentKind OrgKind
		field      string // "" for valid
	}{
		{"valid", func(*OrgInput) {}, KindPartyGeneralBranch, ""},
		{"blank name", func(in *OrgInput) { in.Name = "  " }, KindPartyGeneralBranch, "name"},
		{"long name", func(in *OrgInput) { in.Name = string(make([]rune, 101)) }, KindPartyGeneralBranch, "name"},
		{"unknown kind", func(in *OrgInput) { in.Kind = "club" }, KindPartyGeneralBranch, "kind"},
		{"kind not allowed under parent", func(in *OrgInput) { in.Kind = KindClass }, KindPartyGeneralBranch, "kind"},
		{"root must be school", func(in *OrgInput) {}, "", "kind"},
		{"school as root", func(in *OrgInput) { in.Kind = KindSchool }, "", ""},
		{"future founding", func(in *OrgInput) { in.FoundedOn = date("2026-11-23") }, KindPartyGeneralBranch, "founded_on"},
		{"negative members", func(in *OrgInput) { in.LeagueMembers = -1 }, KindPartyGeneralBranch, "league_members"},
		{"negative youth", func(in *OrgInput) { in.YouthUnder28 = -5 }, KindPartyGeneralBranch, "youth_under_28"},
		{"huge figure", func(in *OrgInput) { in.YouthUnder28 = MaxOrgMembers + 1 }, KindPartyGeneralBranch, "youth_under_28"},
		{"cadres above members", func(in *OrgInput) { in.LeagueCadres = 11 }, KindPartyGeneralBranch, "league_cadres"},
		{"bad code", func(in *OrgInput) { in.Code = "a b" }, KindPartyGeneralBranch, "code"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := ok
			tt.edit(&in)
			err := in.Validate(tt.parentKind, today)
			fields := FieldErrors(err)
			if tt.field == "" {
				if err != nil {
					t.Fatalf("want valid, got %v %v", err, fields)
				}
				return
			}
			if ErrorCode(err) != EINVALID || fields[tt.field] == "" {
				t.Fatalf("want invalid %s, got %v %v", tt.field, err, fields)
			}
		})
	}
}

func TestCheckMove(t *testing.T) {
	college := Org{ID: 2, Path: "/1/2/", Kind: KindCollege, Active: true}
	tzz := Org{ID: 3, Path: "/1/2/3/", Kind: KindLeagueGeneralBranch, Active: true}
	class := Org{ID: 4, Path: "/1/2/3/4/", Kind: KindClass, Active: true}
	other := Org{ID: 5, Path: "/1/5/", Kind: KindCollege, Active: true}
	otherTzz := Org{ID: 6, Path: "/1/5/6/", Kind: KindLeagueGeneralBranch, Active: true}
	closed := Org{ID: 7, Path: "/1/7/", Kind: KindCollege}
	tests := []struct {
		name      string
		org, dest Org
		wantErr   string
	}{
		{"class to another 团总支", class, otherTzz, ""},
		{"团总支 to another college", tzz, other, ""},
		{"under itself", tzz, tzz, "org.move_into_own_subtree"},
		{"under own descendant", tzz, class, "org.move_into_own_subtree"},
		{"college under its own 团总支", college, tzz, "org.move_into_own_subtree"},
		{"class directly under a college", class, other, ""},
		{"branch under class", tzz, class, "org.move_into_own_subtree"},
		{"团总支 under 团总支", tzz, otherTzz, "org.kind_not_allowed"},
		{"under inactive", tzz, closed, "org.parent_inactive"},
	}
	for _, tt := range tests {
		err := CheckMove(tt.org, tt.dest)
		got := ""
		if e, ok := err.(*Error); ok {
			got = e.Message
		}
		if got != tt.wantErr {
			t.Errorf("%s: CheckMove = %q, want %q", tt.name, got, tt.wantErr)
		}
	}
}

func TestKindTree(t *testing.T) {
	for _, k := range OrgKinds {
		for _, c := range k.ChildKinds() {
			if !c.Valid() {
				t.Errorf("%s may contain unknown kind %s", k, c)
			}
		}
		if k != KindSchool && len(k.ParentKinds()) == 0 {
			t.Errorf("%s can stand under nothing", k)
		}
	}
}
