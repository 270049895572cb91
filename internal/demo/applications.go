package demo

// Application is a demo application, filed through the portal's own rules when the
// demo is seeded: created by Secretary for Org, saved, sent, and then given the
// opinions in Opinions by the named endorsers, in order.
type Application struct {
	Program   string // a program key
	Track     string // the track's name
	Theme     string // a theme's name, or ""
	Secretary string // the username that files it
	Org       string // the applicant org key
	Send      bool
	Opinions  []Opinion
	Content   Content
	// Attachment, when not empty, is the name of a small PDF attached before sending.
	Attachment string
}

// Opinion is one endorsement step: the endorser's username, agreement and text.
type Opinion struct {
	Endorser string
	Agree    bool
	Text     string
}

// Content is the form as the secretary fills it.
type Content struct {
	Title, LeaderName, LeaderPost, LeaderPhone, LeaderPolitical string
	Purpose, Content, Form, Features, Safeguards, Expected      string
	Difficulties                                                string
	Steps                                                       [][2]string // date, what
	Budget                                                      []Budget
	Custom                                                      map[string][]string
}

// Budget is one budget line; Yuan is a decimal amount in yuan.
type Budget struct{ Item, Yuan, Note string }

// Applications returns the demo applications: one 一团一品 project submitted with
// both opinions, one still a draft, and one 对标争先 样板支部 application waiting for
// the 党总支's opinion.
func Applications() []Application {
	return []Application{
		{Program: ProgramBrandOpen, Track: "团总支品牌项目", Theme: "思想引领类", Secretary: "secretary", Org: keyOf("econ", partLeague),
			Send: true, Attachment: "项目实施方案.pdf",
			Opinions: []Opinion{
				{Endorser: "endorser-league", Agree: true, Text: "项目立意鲜明、方案可行，同意申报。"},
				{Endorser: "endorser-party", Agree: true, Text: "同意推荐。"},
			},
			Content: Content{Title: "“青年说”理论宣讲品牌", LeaderName: "陈思远", LeaderPost: "经济管理学院团总支书记",
				LeaderPhone: "13803710021", LeaderPolitical: "中共党员",
				Purpose:      "以青年讲给青年听的方式，推动党的创新理论在学生中入脑入心。",
				Content:      "组建学生理论宣讲团，围绕党史学习、二十大精神、身边榜样开展系列宣讲。",
				Form:         "宣讲比赛、班级微宣讲、线上微课、进社区宣讲。",
				Features:     "朋辈宣讲，线上线下结合，每月一期微课。",
				Safeguards:   "学院党总支指导，团总支统筹，专职辅导员担任指导教师。",
				Expected:     "培养宣讲骨干30名，开展宣讲40场，覆盖学生2000人次，形成微课视频10期。",
				Difficulties: "宣讲员水平参差不齐：通过集中培训、以老带新、试讲评议提升能力。",
				Steps: [][2]string{{"2027-03-15", "组建宣讲团，开展集中培训"}, {"2027-05-01", "班级微宣讲全覆盖"},
					{"2027-09-20", "宣讲比赛与进社区宣讲"}, {"2027-11-30", "总结表彰，汇编宣讲稿"}},
				Budget: []Budget{{"宣讲培训", "3000", "专家讲座2次"}, {"微课制作", "4500", "10期"}, {"宣传物料", "1500", ""}},
				Custom: map[string][]string{"plan": {"按学期推进，每月一次主题宣讲，每学期一次宣讲比赛。"},
					"difficulties": {"宣讲内容同质化：结合专业特色打造财经类宣讲选题。"}}}},
		{Program: ProgramBrandOpen, Track: "团总支品牌项目", Theme: "学风建设类", Secretary: "secretary", Org: keyOf("econ", partLeague),
			Content: Content{Title: "“书香经管”读书会", LeaderName: "赵雨桐", LeaderPost: "团总支副书记",
				Purpose: "营造浓厚学风，培养阅读习惯。"}},
		{Program: ProgramBenchmarkOpen, Track: "样板支部", Secretary: "branchsec", Org: keyOf("econ", "pb-t1"), Send: true,
			Content: Content{Title: "经济管理学院教工第一党支部“样板支部”创建", LeaderName: "刘建国", LeaderPost: "党支部书记",
				LeaderPhone: "13803710032", LeaderPolitical: "中共党员",
				Purpose:  "对照“七个有力”标准，建设政治功能强、支部班子强、党员队伍强、作用发挥强的样板支部。",
				Content:  "规范组织生活，推进“党建+专业建设”，开展党员示范岗、结对帮扶。",
				Form:     "主题党日、专题研讨、师生结对、社会服务。",
				Expected: "形成可复制的支部工作法1项，获校级以上表彰。",
				Steps:    [][2]string{{"2027-01-10", "制定创建方案"}, {"2027-05-20", "中期自查"}, {"2027-12-15", "总结验收"}},
				Budget:   []Budget{{"主题党日活动", "4000", ""}, {"学习资料", "2000", ""}},
				Custom: map[string][]string{"branch_type": {"教工党支部"},
					"basis": {"支部现有党员18名，近三年获校级先进基层党组织1次。"}}}},
	}
}

// Round is a demo review round, opened by Manager on a program's open copy over all
// its tracks, with the reviewers' pool assigned automatically; Drafts are sheets
// the named reviewers have started (scores by criterion, in order).
type Round struct {
	Program string
	Manager string
	Title   string
	Rubric  []Criterion
	PassAt  float64
	Drafts  map[string][]float64
}

// Criterion is one line of a demo rubric.
type Criterion struct {
	Name string
	Max  float64
	Key  bool
}

// Rounds returns the demo review rounds: the 一团一品 approval review, being scored.
func Rounds() []Round {
	return []Round{{
		Program: ProgramBrandOpen, Manager: "tuanwei", Title: "2027年“一团一品”立项评审",
		Rubric: []Criterion{{"思想引领与政治方向", 25, true}, {"项目创新性与特色", 25, false},
			{"实施方案可行性", 30, false}, {"预期成效与示范作用", 20, false}},
		PassAt: 60,
		Drafts: map[string][]float64{"reviewer1": {25, 20}},
	}}
}
