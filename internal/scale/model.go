package scale

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"sort"
	"time"

	"github.com/campusorg/portal/internal/portal"
)

// The world is built in memory (organizations, people, programs, applications,
// rounds, projects: at most a few hundred thousand small records), then streamed
// into COPY together with the large tables (review sheets, ledger entries, audit
// events), whose rows are derived from it row by row and never held at once.

type org struct {
	parent  int // index, -1 for the root
	path    string
	kind    string
	name    string
	code    string
	founded time.Time
	members int32
	youth   int32
	cadres  int32
	college int // index into world.colleges, -1 outside colleges
	school  int // index into world.schools, -1 for the province
}

type collegeT struct {
	org, pgb, lgb, ccc int
	school             int
	partyBranches      []int
	leagueBranches     []int // under the general branch
	classes            []int
	classBranches      []int // the League branch of each class
	counselors         []int // users
	lgbEndorser        int
	pgbEndorser        int
}

type schoolT struct {
	org, party, league, care int
	depts                    []int
	colleges                 []int // into world.colleges
	managers                 []int // users with manager on the league committee
	partyManager             int
	reviewers                []int
	supervisors              []int
	leagueEndorser           int
	partyEndorser            int
}

type user struct {
	name     string
	username string
	home     int
}

type grant struct {
	user int
	role string
	org  int
}

type program struct {
	owner, scope int
	year         int
	title        string
	kind         string
	batch        string
	status       string
	banMonths    int
	endorsements []string
	expected     []string
	description  string
	school       int // -1: province-wide
	tracks       []int
	themes       []int
	phases       [][3]any // kind, starts, ends
	implStart    time.Time
	implEnd      time.Time
	open         bool
}

type track struct {
	program  int
	name     string
	position int
	quota    int
	grant    int64
	cycle    int
	eligible []string
	maxPer   int
}

type theme struct {
	program int
	name    string
	pos     int
}

type app struct {
	program, track, theme int
	org                   int
	author                int
	status                string
	title                 string
	content               []byte
	budget                int64
	leader                string
	endorsers             []int
	step                  int
	versions              int
	version               int
	created, updated      time.Time
	submitted             time.Time
	project               int
}

type roundT struct {
	program   int
	stage     string
	title     string
	starts    time.Time
	ends      time.Time
	status    string
	rubric    []byte
	criteria  int
	perItem   int
	published time.Time
	pool      []int
	items     []itemT
	firstItem int // id of its first item - 1
	firstSh   int // id of its first sheet - 1
}

type itemT struct {
	app      int
	track    int
	position int
	code     string
}

type projectT struct {
	app        int
	status     string
	starts     time.Time
	ends       time.Time
	round      int
	counselor  int // user, -1
	supervisor int // user
	milestones int // count
	firstMs    int // id of its first milestone - 1
	ledger     int // entries
	decided    time.Time
}

type world struct {
	sc       Scale
	seed     uint64
	today    time.Time
	first    int // first year
	last     int // last (current) year
	orgs     []org
	schools  []schoolT
	colleges []collegeT
	users    []user
	grants   []grant
	programs []program
	tracks   []track
	themes   []theme
	apps     []app
	rounds   []roundT
	projects []projectT
	// Province-level people and the bench accounts.
	provinceManagers  []int
	provinceReviewers []int
	provinceEndorser  int
	bench             map[string]int
	ledgerTotal       int
	hash              string
}

// Bench accounts: well-known people the benchmark signs in as (password Password).
const (
	BenchManager    = "bench.manager"    // manager of the province-wide programs
	BenchSecretary  = "bench.secretary"  // secretary of one class League branch (the typical home page)
	BenchFiler      = "bench.filer"      // secretary of a whole school, owner of the upload drafts
	BenchReviewer   = "bench.reviewer"   // reviewer in the province round being scored
	BenchCounselor  = "bench.counselor"  // counselor of a college with running projects
	BenchSupervisor = "bench.supervisor" // supervisor of the first school
	BenchAdmin      = "bench.admin"      // administrator of the province
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// mix is splitmix64 over a few numbers: a random value that depends only on its
// inputs, so that streamed rows are the same whatever order they are made in.
func mix(xs ...uint64) uint64 {
	var z uint64 = 0x9E3779B97F4A7C15
	for _, x := range xs {
		z ^= x + 0x9E3779B97F4A7C15 + (z << 6) + (z >> 2)
		z += 0x9E3779B97F4A7C15
		z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
		z = (z ^ (z >> 27)) * 0x94D049BB133111EB
		z ^= z >> 31
	}
	return z
}

func (w *world) rng(stream uint64) *rand.Rand {
	return rand.New(rand.NewPCG(w.seed, stream))
}

func (w *world) addOrg(parent int, kind, name, code string, founded time.Time, r *rand.Rand, school, college int) int {
	id := len(w.orgs) + 1
	path := portal.PathOf("", int64(id))
	if parent >= 0 {
		path = portal.PathOf(w.orgs[parent].path, int64(id))
	}
	o := org{parent: parent, path: path, kind: kind, name: name, code: code, founded: founded, school: school, college: college}
	switch kind {
	case "league_branch", "class":
		o.youth = int32(25 + r.IntN(30))
		o.members = o.youth * int32(70+r.IntN(30)) / 100
		o.cadres = int32(3 + r.IntN(5))
	case "league_general_branch", "college":
		o.youth = int32(600 + r.IntN(1500))
		o.members = o.youth * int32(70+r.IntN(30)) / 100
		o.cadres = int32(20 + r.IntN(40))
	}
	w.orgs = append(w.orgs, o)
	return len(w.orgs) - 1
}

func (w *world) addUser(name, pinyin string, home int) int {
	id := len(w.users) + 1
	w.users = append(w.users, user{name: name, username: fmt.Sprintf("%s%07d", pinyin, id), home: home})
	return id - 1
}

func (w *world) addNamedUser(r *rand.Rand, home int) int {
	han, py := personName(r.Uint64(), r.Uint64(), r.Uint64())
	return w.addUser(han, py, home)
}

func (w *world) grant(u int, role string, o int) { w.grants = append(w.grants, grant{u, role, o}) }

// buildOrgs makes the province: a root League committee (团省委学校部, which runs the
// province-wide programs) over the schools, each with its committees, offices and
// colleges, and in each college the Party and League general branches with their
// branches, the care committee and the classes with their League branches.
func (w *world) buildOrgs() {
	r := w.rng(1)
	root := w.addOrg(-1, "league_committee", "共青团河南省委员会学校部", "province", day(1950, 5, 4), r, -1, -1)
	_ = root
	for s := 0; s < w.sc.Schools; s++ {
		founded := day(1950+r.IntN(60), time.Month(1+r.IntN(12)), 1+r.IntN(28))
		sch := schoolT{}
		sch.org = w.addOrg(0, "school", schoolName(s), fmt.Sprintf("s%03d", s+1), founded, r, s, -1)
		sch.party = w.addOrg(sch.org, "party_committee", "党委", "", founded, r, s, -1)
		for _, d := range partyDepartments {
			sch.depts = append(sch.depts, w.addOrg(sch.party, "department", d, "", founded, r, s, -1))
		}
		sch.league = w.addOrg(sch.org, "league_committee", "校团委", "", founded, r, s, -1)
		for _, d := range leagueDepartments {
			sch.depts = append(sch.depts, w.addOrg(sch.league, "department", d, "", founded, r, s, -1))
		}
		sch.care = w.addOrg(sch.org, "care_committee", "关工委", "", founded, r, s, -1)
		for _, d := range schoolDepartments {
			sch.depts = append(sch.depts, w.addOrg(sch.org, "department", d, "", founded, r, s, -1))
		}
		for c := 0; c < w.sc.Colleges; c++ {
			ci := len(w.colleges)
			name := collegeName(s, c)
			cf := founded.AddDate(r.IntN(40), 0, 0)
			if cf.After(w.today.AddDate(-3, 0, 0)) {
				cf = w.today.AddDate(-3-r.IntN(5), 0, 0)
			}
			col := collegeT{school: s}
			col.org = w.addOrg(sch.org, "college", name, fmt.Sprintf("s%03d-c%02d", s+1, c+1), cf, r, s, ci)
			col.pgb = w.addOrg(col.org, "party_general_branch", name+"党委", "", cf, r, s, ci)
			for b := 0; b < w.sc.PartyBranches; b++ {
				col.partyBranches = append(col.partyBranches, w.addOrg(col.pgb, "party_branch", partyBranchNames[b%len(partyBranchNames)]+suffixN(b, len(partyBranchNames)), "", cf, r, s, ci))
			}
			col.lgb = w.addOrg(col.org, "league_general_branch", name+"团委", "", cf, r, s, ci)
			for b := 0; b < w.sc.LeagueBranches; b++ {
				col.leagueBranches = append(col.leagueBranches, w.addOrg(col.lgb, "league_branch", leagueBranchNames[b%len(leagueBranchNames)]+suffixN(b, len(leagueBranchNames)), "", cf, r, s, ci))
			}
			col.ccc = w.addOrg(col.org, "college_care_committee", name+"关工委", "", cf, r, s, ci)
			major := majorShort(name)
			for k := 0; k < w.sc.Classes; k++ {
				// Four intakes, several classes each, the newest founded last September.
				intake := w.last - k%4
				if w.today.Month() < time.September {
					intake--
				}
				cname := fmt.Sprintf("%s%d级%d班", major, intake, k/4+1)
				cl := w.addOrg(col.org, "class", cname, "", day(intake, 9, 1), r, s, ci)
				col.classes = append(col.classes, cl)
				col.classBranches = append(col.classBranches, w.addOrg(cl, "league_branch", cname+"团支部", "", day(intake, 9, 15), r, s, ci))
			}
			w.colleges = append(w.colleges, col)
			sch.colleges = append(sch.colleges, ci)
		}
		w.schools = append(w.schools, sch)
	}
}

func suffixN(i, n int) string {
	if i < n {
		return ""
	}
	return fmt.Sprintf("(%d)", i/n+1)
}

// buildPeople makes the accounts: the bench accounts, the province office, and in
// every school its administrator, leaders, managers, endorsers, reviewers,
// supervisors, counselors and secretaries, then students and teachers up to the
// scale's number of people.
func (w *world) buildPeople() {
	r := w.rng(2)
	w.bench = map[string]int{}
	root := 0
	for _, b := range []struct{ username, name string }{
		{BenchManager, "省团委学校部 管理员"}, {BenchAdmin, "平台管理员"}, {BenchSecretary, "团支书 测试"},
		{BenchFiler, "校团委 组织部"}, {BenchReviewer, "评审专家 测试"}, {BenchCounselor, "辅导员 测试"},
		{BenchSupervisor, "督导组 测试"},
	} {
		id := len(w.users) + 1
		w.users = append(w.users, user{name: b.name, username: b.username, home: root})
		w.bench[b.username] = id - 1
	}
	w.grant(w.bench[BenchManager], "manager", root)
	w.grant(w.bench[BenchAdmin], "admin", root)
	w.grant(w.bench[BenchReviewer], "reviewer", root)
	for i := 0; i < 2; i++ {
		w.grant(w.addNamedUser(r, root), "admin", root)
	}
	for i := 0; i < 8; i++ {
		u := w.addNamedUser(r, root)
		w.grant(u, "manager", root)
		w.provinceManagers = append(w.provinceManagers, u)
	}
	w.provinceManagers = append(w.provinceManagers, w.bench[BenchManager])
	w.provinceEndorser = w.addNamedUser(r, root)
	w.grant(w.provinceEndorser, "viewer", root)

	perSchool := (w.sc.Users - len(w.users) + w.sc.Schools - 1) / max(1, w.sc.Schools)
	for s := range w.schools {
		sch := &w.schools[s]
		start := len(w.users)
		w.grant(w.addNamedUser(r, sch.org), "admin", sch.org)
		w.grant(w.addNamedUser(r, sch.org), "viewer", sch.org)
		for i := 0; i < 2; i++ {
			u := w.addNamedUser(r, sch.league)
			w.grant(u, "manager", sch.league)
			sch.managers = append(sch.managers, u)
		}
		sch.partyManager = w.addNamedUser(r, sch.party)
		w.grant(sch.partyManager, "manager", sch.party)
		sch.leagueEndorser = w.addNamedUser(r, sch.league)
		w.grant(sch.leagueEndorser, "endorser", sch.league)
		sch.partyEndorser = w.addNamedUser(r, sch.party)
		w.grant(sch.partyEndorser, "endorser", sch.party)
		for i := 0; i < w.sc.SchoolReviewers; i++ {
			u := w.addNamedUser(r, sch.depts[i%len(sch.depts)])
			w.grant(u, "reviewer", sch.org)
			sch.reviewers = append(sch.reviewers, u)
			if i < w.sc.ProvinceReviewersPerSchool {
				w.grant(u, "reviewer", 0)
				w.provinceReviewers = append(w.provinceReviewers, u)
			}
		}
		for i := 0; i < 3; i++ {
			u := w.addNamedUser(r, sch.league)
			w.grant(u, "supervisor", sch.org)
			sch.supervisors = append(sch.supervisors, u)
		}
		for _, ci := range sch.colleges {
			c := &w.colleges[ci]
			for i := 0; i < 2; i++ {
				u := w.addNamedUser(r, c.org)
				w.grant(u, "counselor", c.org)
				c.counselors = append(c.counselors, u)
			}
			c.lgbEndorser = w.addNamedUser(r, c.lgb)
			w.grant(c.lgbEndorser, "endorser", c.lgb)
			c.pgbEndorser = w.addNamedUser(r, c.pgb)
			w.grant(c.pgbEndorser, "endorser", c.pgb)
			for _, o := range append(append([]int{c.lgb, c.pgb}, c.partyBranches...), c.leagueBranches...) {
				w.grant(w.addNamedUser(r, o), "secretary", o)
			}
			for _, o := range c.classes {
				w.grant(w.addNamedUser(r, o), "secretary", o)
			}
		}
		// Students and teachers without roles fill the school up.
		homes := []int{}
		for _, ci := range sch.colleges {
			homes = append(homes, w.colleges[ci].classBranches...)
			homes = append(homes, w.colleges[ci].org)
		}
		for len(w.users)-start < perSchool {
			w.addNamedUser(r, homes[r.IntN(len(homes))])
		}
	}
	// The bench accounts' grants in the first school.
	sch := w.schools[0]
	col := w.colleges[sch.colleges[0]]
	w.users[w.bench[BenchSecretary]].home = col.classBranches[0]
	w.grant(w.bench[BenchSecretary], "secretary", col.classes[0])
	w.users[w.bench[BenchFiler]].home = sch.league
	w.grant(w.bench[BenchFiler], "secretary", sch.org)
	w.users[w.bench[BenchCounselor]].home = col.org
	w.grant(w.bench[BenchCounselor], "counselor", col.org)
	w.colleges[sch.colleges[0]].counselors = append(w.colleges[sch.colleges[0]].counselors, w.bench[BenchCounselor])
	w.users[w.bench[BenchSupervisor]].home = sch.league
	w.grant(w.bench[BenchSupervisor], "supervisor", sch.org)
	w.schools[0].supervisors = append(w.schools[0].supervisors, w.bench[BenchSupervisor])
	w.provinceReviewers = append(w.provinceReviewers, w.bench[BenchReviewer])
	// The secretaries of each organization, for authorship.
}

// secretaries returns, for each organization, the person who files for it: the
// holder of a secretary grant on it, else on its nearest ancestor that has one
// (a class's secretary files for the class's League branch); -1 when none.
func (w *world) secretaries() []int {
	own := make([]int, len(w.orgs))
	for i := range own {
		own[i] = -1
	}
	for _, g := range w.grants {
		if g.role == "secretary" && own[g.org] < 0 && w.users[g.user].username != BenchFiler {
			own[g.org] = g.user
		}
	}
	out := make([]int, len(w.orgs))
	for i := range w.orgs { // parents come before children
		out[i] = own[i]
		if out[i] < 0 && w.orgs[i].parent >= 0 {
			out[i] = out[w.orgs[i].parent]
		}
	}
	return out
}

var rubricCriteria = [][2]any{
	{"项目设计与创新性", 30.0}, {"实施方案可行性", 25.0}, {"育人实效与覆盖面", 25.0}, {"经费预算合理性", 20.0},
}

func rubricJSON() []byte {
	rb := portal.Rubric{PassAt: 60, ExcellentAt: 90}
	for i, c := range rubricCriteria {
		rb.Criteria = append(rb.Criteria, portal.Criterion{Key: fmt.Sprintf("c%d", i+1), Name: c[0].(string), Max: c[1].(float64), Weight: 1})
	}
	b, _ := json.Marshal(rb)
	return b
}

// buildPrograms makes, for every year, three programs per school (一团一品,
// 对标争先 and 焦裕禄班-style class creation) and one province-wide program (活力团支部).
func (w *world) buildPrograms() {
	for y := w.first; y <= w.last; y++ {
		for s := range w.schools {
			sch := w.schools[s]
			for _, kind := range []string{"league_brand", "party_benchmark", "class_creation"} {
				p := program{scope: sch.org, year: y, kind: kind, school: s, banMonths: 12}
				p.phases, p.implStart, p.implEnd = schoolPhases(y)
				switch kind {
				case "league_brand":
					p.owner, p.title = sch.league, fmt.Sprintf("%d年度“一团一品”校园文化品牌项目", y)
					p.endorsements, p.expected = []string{"party_general_branch"}, []string{"league_general_branch"}
				case "party_benchmark":
					p.owner, p.title = sch.party, fmt.Sprintf("%d年度基层党建“对标争先”建设计划", y)
					p.endorsements, p.banMonths = []string{"party_committee"}, 24
				case "class_creation":
					p.owner, p.title = sch.league, fmt.Sprintf("%d年度“焦裕禄班”创建活动", y)
					p.endorsements = []string{"league_general_branch", "party_general_branch"}
				}
				p.description = "依据学校年度工作要点,面向全校基层组织开展项目申报、评审立项、过程管理与验收。"
				switch {
				case y == w.last && kind == "class_creation":
					// Open now: the second batch takes applications.
					p.status, p.open, p.batch = "open", true, "第二批"
					p.phases = openPhases(w.today)
				case y >= w.last-1:
					p.status = "closed"
				default:
					p.status = "archived"
				}
				w.addProgram(p)
			}
		}
		p := program{owner: 0, scope: 0, year: y, kind: "other", school: -1, banMonths: 12,
			title:        fmt.Sprintf("%d年全省高校“活力团支部”创建活动", y),
			description:  "面向全省高校团支部和班级开展“活力团支部”“示范班级”创建,经学校推荐、专家评审确定创建单位。",
			endorsements: []string{"league_general_branch", "league_committee"}}
		p.phases, p.implStart, p.implEnd = provincePhases(y)
		switch {
		case y == w.last:
			p.status = "closed" // in review
		case y == w.last-1:
			p.status = "closed"
		default:
			p.status = "archived"
		}
		w.addProgram(p)
	}
}

func schoolPhases(y int) ([][3]any, time.Time, time.Time) {
	return [][3]any{
		{"application", day(y, 3, 1), day(y, 4, 15)},
		{"approval", day(y, 4, 16), day(y, 5, 31)},
		{"implementation", day(y, 6, 1), day(y+1, 5, 31)},
		{"midterm", day(y, 12, 1), day(y, 12, 31)},
		{"final", day(y+1, 5, 1), day(y+1, 5, 31)},
		{"publication", day(y, 6, 1), day(y, 6, 7)},
	}, day(y, 6, 1), day(y+1, 5, 31)
}

func provincePhases(y int) ([][3]any, time.Time, time.Time) {
	return [][3]any{
		{"application", day(y, 9, 1), day(y, 10, 31)},
		{"approval", day(y, 11, 1), day(y, 12, 15)},
		{"implementation", day(y+1, 1, 1), day(y+1, 12, 31)},
		{"midterm", day(y+1, 6, 1), day(y+1, 6, 30)},
		{"final", day(y+1, 12, 1), day(y+1, 12, 31)},
		{"publication", day(y, 12, 16), day(y, 12, 22)},
	}, day(y+1, 1, 1), day(y+1, 12, 31)
}

func openPhases(today time.Time) [][3]any {
	return [][3]any{
		{"application", today.AddDate(0, 0, -20), today.AddDate(0, 0, 30)},
		{"approval", today.AddDate(0, 0, 31), today.AddDate(0, 0, 60)},
		{"implementation", today.AddDate(0, 0, 61), today.AddDate(1, 0, 60)},
	}
}

func (w *world) addProgram(p program) {
	pi := len(w.programs)
	type td struct {
		name     string
		eligible []string
		grant    int64
		quota    int
		maxPer   int
	}
	var tds []td
	switch p.kind {
	case "league_brand":
		tds = []td{{"重点培育项目", []string{"league_general_branch"}, 5000, 3, 2}, {"一般培育项目", []string{"league_general_branch"}, 2000, 6, 2}}
	case "party_benchmark":
		tds = []td{{"样板支部", []string{"party_branch"}, 10000, 4, 1}, {"标杆院部", []string{"party_general_branch"}, 30000, 2, 1}}
	case "class_creation":
		tds = []td{{"焦裕禄班", []string{"class"}, 3000, 10, 2}, {"示范团支部", []string{"league_branch"}, 2000, 10, 2}}
	default:
		tds = []td{{"活力团支部", []string{"league_branch"}, 2000, 500, 1}, {"示范班级", []string{"class"}, 2000, 300, 1}}
	}
	for i, t := range tds {
		p.tracks = append(p.tracks, len(w.tracks))
		w.tracks = append(w.tracks, track{program: pi, name: t.name, position: i, quota: t.quota, grant: t.grant, cycle: 12,
			eligible: t.eligible, maxPer: t.maxPer})
	}
	for i, name := range themesByKind[p.kind] {
		p.themes = append(p.themes, len(w.themes))
		w.themes = append(w.themes, theme{program: pi, name: name, pos: i})
	}
	w.programs = append(w.programs, p)
}

// eligibleOrgs returns the organizations of a program's scope that may file to a track.
func (w *world) eligibleOrgs(p program, t track) []int {
	var out []int
	add := func(cols []int) {
		for _, ci := range cols {
			c := w.colleges[ci]
			for _, k := range t.eligible {
				switch k {
				case "league_general_branch":
					out = append(out, c.lgb)
				case "party_general_branch":
					out = append(out, c.pgb)
				case "party_branch":
					out = append(out, c.partyBranches...)
				case "class":
					out = append(out, c.classes...)
				case "league_branch":
					out = append(out, c.classBranches...)
					out = append(out, c.leagueBranches...)
				}
			}
		}
	}
	if p.school >= 0 {
		add(w.schools[p.school].colleges)
	} else {
		all := make([]int, len(w.colleges))
		for i := range all {
			all[i] = i
		}
		add(all)
	}
	return out
}

// endorsersOf resolves a program's endorsement chain for an applicant the way the
// store does: for each kind, the organization of that kind among the applicant's
// ancestors and their children.
func (w *world) endorsersOf(p program, o int) []int {
	var out []int
	org := w.orgs[o]
	for _, k := range p.endorsements {
		switch {
		case k == "league_general_branch" && org.college >= 0:
			out = append(out, w.colleges[org.college].lgb)
		case k == "party_general_branch" && org.college >= 0:
			out = append(out, w.colleges[org.college].pgb)
		case k == "league_committee" && org.school >= 0:
			out = append(out, w.schools[org.school].league)
		case k == "party_committee" && org.school >= 0:
			out = append(out, w.schools[org.school].party)
		}
	}
	return out
}

// buildApplications files the applications of every program: the past years' decided
// (approved or rejected, a few withdrawn), the province's current call under review
// (received, a few still being endorsed or returned), and the open call's drafts.
func (w *world) buildApplications() {
	r := w.rng(3)
	secs := w.secretaries()
	for pi := range w.programs {
		p := w.programs[pi]
		var n int
		switch {
		case p.school >= 0 && p.open:
			n = w.sc.SchoolApps / 2
		case p.school >= 0:
			n = w.sc.SchoolApps
		case p.year == w.last:
			n = w.sc.ProvinceApps
		default:
			n = w.sc.ProvincePastApps
		}
		// Spread the applications over the tracks' eligible organizations, each at
		// most maxPer times per track.
		type slot struct{ track, org int }
		var slots []slot
		for _, ti := range p.tracks {
			t := w.tracks[ti]
			orgs := w.eligibleOrgs(p, t)
			for k := 0; k < t.maxPer; k++ {
				for _, o := range orgs {
					slots = append(slots, slot{ti, o})
				}
			}
		}
		r.Shuffle(len(slots), func(i, j int) { slots[i], slots[j] = slots[j], slots[i] })
		if n > len(slots) {
			n = len(slots)
		}
		slots = slots[:n]
		// Applications are filed in time order; ids follow.
		appStart := p.phases[0][1].(time.Time)
		appEnd := p.phases[0][2].(time.Time)
		if p.open {
			appEnd = w.today
		}
		span := int(appEnd.Sub(appStart).Hours()/24) + 1
		type filed struct {
			slot
			at time.Time
		}
		fs := make([]filed, len(slots))
		for i, s := range slots {
			fs[i] = filed{s, appStart.AddDate(0, 0, r.IntN(span)).Add(time.Duration(r.IntN(12*3600)) * time.Second)}
		}
		sort.SliceStable(fs, func(i, j int) bool { return fs[i].at.Before(fs[j].at) })
		for _, f := range fs {
			a := app{program: pi, track: f.track, org: f.org, theme: -1, project: -1, created: f.at}
			if len(p.themes) > 0 {
				a.theme = p.themes[r.IntN(len(p.themes))]
			}
			a.author = secs[f.org]
			if a.author < 0 { // no secretary above it: the school's League committee files
				a.author = w.schools[max(0, w.orgs[f.org].school)].managers[0]
			}
			a.endorsers = w.endorsersOf(p, f.org)
			x := r.IntN(100)
			switch {
			case p.open:
				switch {
				case x < 45:
					a.status = "draft"
				case x < 65:
					a.status = "endorsing"
				case x < 90:
					a.status = "submitted"
				default:
					a.status = "returned"
				}
			case p.school < 0 && p.year == w.last:
				switch {
				case x < 88:
					a.status = "received"
				case x < 92:
					a.status = "submitted"
				case x < 95:
					a.status = "endorsing"
				case x < 97:
					a.status = "returned"
				case x < 98:
					a.status = "draft"
				default:
					a.status = "withdrawn"
				}
			default:
				approveShare := 45
				if p.school < 0 {
					approveShare = 30
				}
				switch {
				case x < approveShare:
					a.status = "approved"
				case x < 95:
					a.status = "rejected"
				default:
					a.status = "withdrawn"
				}
			}
			w.fillApp(&a, r)
			w.apps = append(w.apps, a)
		}
	}
	// The drafts the benchmark uploads files to: the filer's, in the first school's
	// open call, on the first school's classes.
	var open = -1
	for pi, p := range w.programs {
		if p.open && p.school == 0 {
			open = pi
			break
		}
	}
	if open >= 0 && w.sc.BenchDrafts > 0 {
		p := w.programs[open]
		orgs := []int{}
		for _, ci := range w.schools[0].colleges {
			orgs = append(orgs, w.colleges[ci].classes...)
		}
		for i := 0; i < w.sc.BenchDrafts; i++ {
			a := app{program: open, track: p.tracks[0], theme: p.themes[0], org: orgs[i%len(orgs)], author: w.bench[BenchFiler],
				status: "draft", project: -1, created: w.today.AddDate(0, 0, -1-r.IntN(10)).Add(10 * time.Hour)}
			a.endorsers = w.endorsersOf(p, a.org)
			w.fillApp(&a, r)
			w.apps = append(w.apps, a)
		}
	}
}

// fillApp writes an application's form and its dates from its status.
func (w *world) fillApp(a *app, r *rand.Rand) {
	p := w.programs[a.program]
	o := w.orgs[a.org]
	title := projectWords[r.IntN(len(projectWords))] + projectWords[r.IntN(len(projectWords))] + projectTails[r.IntN(len(projectTails))]
	if a.theme >= 0 && r.IntN(2) == 0 {
		title = w.themes[a.theme].name + "·" + title
	}
	a.title = title
	leader, _ := personName(r.Uint64(), r.Uint64(), r.Uint64())
	a.leader = leader
	c := portal.AppContent{
		Title:  title,
		Leader: portal.Leader{Name: leader, Post: "团支部书记", Phone: fmt.Sprintf("139%08d", r.IntN(100000000)), Political: "共青团员"},
		Purpose: "以习近平新时代中国特色社会主义思想为指导,围绕立德树人根本任务,依托" + o.name +
			"组织优势,打造特色鲜明、成效显著的育人品牌。",
		Content:      "开展主题教育、志愿服务、社会实践等系列活动,每月至少一次集中活动,形成常态化工作机制。",
		Form:         "线上线下相结合,理论学习与实践锻炼相结合。",
		Features:     "聚焦青年学生成长需求,注重朋辈引领与实践育人。",
		Safeguards:   "成立项目工作小组,明确分工,建立工作台账,定期总结。",
		Expected:     "形成一批可复制、可推广的工作案例,参与学生覆盖率达到90%以上。",
		Difficulties: "活动时间与课程安排冲突;通过提前规划、错峰安排解决。",
	}
	start := w.programs[a.program].implStart
	for k := 0; k < 3; k++ {
		c.Steps = append(c.Steps, portal.PlanStep{On: start.AddDate(0, 3*k, 0).Format(time.DateOnly), What: []string{"启动部署", "全面推进", "总结提升"}[k]})
	}
	items := []string{"活动材料费", "宣传制作费", "交通费"}
	for _, it := range items {
		cents := int64(20000+r.IntN(200000)) / 100 * 100
		c.Budget = append(c.Budget, portal.BudgetLine{Item: it, Cents: cents})
		a.budget += cents
	}
	if a.theme >= 0 {
		c.ThemeID = int64(a.theme + 1)
	}
	if a.status != "draft" {
		c.Figures = portal.Figures{LeagueMembers: int(o.members), YouthUnder28: int(o.youth), LeagueCadres: int(o.cadres)}
	}
	a.content, _ = json.Marshal(c)
	a.updated = a.created
	a.version = 2
	if a.status == "draft" {
		return
	}
	a.versions = 1
	a.version = 3
	sent := a.created.Add(time.Duration(1+r.IntN(72)) * time.Hour)
	a.updated = sent
	switch a.status {
	case "endorsing":
		a.step = r.IntN(max(1, len(a.endorsers)))
	case "returned":
		a.step = 0
		a.version++
	default:
		a.step = len(a.endorsers)
		a.version += len(a.endorsers)
		a.submitted = sent.Add(time.Duration(len(a.endorsers)*(2+r.IntN(48))) * time.Hour)
		a.updated = a.submitted
		if a.status != "submitted" {
			a.version++
			a.updated = a.submitted.Add(time.Duration(1+r.IntN(72)) * time.Hour)
		}
	}
	if ap := p.phases[1][2].(time.Time); (a.status == "approved" || a.status == "rejected") && ap.Before(w.today) {
		a.updated = ap.Add(10 * time.Hour)
		a.version++
	}
	if a.updated.After(w.today) {
		a.updated = w.today.Add(-time.Hour)
	}
}

// buildRounds makes each program's approval round over its sent applications (final
// and published, except the province's current one, which is being scored) and,
// for programs whose projects have ended, the acceptance round over the projects.
func (w *world) buildRounds() {
	rub := rubricJSON()
	byProgram := make([][]int, len(w.programs))
	for ai, a := range w.apps {
		switch a.status {
		case "received", "submitted", "approved", "rejected":
			byProgram[a.program] = append(byProgram[a.program], ai)
		}
	}
	items, sheets := 0, 0
	for pi, p := range w.programs {
		if p.open || len(byProgram[pi]) == 0 {
			continue
		}
		rd := roundT{program: pi, stage: "approval", rubric: rub, criteria: len(rubricCriteria), perItem: w.sc.ReviewersPerItem,
			title: p.title + " 立项评审"}
		rd.starts, rd.ends = p.phases[1][1].(time.Time), p.phases[1][2].(time.Time)
		if p.school >= 0 {
			rd.pool = w.schools[p.school].reviewers
		} else {
			rd.pool = w.provinceReviewers
		}
		if p.school < 0 && p.year == w.last {
			rd.status = "scoring"
		} else {
			rd.status = "final"
			rd.published = rd.ends.Add(-5*24*time.Hour + 9*time.Hour)
		}
		if rd.perItem > len(rd.pool) {
			rd.perItem = len(rd.pool)
		}
		// Items by track, then id, as the store adds them.
		for ti, t := range p.tracks {
			n := 0
			for _, ai := range byProgram[pi] {
				a := w.apps[ai]
				if a.track != t || a.status == "submitted" && rd.status == "final" {
					continue
				}
				n++
				rd.items = append(rd.items, itemT{app: ai, track: t, position: n, code: portal.BlindCode(ti, n)})
			}
		}
		rd.firstItem, rd.firstSh = items, sheets
		items += len(rd.items)
		sheets += len(rd.items) * rd.perItem
		w.rounds = append(w.rounds, rd)
	}
	// Projects from the approved applications.
	for ri := range w.rounds {
		rd := w.rounds[ri]
		p := w.programs[rd.program]
		for _, it := range rd.items {
			a := &w.apps[it.app]
			if a.status != "approved" {
				continue
			}
			a.project = len(w.projects)
			w.projects = append(w.projects, projectT{app: it.app, status: "running", starts: p.implStart, ends: p.implEnd, round: ri, counselor: -1})
		}
	}
	// Acceptance rounds for programs whose implementation has ended.
	final := map[int][]int{}
	for pj, pr := range w.projects {
		if pr.ends.Before(w.today) {
			pi := w.apps[pr.app].program
			final[pi] = append(final[pi], pj)
		}
	}
	var pis []int
	for pi := range final {
		pis = append(pis, pi)
	}
	sort.Ints(pis)
	r := w.rng(4)
	for _, pi := range pis {
		p := w.programs[pi]
		rd := roundT{program: pi, stage: "final", rubric: rub, criteria: len(rubricCriteria), perItem: min(3, w.sc.ReviewersPerItem),
			title: p.title + " 验收评审", status: "final"}
		fp := p.implEnd
		rd.starts, rd.ends = fp.AddDate(0, 0, -30), fp
		rd.published = fp.AddDate(0, 0, -3).Add(9 * time.Hour)
		if p.school >= 0 {
			rd.pool = w.schools[p.school].reviewers
		} else {
			rd.pool = w.provinceReviewers
		}
		n := 0
		for ti, t := range p.tracks {
			for _, pj := range final[pi] {
				a := w.apps[w.projects[pj].app]
				if a.track != t {
					continue
				}
				n++
				rd.items = append(rd.items, itemT{app: w.projects[pj].app, track: t, position: n, code: portal.BlindCode(ti, n)})
				x := r.IntN(100)
				pr := &w.projects[pj]
				switch {
				case x < 15:
					pr.status = "excellent"
				case x < 85:
					pr.status = "passed"
				case x < 95:
					pr.status = "rectify"
				default:
					pr.status = "failed"
				}
				pr.decided = rd.published
			}
		}
		rd.firstItem, rd.firstSh = items, sheets
		items += len(rd.items)
		sheets += len(rd.items) * rd.perItem
		w.rounds = append(w.rounds, rd)
	}
}

// buildProjects gives projects their people, milestones and a share of the ledger
// entries in proportion to how long they have run.
func (w *world) buildProjects() {
	r := w.rng(5)
	var days []int
	total := 0
	ms := 0
	for pj := range w.projects {
		pr := &w.projects[pj]
		a := w.apps[pr.app]
		o := w.orgs[a.org]
		if o.college >= 0 {
			cs := w.colleges[o.college].counselors
			pr.counselor = cs[r.IntN(len(cs))]
		}
		sup := w.schools[max(0, o.school)].supervisors
		pr.supervisor = sup[r.IntN(len(sup))]
		if w.programs[a.program].kind == "class_creation" {
			pr.milestones = len(checklistTitles)
		} else {
			pr.milestones = 4
		}
		pr.firstMs = ms
		ms += pr.milestones
		end := pr.ends
		if end.After(w.today) {
			end = w.today
		}
		d := int(end.Sub(pr.starts).Hours() / 24)
		if d < 0 {
			d = 0
		}
		days = append(days, d)
		total += d
	}
	w.ledgerTotal = 0
	if total == 0 {
		return
	}
	for pj := range w.projects {
		want := float64(w.sc.Ledger) * float64(days[pj]) / float64(total)
		n := int(want*(0.6+0.8*r.Float64()) + 0.5)
		w.projects[pj].ledger = n
		w.ledgerTotal += n
	}
}

// build makes the whole world.
func (w *world) build() {
	w.buildOrgs()
	w.buildPeople()
	w.buildPrograms()
	w.buildApplications()
	w.buildRounds()
	w.buildProjects()
}
