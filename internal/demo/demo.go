// Package demo holds the demo school: its organization tree and its accounts.
// The seed (postgres.SeedDemo), the tests and the start banner all read it.
//
// The school, 河洛工商学院, is invented; it is built after the documents in
// /work/shared/seeds: school-level 党委 (with 党委组织部), 校团委 and 校关工委, and
// secondary colleges each with a 党总支, a 团总支 and a 二级学院关工委. Under the 党总支
// stand teacher and student Party branches; under the 团总支 a teachers' League branch
// and the administrative classes, each with its own League branch.
//
// To extend the tree, add a college to colleges or a major or branch to one of them;
// to add an account, add a Person to People.
package demo

import (
	"fmt"
	"strings"
)

// Password is every demo account's password.
const Password = "demo2026"

// schoolName is the demo school's name.
const schoolName = "河洛工商学院"

// Org is one organization of the demo school, with its children.
type Org struct {
	Key     string // stable code, unique in the tree; stored as orgs.code
	Kind    string // a portal.OrgKind
	Name    string // unique among siblings
	Founded string // "2006-01-02"

	// League figures of the application forms: 团员总数, 28岁以下青年数, 团干部数.
	// Zero for bodies where they make no sense (Party and care bodies, departments).
	LeagueMembers, YouthUnder28, LeagueCadres int

	Children []Org
}

// Grant is one role held on one organization, named by its key.
type Grant struct{ Role, OrgKey string }

// Person is a demo account.
type Person struct {
	Username string
	Phone    string
	Name     string
	Summary  string // one line for the start banner
	HomeOrg  string // an org Key
	Grants   []Grant
}

// Keys of the organizations the demo accounts hold roles on.
const (
	keySchool      = "school"
	keyDangwei     = "dangwei"     // 党委
	keyZuzhibu     = "dangwei-zzb" // 党委组织部
	keyTuanwei     = "tuanwei"     // 校团委
	keyGuangongwei = "guangongwei" // 校关工委
)

// The parts of a college, by key suffix: keyOf("eng", partLeague) is "eng-league".
const (
	partParty  = "party"  // 党总支
	partLeague = "league" // 团总支
	partCare   = "care"   // 二级学院关工委
)

// keyOf returns the key of a part of the college with key college.
func keyOf(college, part string) string { return college + "-" + part }

// college describes one secondary college; collegeOrg turns it into a subtree.
type college struct {
	key, name, founded string
	// Figures of the college's 团总支 (all its students and young staff, not only
	// the classes listed below).
	members, youth, cadres int
	partyBranches          []partyBranch
	majors                 []major
}

// partyBranch is a Party branch under a college's 党总支: "教工第一党支部".
type partyBranch struct {
	student bool
	n       int // 第n党支部
	founded string
}

func teachers(n int, founded string) partyBranch { return partyBranch{false, n, founded} }
func students(n int, founded string) partyBranch { return partyBranch{true, n, founded} }

// major gives the classes of one major in the 2023 intake: classes "机械2301班" to
// "机械23{classes}班".
type major struct {
	code, short string // key code ("me") and the short name used in class names ("机械")
	classes     int
}

// Class intake: the 2023 grade, enrolled in September 2023.
const (
	grade          = 23
	classFounded   = "2023-09-08"
	classBranchDay = "2023-10-12"
)

// colleges lists the secondary colleges. 工学院 comes first: the "焦裕禄班" class
// creation (seed 000) is its 团总支's campaign, so it has the most classes.
// 经济管理学院 is the college of the secretary and endorser accounts; its student
// Party branch No. 2, founded 2026-03-01, is too young for "at least one year old"
// eligibility rules.
var colleges = []college{
	{key: "eng", name: "工学院", founded: "2004-07-01", members: 1186, youth: 1264, cadres: 24,
		partyBranches: []partyBranch{teachers(1, "2004-11-18"), teachers(2, "2013-05-10"), students(1, "2008-10-21"), students(2, "2017-04-26")},
		majors:        []major{{"me", "机械", 3}, {"ee", "电气", 2}, {"ve", "车辆", 1}, {"im", "智造", 2}}},
	{key: "econ", name: "经济管理学院", founded: "2003-06-20", members: 968, youth: 1042, cadres: 20,
		partyBranches: []partyBranch{teachers(1, "2003-12-02"), teachers(2, "2015-09-17"), students(1, "2009-05-04"), students(2, "2026-03-01")},
		majors:        []major{{"ba", "工商", 2}, {"ec", "电商", 2}, {"lg", "物流", 1}}},
	{key: "info", name: "信息工程学院", founded: "2005-06-28", members: 1032, youth: 1108, cadres: 21,
		partyBranches: []partyBranch{teachers(1, "2006-03-14"), students(1, "2010-11-09")},
		majors:        []major{{"cs", "计科", 2}, {"se", "软件", 2}, {"ds", "大数据", 1}}},
	{key: "acct", name: "会计学院", founded: "2007-07-05", members: 874, youth: 930, cadres: 18,
		partyBranches: []partyBranch{teachers(1, "2007-12-20"), students(1, "2011-06-15")},
		majors:        []major{{"ac", "会计", 2}, {"fm", "财管", 1}, {"au", "审计", 1}}},
	{key: "art", name: "艺术设计学院", founded: "2009-06-30", members: 512, youth: 566, cadres: 14,
		partyBranches: []partyBranch{teachers(1, "2010-04-08"), students(1, "2014-05-20")},
		majors:        []major{{"vc", "视传", 1}, {"ed", "环设", 1}, {"dm", "数媒", 1}}},
	{key: "lang", name: "外国语学院", founded: "2011-06-24", members: 436, youth: 472, cadres: 12,
		partyBranches: []partyBranch{teachers(1, "2011-11-30"), students(1, "2015-10-13")},
		majors:        []major{{"en", "英语", 1}, {"be", "商英", 1}, {"jp", "日语", 1}}},
	{key: "civil", name: "建筑工程学院", founded: "2012-06-29", members: 618, youth: 664, cadres: 15,
		partyBranches: []partyBranch{teachers(1, "2012-12-18"), students(1, "2016-06-07")},
		majors:        []major{{"ce", "土木", 2}, {"cm", "工程造价", 1}}},
}

// School returns the demo school's whole organization tree; a new tree on every call.
func School() Org {
	var members, youth, cadres int
	var cs []Org
	for _, c := range colleges {
		cs = append(cs, collegeOrg(c))
		members, youth, cadres = members+c.members, youth+c.youth, cadres+c.cadres
	}
	school := Org{Key: keySchool, Kind: "school", Name: schoolName, Founded: "2002-06-18",
		LeagueMembers: members, YouthUnder28: youth, LeagueCadres: cadres + 9,
		Children: []Org{
			{Key: keyDangwei, Kind: "party_committee", Name: "党委", Founded: "2002-09-01",
				Children: []Org{
					{Key: keyZuzhibu, Kind: "department", Name: "党委组织部", Founded: "2002-09-01"},
				}},
			{Key: keyTuanwei, Kind: "league_committee", Name: "校团委", Founded: "2002-10-15",
				LeagueMembers: members, YouthUnder28: youth, LeagueCadres: cadres + 9},
			{Key: keyGuangongwei, Kind: "care_committee", Name: "校关工委", Founded: "2008-05-04"},
		},
	}
	school.Children = append(school.Children, cs...)
	return school
}

// collegeOrg builds a college with its 党总支, 团总支 and 关工委.
func collegeOrg(c college) Org {
	party := Org{Key: keyOf(c.key, partParty), Kind: "party_general_branch", Name: c.name + "党总支", Founded: c.founded}
	for _, b := range c.partyBranches {
		party.Children = append(party.Children, partyBranchOrg(c, b))
	}
	league := Org{Key: keyOf(c.key, partLeague), Kind: "league_general_branch", Name: c.name + "团总支", Founded: c.founded,
		LeagueMembers: c.members, YouthUnder28: c.youth, LeagueCadres: c.cadres}
	// Young teachers and counselors form a League branch of their own.
	league.Children = append(league.Children, Org{Key: c.key + "-lb-staff", Kind: "league_branch", Name: c.name + "教工团支部",
		Founded: c.founded, LeagueMembers: 14, YouthUnder28: 19, LeagueCadres: 3})
	for _, m := range c.majors {
		for i := 1; i <= m.classes; i++ {
			league.Children = append(league.Children, classOrg(c.key, m, i))
		}
	}
	return Org{Key: c.key, Kind: "college", Name: c.name, Founded: c.founded,
		LeagueMembers: c.members, YouthUnder28: c.youth, LeagueCadres: c.cadres,
		Children: []Org{
			party,
			league,
			{Key: keyOf(c.key, partCare), Kind: "college_care_committee", Name: c.name + "关工委", Founded: c.founded},
		},
	}
}

var numerals = []string{"", "第一", "第二", "第三", "第四", "第五"}

func partyBranchOrg(c college, b partyBranch) Org {
	who, code := "教工", "t"
	if b.student {
		who, code = "学生", "s"
	}
	return Org{Key: fmt.Sprintf("%s-pb-%s%d", c.key, code, b.n), Kind: "party_branch",
		Name: c.name + who + numerals[b.n] + "党支部", Founded: b.founded}
}

// classKey returns the key of class no. i (from 1) of a major in the college with key
// college: classKey("eng", "me", 2) is "eng-me2302". Its League branch is that key
// followed by "-lb".
func classKey(college, major string, i int) string {
	return fmt.Sprintf("%s-%s%d%02d", college, major, grade, i)
}

// classOrg builds class no. i of a major with its League branch.
func classOrg(collegeKey string, m major, i int) Org {
	key := classKey(collegeKey, m.code, i)
	name := fmt.Sprintf("%s%d%02d班", m.short, grade, i)
	v := 0 // varies the figures from class to class, the same on every run
	for _, b := range []byte(key) {
		v += int(b)
	}
	members := 32 + v%17       // 32..48
	youth := members + 1 + v%6 // all under 28; a few are not League members
	cadres := 3 + v%3
	return Org{Key: key, Kind: "class", Name: name, Founded: classFounded,
		LeagueMembers: members, YouthUnder28: youth, LeagueCadres: cadres,
		Children: []Org{{Key: key + "-lb", Kind: "league_branch", Name: strings.TrimSuffix(name, "班") + "班团支部", Founded: classBranchDay,
			LeagueMembers: members, YouthUnder28: youth, LeagueCadres: cadres}},
	}
}

// People returns the demo accounts (README, "Demo accounts").
func People() []Person {
	econLeague, econParty := keyOf("econ", partLeague), keyOf("econ", partParty)
	engLeague := keyOf("eng", partLeague)
	return append([]Person{
		{Username: "admin", Phone: "13803710001", Name: "周立新", Summary: "系统管理员 · " + schoolName + " (administrator)",
			HomeOrg: keySchool, Grants: []Grant{{"admin", keySchool}}},
		{Username: "tuanwei", Phone: "13803710002", Name: "李婷", Summary: "项目管理员 · 校团委 (program manager)",
			HomeOrg: keyTuanwei, Grants: []Grant{{"manager", keyTuanwei}}},
		{Username: "zuzhibu", Phone: "13803710003", Name: "张卫东", Summary: "项目管理员 · 党委组织部 (program manager)",
			HomeOrg: keyZuzhibu, Grants: []Grant{{"manager", keyDangwei}}},
		{Username: "guangongwei", Phone: "13803710004", Name: "刘秀兰", Summary: "项目管理员 · 校关工委 (program manager)",
			HomeOrg: keyGuangongwei, Grants: []Grant{{"manager", keyGuangongwei}}},
		{Username: "secretary", Phone: "13803710005", Name: "陈思雨", Summary: "团总支书记 · 经济管理学院团总支 (secretary)",
			HomeOrg: econLeague, Grants: []Grant{{"secretary", econLeague}}},
		{Username: "branchsec", Phone: "13803710006", Name: "赵志刚", Summary: "党支部书记 · 经济管理学院教工第一党支部 (Party branch secretary)",
			HomeOrg: "econ-pb-t1", Grants: []Grant{{"secretary", "econ-pb-t1"}}},
		{Username: "endorser-league", Phone: "13803710007", Name: "孙丽娜", Summary: "单位团组织意见 · 经济管理学院团总支 (League endorser)",
			HomeOrg: econLeague, Grants: []Grant{{"endorser", econLeague}}},
		{Username: "endorser-party", Phone: "13803710008", Name: "黄振华", Summary: "单位党组织意见 · 经济管理学院党总支 (Party endorser)",
			HomeOrg: econParty, Grants: []Grant{{"endorser", econParty}}},
		{Username: "counselor", Phone: "13803710009", Name: "马晓燕", Summary: "辅导员 · 工学院机械、电气班级 (counselor)",
			HomeOrg: "eng", Grants: []Grant{
				{"counselor", classKey("eng", "me", 1)},
				{"counselor", classKey("eng", "me", 2)},
				{"counselor", classKey("eng", "me", 3)},
				{"counselor", classKey("eng", "ee", 1)},
			}},
		{Username: "supervisor", Phone: "13803710010", Name: "郭晨阳", Summary: "督导组 · 工学院团总支 (supervision team)",
			HomeOrg: engLeague, Grants: []Grant{{"supervisor", engLeague}}},
		{Username: "reviewer1", Phone: "13803710011", Name: "杨光明", Summary: "评审专家 · 党委组织部 (reviewer)",
			HomeOrg: keyZuzhibu, Grants: []Grant{{"reviewer", keySchool}}},
		{Username: "reviewer2", Phone: "13803710012", Name: "何静", Summary: "评审专家 · 校团委 (reviewer)",
			HomeOrg: keyTuanwei, Grants: []Grant{{"reviewer", keySchool}}},
		{Username: "reviewer3", Phone: "13803710013", Name: "吴国强", Summary: "评审专家 · 信息工程学院 (reviewer)",
			HomeOrg: "info", Grants: []Grant{{"reviewer", keySchool}}},
		{Username: "leader", Phone: "13803710014", Name: "郑永春", Summary: "校领导 · " + schoolName + " (school leader, read-only)",
			HomeOrg: keyDangwei, Grants: []Grant{{"viewer", keySchool}}},
		{Username: "gongtuan", Phone: "13803710015", Name: "王海涛", Summary: "项目管理员 · 工学院团总支“焦裕禄班” (program manager)",
			HomeOrg: engLeague, Grants: []Grant{{"manager", engLeague}}},
		{Username: "classsec", Phone: "13803710016", Name: "林佳怡", Summary: "团支部书记 · 工学院机械2301班 (class secretary)",
			HomeOrg: classKey("eng", "me", 1), Grants: []Grant{{"secretary", classKey("eng", "me", 1)}}},
	}, planPeople()...)
}
