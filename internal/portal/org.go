package portal

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// OrgKind is the kind of an organization in the tree.
type OrgKind string

// The organization kinds of DOMAIN.md.
const (
	KindSchool               OrgKind = "school"
	KindPartyCommittee       OrgKind = "party_committee"
	KindLeagueCommittee      OrgKind = "league_committee"
	KindCareCommittee        OrgKind = "care_committee"
	KindCollege              OrgKind = "college"
	KindPartyGeneralBranch   OrgKind = "party_general_branch"
	KindLeagueGeneralBranch  OrgKind = "league_general_branch"
	KindCollegeCareCommittee OrgKind = "college_care_committee"
	KindPartyBranch          OrgKind = "party_branch"
	KindLeagueBranch         OrgKind = "league_branch"
	KindClass                OrgKind = "class"
	KindDepartment           OrgKind = "department"
)

// OrgKinds lists every kind in display order.
var OrgKinds = []OrgKind{
	KindSchool, KindPartyCommittee, KindLeagueCommittee, KindCareCommittee, KindDepartment,
	KindCollege, KindPartyGeneralBranch, KindLeagueGeneralBranch, KindCollegeCareCommittee,
	KindPartyBranch, KindLeagueBranch, KindClass,
}

// childKinds says which kinds may stand directly under a kind.
var childKinds = map[OrgKind][]OrgKind{
	KindSchool:               {KindPartyCommittee, KindLeagueCommittee, KindCareCommittee, KindDepartment, KindCollege},
	KindPartyCommittee:       {KindDepartment, KindPartyGeneralBranch, KindPartyBranch},
	KindLeagueCommittee:      {KindDepartment, KindLeagueGeneralBranch, KindLeagueBranch},
	KindCareCommittee:        {KindDepartment, KindCollegeCareCommittee},
	KindDepartment:           {KindDepartment, KindPartyBranch, KindLeagueBranch},
	KindCollege:              {KindPartyGeneralBranch, KindLeagueGeneralBranch, KindCollegeCareCommittee, KindDepartment, KindClass},
	KindPartyGeneralBranch:   {KindPartyBranch},
	KindLeagueGeneralBranch:  {KindLeagueBranch, KindClass},
	KindCollegeCareCommittee: {},
	KindPartyBranch:          {},
	KindLeagueBranch:         {},
	KindClass:                {KindLeagueBranch},
}

// Valid reports whether k is a known kind.
func (k OrgKind) Valid() bool {
	_, ok := childKinds[k]
	return ok
}

// MayContain reports whether an organization of kind k may have a child of kind child.
func (k OrgKind) MayContain(child OrgKind) bool {
	for _, c := range childKinds[k] {
		if c == child {
			return true
		}
	}
	return false
}

// ChildKinds returns the kinds that may stand directly under k.
func (k OrgKind) ChildKinds() []OrgKind { return childKinds[k] }

// Org is an organization. Path is the materialized path of ids from the root,
// "/1/5/23/" for org 23 under 5 under 1.
type Org struct {
	ID            int64
	ParentID      int64 // 0 for the root
	Path          string
	Kind          OrgKind
	Name          string
	Code          string
	FoundedOn     time.Time // zero when unknown
	LeagueMembers int
	YouthUnder28  int
	LeagueCadres  int
	Active        bool
	Version       int
	ChildCount    int // filled by list queries
}

// PathOf returns the materialized path of an org with id under parentPath ("" for a root).
func PathOf(parentPath string, id int64) string {
	if parentPath == "" {
		parentPath = "/"
	}
	return parentPath + strconv.FormatInt(id, 10) + "/"
}

// PathCovers reports whether the subtree at ancestor contains the org at path (itself included).
func PathCovers(ancestor, path string) bool {
	return ancestor != "" && strings.HasPrefix(path, ancestor)
}

// Depth returns how deep path lies, the root being 0.
func Depth(path string) int { return strings.Count(path, "/") - 2 }

// LeagueRatio returns 团青比例, League members per hundred youths under 28, or 0 when unknown.
func (o Org) LeagueRatio() float64 {
	if o.YouthUnder28 == 0 {
		return 0
	}
	return float64(o.LeagueMembers) * 100 / float64(o.YouthUnder28)
}

// AgeYears returns the whole years from FoundedOn to on, or -1 when FoundedOn is unknown.
func (o Org) AgeYears(on time.Time) int {
	if o.FoundedOn.IsZero() {
		return -1
	}
	f := o.FoundedOn
	y := on.Year() - f.Year()
	if on.Month() < f.Month() || on.Month() == f.Month() && on.Day() < f.Day() {
		y--
	}
	return y
}

// Limits for organization fields.
const (
	MaxOrgName    = 100
	MaxOrgMembers = 1_000_000
)

// OrgInput is what a person types to create or edit an organization.
type OrgInput struct {
	ParentID      int64
	Kind          OrgKind
	Name          string
	Code          string
	FoundedOn     time.Time
	LeagueMembers int
	YouthUnder28  int
	LeagueCadres  int
}

// Validate checks the input on its own, given the parent's kind (empty for a root)
// and today's date, and returns an EINVALID error listing every bad field.
func (in *OrgInput) Validate(parentKind OrgKind, today time.Time) error {
	var v Invalid
	in.Name = strings.TrimSpace(in.Name)
	in.Code = strings.TrimSpace(in.Code)
	switch {
	case in.Name == "":
		v.Add("name", "form.required")
	case utf8.RuneCountInString(in.Name) > MaxOrgName:
		v.Add("name", "form.too_long")
	}
	if in.Code != "" && !validCode(in.Code) {
		v.Add("code", "org.code_invalid")
	}
	switch {
	case !in.Kind.Valid():
		v.Add("kind", "form.choose")
	case parentKind == "" && in.Kind != KindSchool:
		v.Add("kind", "org.kind_root_school")
	case parentKind != "" && !parentKind.MayContain(in.Kind):
		v.Add("kind", "org.kind_not_allowed")
	}
	if !in.FoundedOn.IsZero() && in.FoundedOn.After(today) {
		v.Add("founded_on", "form.date_future")
	}
	for field, n := range map[string]int{"league_members": in.LeagueMembers, "youth_under_28": in.YouthUnder28, "league_cadres": in.LeagueCadres} {
		if n < 0 {
			v.Add(field, "form.not_negative")
		} else if n > MaxOrgMembers {
			v.Add(field, "form.too_large")
		}
	}
	if in.LeagueCadres > in.LeagueMembers && in.LeagueMembers > 0 {
		v.Add("league_cadres", "org.cadres_exceed_members")
	}
	return v.Err()
}

func validCode(s string) bool {
	if len(s) > 40 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// CheckMove reports whether the org at path may move under the org newParent:
// never under itself or its own descendants, and only where the kinds fit.
func CheckMove(org Org, newParent Org) error {
	if PathCovers(org.Path, newParent.Path) {
		return &Error{Code: EINVALID, Message: "org.move_into_own_subtree", Fields: map[string]string{"parent_id": "org.move_into_own_subtree"}}
	}
	if !newParent.Kind.MayContain(org.Kind) {
		return &Error{Code: EINVALID, Message: "org.kind_not_allowed", Fields: map[string]string{"parent_id": "org.kind_not_allowed"}}
	}
	if !newParent.Active {
		return &Error{Code: EINVALID, Message: "org.parent_inactive", Fields: map[string]string{"parent_id": "org.parent_inactive"}}
	}
	return nil
}

// ParentKinds returns the kinds under which an organization of kind k may stand.
func (k OrgKind) ParentKinds() []OrgKind {
	var out []OrgKind
	for _, p := range OrgKinds {
		if p.MayContain(k) {
			out = append(out, p)
		}
	}
	return out
}
