package demo

// The demo's running and finished projects.
//
// 焦裕禄班 第一批 (seed 000, the closed 2024 program): four classes of 工学院 created
// from April to December 2024 against the ten-item checklist ("十个一"), with a
// creation ledger (创建工作台账) kept by their counselor 马晓燕; the supervision team
// (郭晨阳) verified the entries and recorded daily assessments and phase material
// reviews. Every class finished its ten items and was accepted in January 2025:
// 机械2302班 excellent, its practice marked as a case for the next batches;
// 机械2303班 and 智造2301班 passed; 车辆2301班 was told to rectify its ledger and
// passed on the recheck in April 2025.
//
// 焦裕禄班 第二批 (the 2026 program) is running now: secondbatch.go.
//
// 对标争先 2022 (seed 003): three units with their outcomes and grants; the
// 艺术设计学院 teachers' branch failed its acceptance in December 2024 and is barred
// from Party-building benchmark programs for two years, so it cannot apply to the
// open 2026 call.

// ChecklistItem is one item of a program's checklist template; Month is the month
// of the cycle it is due at the end of.
type ChecklistItem struct {
	Title    string
	Month    int
	Evidence bool
}

// Rules are a program's rules for its projects.
type Rules struct {
	Program            string // a program key
	Manager            string // the username that sets them
	ShowcasePerMonth   int
	LedgerEveryDays    int
	EvidenceRequired   bool
	PayAfterCompletion bool
	LateReports        bool
	Checklist          []ChecklistItem
}

// TenItems is 焦裕禄班's "十个一", built from what seed 000 asks of every class: a
// creation meeting, a creation plan, theme League days, speech and essay contests,
// film showings, study visits to 兰考 and the 焦裕禄纪念馆, volunteer service, subject
// competitions (互联网+, 挑战杯) and the sharing salon, each with its time node.
var TenItems = []ChecklistItem{
	{Title: "一次创建说明班会", Month: 1},
	{Title: "一份创建计划书", Month: 1, Evidence: true},
	{Title: "一次焦裕禄精神主题团日", Month: 2},
	{Title: "一次焦裕禄精神主题演讲", Month: 3},
	{Title: "一次焦裕禄精神主题征文", Month: 4},
	{Title: "一次焦裕禄题材电影观影", Month: 6},
	{Title: "一次参观学习（焦裕禄纪念馆、兰考学院）", Month: 6, Evidence: true},
	{Title: "一次特色志愿服务", Month: 7},
	{Title: "一次学科竞赛（“互联网+”“挑战杯”）", Month: 8},
	{Title: "一次创建经验分享沙龙", Month: 9},
}

// ProjectRules returns the demo programs' project rules.
func ProjectRules() []Rules {
	jiaoyulu := func(program string) Rules {
		return Rules{Program: program, Manager: "gongtuan", LedgerEveryDays: 30, LateReports: true, Checklist: TenItems}
	}
	return []Rules{
		jiaoyulu(ProgramJiaoyulu2024),
		jiaoyulu(ProgramJiaoyulu2026),
		jiaoyulu(ProgramJiaoyuluOpen),
		{Program: ProgramBenchmark2022, Manager: "zuzhibu"},
		{Program: ProgramBenchmarkOpen, Manager: "zuzhibu", ShowcasePerMonth: 1, EvidenceRequired: true},
		{Program: ProgramBrand2021, Manager: "tuanwei", PayAfterCompletion: true},
		{Program: ProgramBrandOpen, Manager: "tuanwei", PayAfterCompletion: true},
	}
}

// Project is a demo project of a closed program: the application it came from
// (entered by Author: the class's secretary where the demo has one, else the
// program's office, from the paper form), its cycle, and what happened during it.
type Project struct {
	Program, Track, Org string // program key, track name, org key
	Author              string
	Title               string
	Starts, Ends        string
	Steps               [][2]string // the plan's dated steps
	Budget              []Budget
	Milestones          []MilestoneDone
	Entries             []Entry
	Supervision         []Supervision
	Report              *Report
	Outcome             *Outcome
	Recheck             *Outcome // the acceptance again after rectification
	Case                *Case
	Payments            []Payment
}

// MilestoneDone completes the milestone of that title on the day, with evidence.
type MilestoneDone struct {
	Title, On, Note string
	Link, File      string
}

// Entry is a ledger entry written by By, then verified or returned by Reviewer
// (Verdict "verify" or "return", with Note).
type Entry struct {
	On, Title, Kind, Place, Description string
	Participants                        int
	By                                  string
	Link, File                          string
	Milestone                           string // the title of the milestone it serves
	Reviewer, Verdict, Note             string
}

// Supervision is a daily assessment (Score) or a phase material review (Result).
type Supervision struct {
	Kind, On    string
	Score       float64
	Result      string
	Title, Note string
	By          string
}

// Report is a final report submitted by By on the day On.
type Report struct {
	By, On           string
	Summary, Results string
	File             string
}

// Outcome is the final acceptance recorded by By on the day On.
type Outcome struct {
	By, On, Outcome, Note, RectifyBy string
}

// Case is good practice marked on the project.
type Case struct{ Title, Summary string }

// Payment is a grant payment; Yuan is a decimal amount.
type Payment struct{ On, Yuan, Note string }

const (
	counselor  = "counselor"
	classSec   = "classsec"
	supervisor = "supervisor"
	gongtuan   = "gongtuan"
)

// jiaoyuluSteps are the dated steps of a class's creation plan (创建计划书).
func jiaoyuluSteps(visit string) [][2]string {
	return [][2]string{
		{"2024-03-25", "班委会讨论确定创建计划"},
		{"2024-05-04", "“五四”青年节焦裕禄精神主题团日"},
		{visit, "赴兰考焦裕禄纪念馆参观学习"},
		{"2024-11-15", "“互联网+”大学生创新创业大赛校赛报名"},
	}
}

var jiaoyuluBudget = []Budget{
	{Item: "参观学习交通费", Yuan: "1200", Note: "往返兰考大巴"},
	{Item: "活动物料及宣传", Yuan: "300", Note: "展板、横幅"},
}

// Projects returns the demo projects; a new list on every call.
func Projects() []Project {
	jyl := func(org, title string) Project {
		return Project{Program: ProgramJiaoyulu2024, Track: "创建班级", Org: org, Author: counselor, Title: title,
			Starts: "2024-04-01", Ends: "2024-12-31", Budget: jiaoyuluBudget}
	}
	me2 := jyl(classKey("eng", "me", 2), "机械2302班“焦裕禄班”创建")
	me2.Steps = jiaoyuluSteps("2024-09-28")
	for i, it := range TenItems {
		on := []string{"2024-04-09", "2024-04-15", "2024-05-04", "2024-06-05", "2024-07-01", "2024-09-13", "2024-09-28",
			"2024-10-19", "2024-11-10", "2024-12-12"}[i]
		md := MilestoneDone{Title: it.Title, On: on}
		if it.Evidence {
			md.File = "机械2302班" + it.Title + ".pdf"
		}
		me2.Milestones = append(me2.Milestones, md)
	}
	for _, st := range me2.Steps[1:] {
		me2.Milestones = append(me2.Milestones, MilestoneDone{Title: st[1], On: st[0]})
	}
	for _, e := range []struct {
		on, title, kind string
		n               int
		link            string
	}{
		{"2024-04-09", "创建说明班会", "theme_meeting", 44, ""},
		{"2024-04-28", "班级学习焦裕禄事迹读书会", "activity", 41, ""},
		{"2024-05-04", "“五四”主题团日：焦桐下的青春", "theme_meeting", 44, "https://mp.weixin.qq.com/s/gxy-2302-54"},
		{"2024-06-05", "焦裕禄精神主题演讲比赛（班级赛）", "activity", 44, ""},
		{"2024-06-28", "期末学风建设主题班会", "theme_meeting", 43, ""},
		{"2024-07-01", "暑期征文“我心中的焦裕禄”", "activity", 30, ""},
		{"2024-07-30", "暑期“三下乡”兰考社会实践", "volunteer", 8, "https://gxy.example.edu.cn/news/2024/0802-sanxiaxiang.html"},
		{"2024-08-26", "返校前线上班会", "theme_meeting", 42, ""},
		{"2024-09-13", "观看电影《焦裕禄》", "activity", 44, ""},
		{"2024-09-28", "兰考学院交流与焦裕禄纪念馆参观", "study_visit", 40, "https://gxy.example.edu.cn/news/2024/0930-lankao.html"},
		{"2024-10-19", "无偿献血志愿服务", "volunteer", 21, ""},
		{"2024-11-10", "“挑战杯”作品申报辅导", "competition", 15, ""},
		{"2024-11-30", "学院网站专题报道机械2302班", "publicity", 0, "https://gxy.example.edu.cn/news/2024/1130-2302.html"},
		{"2024-12-12", "“焦裕禄班”创建经验分享沙龙", "lecture", 60, ""},
	} {
		me2.Entries = append(me2.Entries, Entry{On: e.on, Title: e.title, Kind: e.kind, Participants: e.n, By: counselor, Link: e.link,
			Reviewer: supervisor, Verdict: "verify"})
	}
	me2.Supervision = []Supervision{
		{Kind: "daily", On: "2024-06-20", Score: 93, Note: "活动扎实，台账及时。", By: supervisor},
		{Kind: "phase", On: "2024-07-05", Result: "pass", Title: "第一阶段创建材料", By: supervisor},
		{Kind: "daily", On: "2024-11-15", Score: 95, Note: "各项“十个一”任务按节点完成。", By: supervisor},
	}
	me2.Report = &Report{By: counselor, On: "2025-01-08", Summary: "机械2302班对照“十个一”完成全部创建任务，形成“读、讲、行、展”四步工作法。",
		Results: "主题团日、演讲比赛、参观学习等活动14次；“三下乡”实践获校级优秀团队；2项“挑战杯”作品进入校赛。", File: "机械2302班创建总结.pdf"}
	me2.Outcome = &Outcome{By: gongtuan, On: "2025-01-16", Outcome: "excellent", Note: "材料完整，特色鲜明，评为优秀。"}
	me2.Case = &Case{Title: "“读、讲、行、展”四步工作法",
		Summary: "以读书会读焦裕禄事迹、以演讲讲焦裕禄精神、以志愿服务和“三下乡”践行、以公众号和学院网站展示成果；每项活动当周填报台账并附报道链接，督导组随到随审。第二批班级可直接沿用其月度安排表。"}

	me3 := jyl(classKey("eng", "me", 3), "机械2303班“焦裕禄班”创建")
	me3.Steps = jiaoyuluSteps("2024-10-12")
	for i, it := range TenItems {
		on := []string{"2024-04-10", "2024-04-16", "2024-05-04", "2024-06-14", "2024-07-05", "2024-09-20", "2024-10-12", "2024-11-02",
			"2024-11-23", "2024-12-13"}[i]
		md := MilestoneDone{Title: it.Title, On: on}
		if it.Evidence {
			md.File = "机械2303班" + it.Title + ".pdf"
		}
		me3.Milestones = append(me3.Milestones, md)
	}
	for _, e := range [][3]string{{"2024-04-10", "创建说明班会", "theme_meeting"}, {"2024-05-04", "主题团日", "theme_meeting"},
		{"2024-06-01", "班级文明寝室评比", "activity"}, {"2024-06-14", "主题演讲", "activity"}, {"2024-07-05", "征文评选", "activity"},
		{"2024-08-30", "开学第一课主题班会", "theme_meeting"}, {"2024-09-20", "电影观影", "activity"},
		{"2024-10-12", "焦裕禄纪念馆参观学习", "study_visit"}, {"2024-11-02", "社区义务维修志愿服务", "volunteer"},
		{"2024-11-23", "“挑战杯”校赛参赛", "competition"}, {"2024-12-01", "期末复习互助小组", "activity"},
		{"2024-12-13", "创建经验分享沙龙", "lecture"}} {
		me3.Entries = append(me3.Entries, Entry{On: e[0], Title: e[1], Kind: e[2], Participants: 35, By: counselor,
			Reviewer: supervisor, Verdict: "verify"})
	}
	me3.Report = &Report{By: counselor, On: "2025-01-09", Summary: "按节点完成“十个一”全部任务，学科竞赛与经验分享沙龙在期末前补齐。",
		Results: "开展活动12次，参与学生累计420人次。"}
	me3.Outcome = &Outcome{By: gongtuan, On: "2025-01-16", Outcome: "pass", Note: "通过验收。"}

	ve1 := jyl(classKey("eng", "ve", 1), "车辆2301班“焦裕禄班”创建")
	ve1.Author = gongtuan
	ve1.Steps = jiaoyuluSteps("2024-10-26")
	ve1.Milestones = allDone("车辆2301班", "2024-04-12", "2024-04-19", "2024-05-04", "2024-06-18", "2024-07-08", "2024-09-27",
		"2024-10-26", "2024-11-09", "2024-11-29", "2024-12-20")
	ve1.Outcome = &Outcome{By: gongtuan, On: "2025-01-16", Outcome: "rectify", RectifyBy: "2025-03-31",
		Note: "创建工作台账缺失，参观学习等材料未提交，限期整改。"}
	ve1.Recheck = &Outcome{By: gongtuan, On: "2025-04-08", Outcome: "pass", Note: "整改后补齐创建台账和参观学习材料，复核通过验收。"}

	im1 := jyl(classKey("eng", "im", 1), "智造2301班“焦裕禄班”创建")
	im1.Author = gongtuan
	im1.Steps = jiaoyuluSteps("2024-11-02")
	im1.Milestones = allDone("智造2301班", "2024-04-11", "2024-04-18", "2024-05-04", "2024-06-13", "2024-07-04", "2024-09-19",
		"2024-11-02", "2024-10-19", "2024-11-16", "2024-12-18")
	im1.Outcome = &Outcome{By: gongtuan, On: "2025-01-16", Outcome: "pass", Note: "按节点完成“十个一”，通过验收。"}

	// The accepted classes completed the dated steps of their plans too.
	for _, p := range []*Project{&me3, &ve1, &im1} {
		for _, st := range p.Steps[1:] {
			p.Milestones = append(p.Milestones, MilestoneDone{Title: st[1], On: st[0]})
		}
	}

	bm := func(track, org, title, starts, ends string) Project {
		return Project{Program: ProgramBenchmark2022, Track: track, Org: org, Author: "zuzhibu", Title: title, Starts: starts, Ends: ends,
			Budget: []Budget{{Item: "党建活动", Yuan: "6000"}, {Item: "宣传展示", Yuan: "4000"}}}
	}
	engParty := bm("标杆院部", keyOf("eng", partParty), "工学院党建工作“标杆院部”建设", "2023-01-01", "2024-12-31")
	engParty.Budget = []Budget{{Item: "党建活动", Yuan: "12000"}, {Item: "宣传展示", Yuan: "8000"}}
	engParty.Outcome = &Outcome{By: "zuzhibu", On: "2024-12-20", Outcome: "excellent", Note: "建设成效突出。"}
	engParty.Payments = []Payment{{On: "2023-03-15", Yuan: "10000", Note: "首期"}, {On: "2024-12-25", Yuan: "10000", Note: "验收后拨付"}}

	infoBranch := bm("样板支部", "info-pb-s1", "信息工程学院学生第一党支部样板支部建设", "2023-01-01", "2023-12-31")
	infoBranch.Outcome = &Outcome{By: "zuzhibu", On: "2023-12-20", Outcome: "pass", Note: "通过验收。"}
	infoBranch.Payments = []Payment{{On: "2023-03-15", Yuan: "10000"}}

	artStudio := bm("“双带头人”教师党支部书记工作室", "art-pb-t1", "艺术设计学院“双带头人”教师党支部书记工作室", "2023-01-01", "2024-12-31")
	artStudio.Outcome = &Outcome{By: "zuzhibu", On: "2024-12-20", Outcome: "fail",
		Note: "建设任务大部分未完成，未按要求每月动态展示，验收不通过。"}
	artStudio.Payments = []Payment{{On: "2023-03-15", Yuan: "5000", Note: "首期"}}

	return append([]Project{me2, me3, ve1, im1, engParty, infoBranch, artStudio}, secondBatch()...)
}

// allDone completes every item of the ten on the days given in TenItems' order,
// the evidence the items ask for named after the class.
func allDone(class string, days ...string) []MilestoneDone {
	var out []MilestoneDone
	for i, it := range TenItems {
		md := MilestoneDone{Title: it.Title, On: days[i]}
		if it.Evidence {
			md.File = class + it.Title + ".pdf"
		}
		out = append(out, md)
	}
	return out
}
