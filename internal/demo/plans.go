package demo

// The demo work plans and assessments.
//
// Seed 001 is the 团委's yearly action plan "强校有我在行动": fifteen numbered tasks in
// four sections, each with named responsible persons (责任人) and often a numeric
// target, a month-by-month schedule of 42 numbered lines (月份 | 工作内容) and nine
// year-round items. Its texts are kept as the document writes them; the people it
// names are demo accounts of 校团委 (planPeople). The document gives no months per
// task: each task is scheduled in the months of the schedule lines that serve it.
// Seed 004 is 校关工委's yearly work points: six sections; their measurable points
// (90% of college committees at "均衡发展", at least 25 lectures) are targets.
//
// The seed stores both plans for the year it runs in (the demo's "today" is
// 2026-11-23), issued, with progress reports dated in that year up to today, so
// that supervision has something to show: some tasks on pace, some behind, one
// stalled, one not started.
//
// Seed 004's assessment standard (苏教办关〔2021〕3号) is not in the seed; the
// indicator system below keeps its rule (three key indicators at full marks and a
// total of 90) and its three emphases, itemised for the demo.

// Plan is a demo work plan.
type Plan struct {
	Key       string // stable name for tests; not stored
	Org       string // org key
	Title     string
	Intro     string
	Closing   string
	Sections  []PlanSection
	Schedule  []ScheduleLine
	Recurring []RecurringLine
	Progress  []Progress
}

// PlanSection is a section of a demo plan with its tasks.
type PlanSection struct {
	Title string
	Tasks []PlanTask
}

// PlanTask is a numbered task; People are usernames; Cmp a portal.Comparator.
type PlanTask struct {
	Number      int
	Title       string
	Description string
	People      []string
	Months      []int
	Targets     []PlanTarget
}

// PlanTarget is a numeric target of a task.
type PlanTarget struct {
	Metric, Label, Cmp string
	Value              float64
	Unit               string
}

// ScheduleLine is one numbered line of the month-by-month schedule; Task is the
// number of the task it serves, 0 for none.
type ScheduleLine struct {
	Number int
	Months []int
	Text   string
	Task   int
}

// RecurringLine is one year-round item; rhythm days are "MM-DD" in the plan's year.
type RecurringLine struct {
	Number  int
	Title   string
	Text    string
	Rhythms []Rhythm
	Task    int
}

// Rhythm is a recurring activity: Cadence is a portal.Cadence, From "MM-DD".
type Rhythm struct{ Label, Cadence, From string }

// Progress is a demo progress report: On is "MM-DD" in the plan's year, By a
// username, Values by metric.
type Progress struct {
	Task     int
	On       string
	By       string
	Status   string
	Note     string
	Evidence string
	Values   map[string]float64
}

// Keys of the demo plans.
const (
	PlanLeague = "league-action-plan" // seed 001, 校团委
	PlanCare   = "care-work-points"   // seed 004, 校关工委
)

// The responsible persons of seed 001, demo accounts of 校团委.
const (
	luRuoxi     = "luruoxi"
	chenWen     = "chenwen"
	zhangXY     = "zhangxingyue"
	luYaxue     = "luyaxue"
	lengJiuling = "lengjiuling"
	ningXi      = "ningxi"
	baiJie      = "baijie"
	changHS     = "changhongsheng"
)

// Usernames of the assessment accounts.
const (
	Assessor = "assessor"  // 校关工委考核组成员
	EconCare = "econ-care" // 经济管理学院关工委
)

// planPeople are the accounts the plans and assessments add to People.
func planPeople() []Person {
	staff := func(username, phone, name, post string) Person {
		return Person{Username: username, Phone: phone, Name: name, Summary: post + " · 校团委 (responsible person in the action plan)",
			HomeOrg: keyTuanwei, Grants: []Grant{{"viewer", keyTuanwei}}}
	}
	return []Person{
		staff(luRuoxi, "13803710017", "鲁若曦", "团委书记"),
		staff(chenWen, "13803710018", "陈雯", "团委副书记"),
		staff(zhangXY, "13803710019", "张星月", "组织部干事"),
		staff(luYaxue, "13803710020", "卢雅雪", "宣传部干事"),
		staff(lengJiuling, "13803710021", "冷玖玲", "社团部干事"),
		staff(ningXi, "13803710022", "宁曦", "新媒体中心干事"),
		staff(baiJie, "13803710023", "白洁", "青年教师工作干事"),
		staff(changHS, "13803710024", "常红生", "应急救护培训教师"),
		{Username: Assessor, Phone: "13803710025", Name: "钱德明", Summary: "考核组成员 · 校关工委 (assessor of the college committees)",
			HomeOrg: keyGuangongwei, Grants: []Grant{{"viewer", keyGuangongwei}}},
		{Username: EconCare, Phone: "13803710026", Name: "沈慧芳", Summary: "常务副主任 · 经济管理学院关工委 (self-assessment)",
			HomeOrg: keyOf("econ", partCare), Grants: []Grant{{"secretary", keyOf("econ", partCare)}}},
	}
}

func months(from, to int) []int {
	var out []int
	for m := from; m <= to; m++ {
		out = append(out, m)
	}
	return out
}

// Plans returns the demo plans; a new list on every call.
func Plans() []Plan {
	return []Plan{leaguePlan(), carePlan(), engLeaguePlan()}
}

func leaguePlan() Plan {
	return Plan{
		Key: PlanLeague, Org: keyTuanwei,
		Title: "“强校有我在行动”主题实践活动方案",
		Intro: `根据学校第三次党代会精神和2023年工作部署,推进“强校有我在行动”主题实践活动,推动学校事业高质量发展,团委(关工委)结合实际,制定本方案。

一、指导思想
以习近平新时代中国特色社会主义思想为指导,深入贯彻落实习近平总书记关于青年工作的重要思想,紧紧围绕学习宣传贯彻党的二十大精神主题主线,聚焦主责主业,履行岗位职责,全面深化改革,全面从严治团,切实增强政治性、先进性、群众性。全面把握“国之大者”对职业教育提出的新要求,严格贯彻落实党和国家对职业教育的系列决策部署,不断增强团委工作的前瞻性、系统性、科学性和创造性,观大势,看态势,明形势,知位找位,争先进位,推动学校上档升级。

二、工作目标
树立“以青年为本”价值取向,提升学生工作科学化水平,培养红专并进、堪当大任的时代新人;实行“标志性人物”典型引领,激发朋辈作用,增强思政引领的针对性和实效性;围绕“党建带团建”共同缔造,结合专业办活动,结合思政报项目,结合中心工作拿大奖,推出系列标志性成果,作出团委工作新贡献。

三、主要任务`,
		Closing: `四、工作要求
(一)工作要到位,关键抓站位
统一思想,提高站位,做到“一条心”抓工作、“一盘棋”抓统筹、“一竿子”抓到底。
(二)工作有指标,首先要对标
根据行动方案,对标对表,确保“一体化”共识、“一张图”共绘、“一起干”共为,全面完成目标任务。
(三)任务要落实,督查要扎实
一是在督查思路上想新招、闯新路;二是在督查过程中求实效、出实招;三是在抓督查落实上下真功、动真格。`,
		Sections: []PlanSection{
			{Title: "(一)强党建,永葆对党忠诚的政治底色", Tasks: []PlanTask{
				{Number: 1, Title: "坚定理想信念,深入开展主题教育",
					Description: "以学思践悟习近平新时代中国特色社会主义思想为主线,结合“学习二十大、永远跟党走、奋进新征程”主题教育系列活动,以及庆祝孝感市建市30周年等重要时间节点,开展形式多样的思想引领活动,紧跟时代脉搏上好“大思政课”。",
					People:      []string{luRuoxi, chenWen}, Months: months(3, 12),
					Targets: []PlanTarget{{"theme_edu", "主题教育活动参与人数", "more_than", 50000, "人次"}}},
				{Number: 2, Title: "聚焦主责主业,为党育人为国育才",
					Description: "增强问题意识,聚焦党政关心、青年关切、社会关注的问题,改变以往“重活动、轻育人”的倾向,根据学生多元化需求做好个性化服务,根据学生发展阶段做好前瞻性引领服务,根据学生未来发展需求做好准备性能力提升服务,在新时代新征程的奋斗中成长为堪当民族复兴重任的时代新人。",
					People:      []string{luRuoxi, chenWen}, Months: months(2, 12)},
				{Number: 3, Title: "规范推优入党,为党输送新鲜血液",
					Description: "“推优”工作是党赋予共青团的重要政治职责,不断剖析新时代学生的特点,强化对团员的政治引领。常态化组织学习相关制度文件,规范“推优”程序。加强“推优”前的引导培养、重点突出“推优”过程中的指导培养、常态延续“推优”后的教育培养。",
					People:      []string{chenWen, zhangXY}, Months: []int{3, 6, 10}},
				{Number: 4, Title: "同心共进共促,构建爱国统一战线",
					Description: "不断健全党领导下的以共青团为主导的青年组织体系,以铸牢中华民族共同体意识为主线,持续抓好青少年民族团结进步教育,成立一个民族团结社团,开展“石榴籽一家亲”“民族团结我践行”等主题团课、融情实践教育等活动。",
					People:      []string{luYaxue, lengJiuling, ningXi}, Months: months(3, 6),
					Targets: []PlanTarget{{"ethnic_society", "成立民族团结社团", "at_least", 1, "个"}}},
			}},
			{Title: "(二)强思政,担好三全育人的光荣角色", Tasks: []PlanTask{
				{Number: 5, Title: "重视网络思政,主动有效引导宣传",
					Description: "修订《湖北职业技术学院共青团新媒体平台管理细则》,选好建好网络信息员、评论员和志愿者队伍,管好用好团属新媒体矩阵,协助学校做好意识形态工作。不断提高“青年大学习”参与率,优化“湖小职”全媒体平台,全年发布内容不少于200个,强调正面发声,用青年喜闻乐见的方式设置“正能量”话题、打造“爆款”产品,组织参评大学生网络艺术节。",
					People:      []string{luYaxue, ningXi}, Months: months(1, 12),
					Targets: []PlanTarget{{"posts", "全年发布内容", "at_least", 200, "个"}}},
				{Number: 6, Title: "做实青马工程,理论武装铸魂育人",
					Description: "基于“青马工程”培养模式进行顶层设计,对标党校优化二级学院分团校设置,分层次一体化教育引导青年学生激发信仰、汲取力量。探索领导讲热点、学者讲理论、校友讲信念、榜样讲经验”的授课模式,帮助学员自觉树立青春向党、奋斗报国、服务人民的忠诚之魂。",
					People:      []string{luYaxue, zhangXY, baiJie}, Months: []int{4, 5, 6, 11, 12}},
				{Number: 7, Title: "创新“百生讲坛”,理论宣讲内化于心",
					Description: "重点推进“青年讲师团”建设,创新“百生讲坛”等有效载体,动员青年教师带领青年校友、青年学生,共同组建校院两级青年讲师团,围绕学习二十大精神等主题活动开展理论宣讲活动。用青年话语打动青年,从思想深处赢得青年,校级讲师团成员至少在校内开展宣讲3场,校外1场。",
					People:      []string{luYaxue, lengJiuling, baiJie, ningXi}, Months: months(3, 12),
					Targets: []PlanTarget{
						{"talks_on_campus", "校级讲师团成员人均校内宣讲", "at_least", 3, "场"},
						{"talks_off_campus", "校级讲师团成员人均校外宣讲", "at_least", 1, "场"},
					}},
				{Number: 8, Title: "守牢初心使命,从严治团深入推进",
					Description: "习近平总书记要求,“团的干部队伍建设要严”“把新时代共青团的好形象树起来”。我们要坚持党对共青团工作的全面领导,深入推进全面从严治团,从小事做起,从自身做起,当学生友、不当学生“官”,把初心使命守得更牢、始终保持激情梦想的力量,始终保持斗志昂扬的精神风貌,带头树立团学干部的良好形象,组织“青年当清廉”演讲比赛一期。",
					People:      []string{luRuoxi, chenWen}, Months: []int{5, 6, 11, 12},
					Targets: []PlanTarget{{"clean_speech", "“青年当清廉”演讲比赛", "at_least", 1, "期"}}},
			}},
			{Title: "(三)强治理,彰显合作进步的团结主色", Tasks: []PlanTask{
				{Number: 9, Title: "大力夯实基层团组织建设",
					Description: "召开湖北职业技术学院第四次团代会、第二十四次学代会,构建团学组织协同发展格局。加强团支部建设,落实“三会两制一课”制度,全面向基层支部赋能激发活力。对照“五个模范、五个带头”政治标准,严肃团内组织生活,严格入团程序,持续攻坚“学社衔接”工作。建成校内团属阵地一个,成立教工团支部,在各二级院系学生会和学生社团中建立功能型团支部。",
					People:      []string{chenWen, zhangXY, baiJie}, Months: []int{3, 4, 5, 6, 9, 10, 11, 12},
					Targets: []PlanTarget{
						{"league_venue", "建成校内团属阵地", "at_least", 1, "个"},
						{"staff_branch", "成立教工团支部", "at_least", 1, "个"},
					}},
				{Number: 10, Title: "着力打造实践育人共同体",
					Description: "联合省、市级红十字会开展应急救护培训工作,完善学校应急救护培训体系,培训人数不少于2500人次,全力保障师生身体健康和生命安全,争创全国应急教育试点学校。联合省、市级关工委充分发挥“五老”优势,与学生教育活动有机融合,用心用情地为青年师生做好事、办实事、解难事。联合文昌阁社区进行校地共建,实施大学生社区实践计划,持续扩大“阿雯热线”心理健康平台社会服务影响力;联合全省共青团系统创新开展“三下乡”“返家乡”社会实践活动,当年度学生参与率达到50%以上,获得省级以上表彰。",
					People:      []string{chenWen, luYaxue, lengJiuling, changHS, ningXi, baiJie}, Months: months(2, 12),
					Targets: []PlanTarget{
						{"first_aid", "应急救护培训人数", "at_least", 2500, "人次"},
						{"practice_rate", "社会实践学生参与率", "at_least", 50, "%"},
						{"practice_awards", "社会实践省级以上表彰", "at_least", 1, "项"},
						{"volunteers", "学雷锋志愿服务参与人数", "more_than", 6500, "人次"},
					}},
				{Number: 11, Title: "致力推动校园文化繁荣",
					Description: "服务学术,办好“挑战杯”辅导讲座、“我与青年党团代表面对面”座谈会等系列讲座。服务学科,推动校园文化与专业教育融合,推动医学爱好者协会、建筑发展协会、手工坊等专业社团发展。聚焦五育并举,支持青年志愿者协会、义工社等志愿服务类社团,发展羽毛球协会、跆拳道俱乐部等体育类社团,力争建成3个全省有影响力的优秀社团,办好社团科技文化艺术节、纪念五四运动104周年主题活动、迎新生庆国庆晚会等文艺活动等。",
					People:      []string{luYaxue, lengJiuling, zhangXY, ningXi}, Months: months(2, 12),
					Targets: []PlanTarget{{"star_societies", "全省有影响力的优秀社团", "at_least", 3, "个"}}},
				{Number: 12, Title: "全力优化第二课堂发展体系",
					Description: "根据学生成长需要进一步完善第二课堂评价体系,打通校内各部门之间的工作界限,对接学校与用人单位之间的共同需求,发挥“成绩单”在学校人才培养和用人单位招聘中的作用,充分调动学生参与的积极性与主动性。",
					People:      []string{luYaxue, zhangXY}, Months: months(3, 12)},
			}},
			{Title: "(四)强师资,体现服务青年的时代特色", Tasks: []PlanTask{
				{Number: 13, Title: "把准青年发展方向",
					Description: "配合学校党委做好青年干部培训培养工作,同时深入到青年教师身边开展工作,通过定期开展“青年沙龙”活动精准解决青年教师的生活之困、进修之难、心理之压。增强青年教师的“主人翁”意识,引导青年教师参与学校治理,团结带领湖职青年更好的融入学校“建双高争升本”的奋斗中。",
					People:      []string{luRuoxi, lengJiuling, baiJie}, Months: months(2, 12)},
				{Number: 14, Title: "找准青年成长规律",
					Description: "遴选青年教师组建专门研究团队,开展常态化青年思想动态调研,进行学理性研究、前瞻性研究和小切口研究,找准青年成长规律、摸准青年思想形成规律,为思政课第一课堂提供“导向”作用,对一线团学工作提供“辅助”作用。",
					People:      []string{luRuoxi, baiJie}, Months: []int{4, 7, 8, 11, 12}},
				{Number: 15, Title: "精准助力青年成长",
					Description: "青年教师是学校发展的生力军,围绕中心、服务大局是共青团的工作主线。校团委努力搭建服务载体助推青年教师成长,通过各类培训、会议、竞赛、活动不断扩大一线青年教师的外延平台。同时创新发展平台,培训、指导青年教师为孝感市机关事业单位提供应急救护培训、礼仪培训,为中高考学生提供心理专题辅导,为孝南区楚剧团提供艺术指导等,以期不断增才长干提升专业水平,增强服务地方经济和社会的能力。",
					People:      []string{chenWen, lengJiuling, ningXi, zhangXY}, Months: months(3, 12)},
			}},
		},
		Schedule:  leagueSchedule(),
		Recurring: leagueRecurring(),
		Progress:  leagueProgress(),
	}
}

// leagueSchedule is seed 001's 工作纲要安排: 42 lines from February to December. The
// document numbers line 29 "39" by mistake; it is 29 here.
func leagueSchedule() []ScheduleLine {
	feb, mar, apr, may, jun, sep, oct := []int{2}, []int{3}, []int{4}, []int{5}, []int{6}, []int{9}, []int{10}
	summer, end := []int{7, 8}, []int{11, 12}
	return []ScheduleLine{
		{1, feb, "制定2023年度共青团工作要点", 0},
		{2, feb, "制定2023年教工团员青年活动计划、学生政治学习计划", 13},
		{3, feb, "召开共青团系统第一次工作会议", 0},
		{4, feb, "启动“挑战杯”校赛选拔工作", 11},
		{5, feb, "启动红十字会应急救护员培训工作(培训人数不少于2500人次)", 10},
		{6, mar, "开展“学习二十大、永远跟党走、奋进新征程”主题教育活动(参与人数超过50000人次)", 1},
		{7, mar, "举办“学雷锋志愿服务活动”活动(参与人数超过6500人次)", 10},
		{8, mar, "启动“百生讲坛”系列活动", 7},
		{9, mar, "开展共青团系统“两红两优”评比活动", 9},
		{10, mar, "做好2023年度“推优入党”工作、发展新团员工作、启动校级团学干部推荐选拔工作", 3},
		{11, apr, "启动第十六届社团文化科技艺术节", 11},
		{12, apr, "启动“青年马克思培养工程”培训班", 6},
		{13, apr, "指导共青团相关课题申报", 14},
		{14, apr, "完成国家、省级自强之星等评比活动推选工作", 2},
		{15, apr, "指导各二级学院合规召开团学代会", 9},
		{16, may, "召开第四次共青团代表大会、第二十四次学生代表大会", 9},
		{17, may, "举办纪念五四运动104周年系列活动", 11},
		{18, may, "做好志愿服务西部计划宣传工作以及志愿者招募、选拔工作", 10},
		{19, may, "启动第十三届“雅学”青年教职工活动", 13},
		{20, may, "启动智慧团建学社衔接工作", 9},
		{21, jun, "启动2023年度上半年社团年检工作", 11},
		{22, jun, "完成全校“团团微就业”帮扶工作", 2},
		{23, jun, "启动“暑期三下乡社会实践活动”“返家乡”社会实践活动", 10},
		{24, jun, "完成团员年度考核、毕业生团组织关系转出工作", 9},
		{25, jun, "召开共青团系统第二次工作会议", 0},
		{26, summer, "组织策划校级暑期社会实践队活动、指导院级暑期社会实践队活动的开展。", 10},
		{27, summer, "组织共青团系统干部开展暑期学习、进修,开展校内外共青团工作专题调研", 14},
		{28, sep, "做好迎新、军训及国庆晚会相关工作", 11},
		{29, sep, "开展2023级青年志愿者招募、培训工作", 10},
		{30, sep, "组织学生社团组织纳新工作", 11},
		{31, sep, "总结暑期社会实践活动,推选参与上级评选", 10},
		{32, sep, "召开共青团系统第三次工作会议", 0},
		{33, oct, "新入学团员信息采集、发展新团员", 3},
		{34, oct, "组织参加“中华魂”“读懂中国”等各类关工委相关演讲、征文比赛", 1},
		{35, oct, "组织、培训参加如大学生艺术节、樱花笔会等各类诗歌、绘画、书法文艺文化类比赛", 11},
		{36, oct, "普及新生、持续推进老生第二课堂相关工作", 12},
		{37, oct, "社团经费清查、指导、整顿社团活动", 11},
		{38, end, "组织开展校院二级团校培训班", 6},
		{39, end, "开展团费清收工作", 9},
		{40, end, "开展团的工作校内外专题调研", 14},
		{41, end, "召开共青团系统第四次工作会议", 0},
		{42, end, "开展团总支书记述职评议工作", 8},
	}
}

// leagueRecurring is seed 001's 贯穿全年工作.
func leagueRecurring() []RecurringLine {
	return []RecurringLine{
		{1, "理论学习", "督学“青年大学习”(一周一次)、“主题团课”活动(双周一次)、组织“青年讲师团”赴校内外开展宣讲活动、完成上级布置的学习内容。",
			[]Rhythm{{"督学“青年大学习”", "weekly", "03-02"}, {"“主题团课”活动", "biweekly", "03-04"}}, 1},
		{2, "网络思政", "不断扩大湖小职全媒体平台影响力,打造喜闻乐见的思政作品;关注舆情,做好意识形态工作。", nil, 5},
		{3, "组织建设", "新团员发展录入、推优入党、团组织关系接收和转出、三会两制一课、主题教育活动、团内激励、发展激励、团员年度考核、团支部对标定级和整改。", nil, 9},
		{4, "主题教育", "“学习二十大、永远跟党走、奋进新征程”主题教育活动,含有团支部风采大赛、女生风采大赛、社团科技文化艺术节、青年志愿者活动、社团文艺文化类活动等一系列子项目。", nil, 1},
		{5, "“挑战杯”", "“挑战杯”校赛、省赛选拔、指导工作:举办辅导讲座、进行作品修改、邀请专家指导等。", nil, 11},
		{6, "“百生讲坛”", "“百生讲坛”校赛、省赛选拔、参赛工作:赛制一年,有团支部、主讲人、微团课等多个赛道。", nil, 7},
		{7, "第二课堂", "日常开展第二课堂相关工作,及时赋予学分。", nil, 12},
		{8, "社团管理", "按照社团管理办法,组织指导社团保质保量的开展活动。", nil, 11},
		{9, "应急救护培训", "分层次开展红十字会应急救护培训工作。", nil, 10},
	}
}

// leagueProgress: the year so far, as the responsible people reported it.
func leagueProgress() []Progress {
	return []Progress{
		{Task: 1, On: "04-28", By: luRuoxi, Status: "in_progress", Note: "主题教育启动仪式及首轮团课完成", Evidence: "活动通讯稿、签到统计表",
			Values: map[string]float64{"theme_edu": 52600}},
		{Task: 2, On: "06-30", By: chenWen, Status: "in_progress", Note: "完成自强之星推选、“团团微就业”帮扶", Evidence: "推选名单、帮扶台账"},
		{Task: 3, On: "10-28", By: zhangXY, Status: "done", Note: "年度推优入党及新生团员发展完成", Evidence: "推优名单公示截图"},
		{Task: 4, On: "04-20", By: lengJiuling, Status: "done", Note: "“石榴籽”民族团结社团成立并开展首次团课", Evidence: "社团成立批复",
			Values: map[string]float64{"ethnic_society": 1}},
		{Task: 5, On: "06-30", By: luYaxue, Status: "in_progress", Note: "上半年新媒体推送汇总", Evidence: "湖小职平台后台统计",
			Values: map[string]float64{"posts": 88}},
		{Task: 5, On: "10-31", By: ningXi, Status: "in_progress", Note: "截至10月底累计推送", Evidence: "湖小职平台后台统计",
			Values: map[string]float64{"posts": 165}},
		{Task: 6, On: "06-20", By: zhangXY, Status: "in_progress", Note: "青马班第一期结业", Evidence: "结业名单"},
		{Task: 7, On: "10-31", By: baiJie, Status: "in_progress", Note: "讲师团成员宣讲情况(按人均统计)", Evidence: "宣讲登记表",
			Values: map[string]float64{"talks_on_campus": 2, "talks_off_campus": 1}},
		{Task: 8, On: "06-10", By: chenWen, Status: "in_progress", Note: "“青年当清廉”演讲比赛已举办,述职评议安排在12月", Evidence: "比赛获奖名单",
			Values: map[string]float64{"clean_speech": 1}},
		{Task: 9, On: "09-30", By: baiJie, Status: "in_progress", Note: "团属阵地建成投用;教工团支部筹备中", Evidence: "阵地照片",
			Values: map[string]float64{"league_venue": 1, "staff_branch": 0}},
		{Task: 10, On: "03-31", By: changHS, Status: "in_progress", Note: "应急救护培训第一季度", Evidence: "培训签到表",
			Values: map[string]float64{"first_aid": 620, "volunteers": 6820}},
		{Task: 10, On: "08-31", By: chenWen, Status: "in_progress", Note: "暑期三下乡、返家乡参与情况", Evidence: "实践队名单",
			Values: map[string]float64{"practice_rate": 38}},
		{Task: 10, On: "10-31", By: changHS, Status: "in_progress", Note: "应急救护培训累计人次;社会实践获省级表彰1项", Evidence: "培训签到表、表彰文件",
			Values: map[string]float64{"first_aid": 2260, "practice_rate": 52, "practice_awards": 1}},
		{Task: 11, On: "11-10", By: lengJiuling, Status: "in_progress", Note: "两个社团获评省级优秀社团", Evidence: "省学联通知",
			Values: map[string]float64{"star_societies": 2}},
		{Task: 13, On: "05-26", By: lengJiuling, Status: "in_progress", Note: "“雅学”青年教职工活动启动,青年沙龙按月开展", Evidence: "活动照片"},
		{Task: 14, On: "08-30", By: baiJie, Status: "stalled", Note: "研究团队人员调整,暑期专题调研暂缓", Evidence: ""},
		{Task: 15, On: "09-15", By: ningXi, Status: "in_progress", Note: "青年教师为机关事业单位开展应急救护、礼仪培训3场", Evidence: "培训通知"},
	}
}

func carePlan() Plan {
	gg, as := "guangongwei", Assessor
	return Plan{
		Key: PlanCare, Org: keyGuangongwei,
		Title: "关心下一代工作委员会工作要点",
		Intro: `学校关工委工作的总体要求是：在学校党委领导下，以习近平新时代中国特色社会主义思想为指导，深入学习贯彻党的十九届六中全会精神和习近平总书记对关心下一代工作的系列重要指示精神，以推进关工委优质化建设均衡发展为抓手，以社会主义核心价值观为引领，认真落实立德树人根本任务，加强学生思想政治工作，深化学生爱党爱国教育，精心帮助学生健康成长成才，为培养德智体美劳全面发展的社会主义建设者和接班人贡献力量。`,
		Sections: []PlanSection{
			{Title: "一、提高政治站位，正确把握关工委工作方向", Tasks: []PlanTask{
				{Number: 1, Title: "学习贯彻党的十九届六中全会精神和习近平总书记关心下一代工作重要指示",
					Description: "通过学习统一思想、凝聚共识；坚定信心、增强斗志；融会贯通、学以致用。与抓好教育部党组34号文的贯彻落实结合起来，与贯彻落实《关于推进全省教育系统关工委优质化建设的意见》结合起来，把学习成果转化为优质化建设均衡发展的有力举措与强大动力。",
					People:      []string{gg}, Months: months(3, 6)},
			}},
			{Title: "二、优化工作机制，进一步提升关工委工作的整体水平", Tasks: []PlanTask{
				{Number: 2, Title: "健全领导体制和工作机制",
					Description: "坚持“围绕中心、配合补充，主动作为、协同创新，立足基层、注重实效”的工作方针，健全“党委统一领导、党政齐抓共管、关工委主动作为、有关部门积极配合、社会各界广泛参与”的领导体制和工作机制；促进各委员单位履行工作职责，将委员单位助力关工委工作纳入考核目标。",
					People:      []string{gg}, Months: months(3, 12)},
				{Number: 3, Title: "健全和落实规章制度",
					Description: "健全和落实工作会议、学习培训、请示汇报、信息通报、宣传交流、档案管理、总结奖励等规章制度，提高关工委工作的科学化、制度化和规范化水平。",
					People:      []string{gg}, Months: months(3, 12)},
			}},
			{Title: "三、认真对标补差，扎实推进关工委优质化建设均衡发展", Tasks: []PlanTask{
				{Number: 4, Title: "强“基层建设”",
					Description: "着力于二级学院关工委优质化建设的均衡性，重点推进工作不达标的二级学院关工委强化达标工作，本年度90%二级学院关工委达到“均衡发展”要求（即优质化建设均衡发展基本要求设定的3个关键指标须全部满分，关工委考核总分达到90分以上），并力争100%达到“均衡发展”要求。",
					People:      []string{gg, as}, Months: months(3, 12),
					Targets: []PlanTarget{{"balanced_share", "达到“均衡发展”要求的二级学院关工委比例", "at_least", 90, "%"}}},
				{Number: 5, Title: "抓“关键指标”",
					Description: "着力强化关工委常态化建设持续巩固提高，完善二级学院关工委工作长效机制；着力加强二级学院关工委开展具有针对性、切合实际、多种形式的关爱帮扶活动，取得实际成效；着力夯实二级学院关工委工作基础，实举措，强弱项，补短板。",
					People:      []string{as}, Months: months(3, 12)},
				{Number: 6, Title: "重“品牌建设”",
					Description: "各二级学院关工委要注重凝练工作特色，打造“一院一品”特色工作，通过特色工作提高成效、扩大影响、持续推进、创新发展。",
					People:      []string{gg}, Months: months(4, 12),
					Targets: []PlanTarget{{"college_brands", "“一院一品”特色工作", "at_least", 7, "个"}}},
			}},
			{Title: "四、强化思想引领，深入开展社会主义核心价值观教育", Tasks: []PlanTask{
				{Number: 7, Title: "开展红色教育",
					Description: "组织学生参加“读懂中国”活动和《勋章》《筑梦九天》主题教育读本读书征文活动；开展红色之旅党史教育；组织开展党史教育进社团、进宿舍、进讲堂“三进”工作。",
					People:      []string{as}, Months: months(3, 11)},
				{Number: 8, Title: "加强社会主义核心价值观讲师团建设",
					Description: "精选主题，建好队伍，强化特色。广辟宣讲内容，创新宣讲形式，协同各类资源，使讲师团教育更加契合青年学生，启智润心，全年讲师团宣讲不少于25场。",
					People:      []string{as}, Months: months(3, 12),
					Targets: []PlanTarget{{"lectures", "讲师团宣讲", "at_least", 25, "场"}}},
				{Number: 9, Title: "培育精品教育项目",
					Description: "紧扣学生所思所想、所需所盼，做好社会主义核心价值观“精品教育项目”培育工作，发挥“精品教育项目”辐射作用。",
					People:      []string{gg}, Months: months(5, 12)},
			}},
			{Title: "五、坚持精准服务，做好青年师生的关爱帮扶工作", Tasks: []PlanTask{
				{Number: 10, Title: "建立“双菜单”制",
					Description: "建立青年师生“需求菜单”和校内外老同志“资源菜单”对接的“双菜单”制。",
					People:      []string{gg}, Months: months(3, 6)},
				{Number: 11, Title: "重物质帮扶，更重精神帮扶",
					Description: "在建好现有的“阳光屋”关爱超市、“谈心屋”的基础上，进一步拓展其内涵，探索用“互联网+关工委”等多种工作形式吸引学生敞开心扉，及时精准个性化疏导，提高学生心理健康工作针对性和有效性。",
					People:      []string{as}, Months: months(3, 12)},
				{Number: 12, Title: "关心青年教师成长",
					Description: "以“名师工作室”“老教授导师制”等为载体，参与“青蓝工程”关心青年教师成长；以特邀组织员、“青马工程”等为载体，协助做好学生和青年教职工党建工作。",
					People:      []string{as}, Months: months(3, 12)},
			}},
			{Title: "六、找准工作定位，加强关工委自身建设", Tasks: []PlanTask{
				{Number: 13, Title: "加强学习",
					Description: "通过举办基层关工委干部培训班和组织外出交流学习，加强理论武装，不断提升关爱服务体系和关爱服务能力。",
					People:      []string{gg}, Months: []int{5, 10}},
				{Number: 14, Title: "深入调研",
					Description: "了解青少年价值取向、兴趣爱好，把握关工委工作实情，做到心中有数、有底、有谱。",
					People:      []string{as}, Months: []int{6, 7, 8}},
				{Number: 15, Title: "把工作重点放在二级学院关工委的队伍建设上",
					Description: "充分发挥二级关工委常务副主任的作用，选用一定比例的当年退休的优秀退休教师参与到关心下一代工作中来，壮大二级学院关工委队伍。",
					People:      []string{gg}, Months: []int{9, 10}},
				{Number: 16, Title: "加强互联网+关工委建设",
					Description: "建好、用好、管好网上关工委，加强关工委网上宣传阵地，配好宣传通讯员。",
					People:      []string{gg}, Months: months(3, 12)},
				{Number: 17, Title: "做好高校第十片牵头学校工作",
					Description: "组织搭建新十片信息交流平台，组织活动片学校开好工作会议和开展活动，认真完成对片内高校关工委优质化建设均衡发展申报材料的集体考核评议。",
					People:      []string{gg}, Months: []int{4, 10, 11}},
			}},
		},
		Progress: []Progress{
			{Task: 1, On: "05-20", By: gg, Status: "done", Note: "专题学习会3次", Evidence: "学习记录"},
			{Task: 4, On: "11-20", By: gg, Status: "in_progress", Note: "已考核的二级学院关工委中3个达到均衡发展", Evidence: "考核汇总",
				Values: map[string]float64{"balanced_share": 42.9}},
			{Task: 6, On: "10-15", By: gg, Status: "in_progress", Note: "各学院“一院一品”立项", Evidence: "立项清单",
				Values: map[string]float64{"college_brands": 5}},
			{Task: 8, On: "10-31", By: as, Status: "in_progress", Note: "讲师团宣讲场次", Evidence: "宣讲登记表",
				Values: map[string]float64{"lectures": 19}},
		},
	}
}

// IndicatorSystem is a demo indicator system.
type IndicatorSystem struct {
	Owner       string
	Name        string
	Description string
	StatusName  string
	Threshold   float64
	Indicators  []Indicator
}

// Indicator is a demo indicator.
type Indicator struct {
	Code, Name, Criteria string
	Max, Weight          float64
	Key                  bool
}

// CareSystem is 校关工委's standard for college committees after seed 004.
func CareSystem() IndicatorSystem {
	return IndicatorSystem{Owner: keyGuangongwei,
		Name:        "二级学院关工委优质化建设均衡发展考核标准",
		Description: "依据《江苏省高等学校关工委优质化建设均衡发展基本要求》(苏教办关〔2021〕3号)。3个关键指标须全部满分,考核总分达到90分以上,为达到“均衡发展”要求。",
		StatusName:  "均衡发展", Threshold: 90,
		Indicators: []Indicator{
			{"1", "常态化建设与长效机制", "组织健全,例会、学习、档案等制度落实,工作纳入学院考核目标", 15, 0, true},
			{"2", "关爱帮扶实际成效", "有针对性地开展多种形式的关爱帮扶活动并取得实际成效", 15, 0, true},
			{"3", "工作基础与队伍建设", "常务副主任作用发挥,吸纳当年退休优秀教师,队伍稳定", 15, 0, true},
			{"4", "思想引领与红色教育", "“读懂中国”、征文、党史教育“三进”等活动开展情况", 15, 0, false},
			{"5", "“双菜单”精准服务", "需求菜单与资源菜单对接,服务记录完整", 10, 0, false},
			{"6", "“一院一品”特色品牌", "特色工作凝练、成效与影响", 15, 0, false},
			{"7", "学习调研与自身建设", "参加培训、开展调研", 5, 0, false},
			{"8", "宣传阵地与网上关工委", "宣传通讯员、网上阵地建设", 10, 0, false},
		}}
}

// CareRoundOrg is one college's 关工委 in the demo assessment round (every
// college's 关工委, 90% this year, 100% as the stretch goal, scored by the assessor
// and reviewer1).
type CareRoundOrg struct {
	College    string    // college key; its 关工委 is CareKey(College)
	SelfSubmit bool      // the self-assessment was sent
	Self       []float64 // self scores by indicator, nil for none
	Evidence   string    // the self-assessment's evidence
	Scores     []float64 // the assessors' scores by indicator, nil when not scored yet
	ScoredBy   string    // username
	Note       string    // the assessors' note
}

// CareKey returns the key of the 关工委 of the college with key college.
func CareKey(college string) string { return keyOf(college, partCare) }

// CareRoundAssessors are the usernames of the demo round's assessors.
var CareRoundAssessors = []string{Assessor, "reviewer1"}

// CareRoundOrgs are the demo round's self-assessments and scores: three colleges
// reach the status, two fall short (a key indicator, the total), two are not
// scored yet (经济管理学院's self-assessment waits for the assessors).
func CareRoundOrgs() []CareRoundOrg {
	full := []float64{15, 15, 15, 15, 10, 15, 5, 10}
	return []CareRoundOrg{
		{College: "eng", SelfSubmit: true, Self: full, Evidence: "关工委例会记录、关爱帮扶台账、“一院一品”材料",
			Scores: []float64{15, 15, 15, 14, 10, 14, 5, 9}, ScoredBy: Assessor, Note: "各项工作扎实,品牌特色鲜明"},
		{College: "econ", SelfSubmit: true, Self: []float64{15, 15, 15, 14, 9, 14, 5, 9}, Evidence: "“双菜单”对接记录、谈心屋台账、讲师团宣讲登记"},
		{College: "info", SelfSubmit: true, Self: full, Evidence: "工作台账",
			Scores: []float64{15, 13, 15, 15, 10, 14, 5, 9}, ScoredBy: Assessor, Note: "关爱帮扶活动覆盖面不足"},
		{College: "acct", SelfSubmit: true, Self: []float64{15, 15, 15, 13, 8, 12, 4, 8}, Evidence: "工作台账",
			Scores: []float64{15, 15, 15, 12, 7, 11, 3, 7}, ScoredBy: "reviewer1", Note: "特色品牌尚需凝练,宣传阵地薄弱"},
		{College: "art", SelfSubmit: true, Self: full, Evidence: "工作台账",
			Scores: []float64{15, 15, 15, 15, 9, 13, 5, 8}, ScoredBy: "reviewer1"},
		{College: "lang", Self: []float64{15, 15, 14}},
		{College: "civil", SelfSubmit: true, Self: full, Evidence: "工作台账",
			Scores: []float64{15, 15, 15, 14, 10, 12, 4, 9}, ScoredBy: Assessor},
	}
}

// Grading is the demo branch grading of every League branch of the school, by 校团委.
type Grading struct {
	Owner, Scope, Kind, Title      string
	FiveAt, FourAt, ThreeAt, TwoAt float64
	FiveCap, FourCap               float64
}

// BranchGrading returns the demo grading: bands 90/80/70/60, at most 20% five-star
// and 30% four-star branches.
func BranchGrading() Grading {
	return Grading{Owner: keyTuanwei, Scope: keySchool, Kind: "league_branch", Title: "团支部“对标定级”",
		FiveAt: 90, FourAt: 80, ThreeAt: 70, TwoAt: 60, FiveCap: 20, FourCap: 30}
}

// branchScores are the demo grading's scores, given to the branches in tree order.
var branchScores = []float64{93, 86, 78, 91, 84, 72, 88, 65, 81, 76, 95, 83, 58, 79, 74, 90, 75, 70, 68}

// BranchScore returns the demo score of the i-th League branch (from 0) in tree
// order. Of the demo school's 38 branches, 8 score five stars where the 20% cap
// allows 7: the manager must lower one (or correct a score) before confirming.
func BranchScore(i int) float64 { return branchScores[i%len(branchScores)] }
