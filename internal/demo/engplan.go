package demo

// 工学院团总支's work points for the year: the campaign's own plan, whose targets
// the 焦裕禄班 ledgers of its classes fill (portal.LedgerSourceOf): theme League
// days and class meetings held, volunteer attendance and study visits, counted
// from the verified entries of the projects under the 团总支. One report, at the
// end of June, gives the theme days held so far, the ledger's included; the
// entries dated after it add to it, so nothing is counted twice.

// PlanEngLeague is the key of 工学院团总支's plan.
const PlanEngLeague = "eng-league-work-points"

func engLeaguePlan() Plan {
	league := keyOf("eng", partLeague)
	return Plan{
		Key: PlanEngLeague, Org: league,
		Title: "工学院团总支年度工作要点",
		Intro: "以“焦裕禄班”创建为抓手，推动班级团支部建设，把焦裕禄精神融入思想引领、志愿服务和学风建设。各班创建工作台账经督导组核实后，自动计入本要点的量化指标。",
		Sections: []PlanSection{
			{Title: "一、深化“焦裕禄班”创建", Tasks: []PlanTask{
				{Number: 1, Title: "开展焦裕禄精神主题团日和主题班会",
					Description: "第二批创建班级每月至少开展一次主题团日或主题班会，活动当周填报创建工作台账。",
					People:      []string{gongtuan}, Months: months(4, 12),
					Targets: []PlanTarget{{"ledger_theme_meeting", "开展主题团日、主题班会", "at_least", 16, "次"}}},
				{Number: 2, Title: "组织参观学习和特色志愿服务",
					Description: "组织赴兰考焦裕禄纪念馆参观学习，各班开展一次特色志愿服务。",
					People:      []string{gongtuan, supervisor}, Months: months(5, 12),
					Targets: []PlanTarget{
						{"ledger_study_visit_people", "参观学习", "at_least", 120, "人次"},
						{"ledger_volunteer_people", "志愿服务", "at_least", 100, "人次"},
					}},
			}},
		},
		Progress: []Progress{
			{Task: 1, On: "06-30", By: gongtuan, Status: "in_progress", Note: "上半年各班主题团日、主题班会（含台账已核实的活动）", Evidence: "创建工作台账",
				Values: map[string]float64{"ledger_theme_meeting": 6}},
		},
	}
}
