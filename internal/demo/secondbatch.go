package demo

import "time"

// 焦裕禄班 第二批 (the 2026 program, running): four classes of 工学院 applied in
// March and create from April to January against the same "十个一", reading the
// first batch's case. Its dates are written for Today (2026-11-23) and the seed
// moves them with the days passed since (Project.Shift), so the batch is always
// in the middle of its year:
//
//   - 机械2301班 (counselor 马晓燕, secretary 林佳怡) keeps a lively ledger but let
//     the summer go by without an entry; its essay contest (due end of July) and
//     volunteer service (end of October) are overdue, the volunteer day waits for
//     verification with a competition coaching session, and a publicity entry was
//     returned for a broken link. What is open is due far from the month's end
//     or on a dated step, so that moving the batch by days keeps the same two
//     items overdue whatever month boundaries the move crosses.
//   - 电气2301班 (马晓燕) failed its first phase review and has caught up since,
//     except the essay contest; two recent entries wait for verification.
//   - 电气2302班 and 智造2302班, filed by the 团总支 office, are on time with their
//     items (recorded by the office), but their ledgers are kept on paper and not
//     yet entered: the dashboard's heat map shows them red.

// secondBatchSteps are the dated steps of a second-batch class's creation plan.
func secondBatchSteps(visit string) [][2]string {
	return [][2]string{
		{"2026-03-18", "班委会讨论确定创建计划"},
		{"2026-05-04", "“五四”青年节焦裕禄精神主题团日"},
		{visit, "赴兰考焦裕禄纪念馆参观学习"},
		{"2026-11-28", "“互联网+”大学生创新创业大赛校赛报名"},
	}
}

// secondBatch returns the running projects of 焦裕禄班 第二批.
func secondBatch() []Project {
	jyl := func(org, title, visit string) Project {
		return Project{Program: ProgramJiaoyulu2026, Track: "创建班级", Org: org, Author: counselor, Title: title,
			Starts: "2026-04-01", Ends: "2027-01-31", Budget: jiaoyuluBudget, Steps: secondBatchSteps(visit)}
	}
	me1 := jyl(classKey("eng", "me", 1), "机械2301班“焦裕禄班”创建", "2026-09-26")
	me1.Author = classSec
	me1.Milestones = []MilestoneDone{
		{Title: "一次创建说明班会", On: "2026-04-08", Note: "全班42人参加，辅导员讲解创建意义，对照第一批案例分工"},
		{Title: "一份创建计划书", On: "2026-04-13", File: "机械2301班创建计划书.pdf"},
		{Title: "一次焦裕禄精神主题团日", On: "2026-05-04"},
		{Title: "“五四”青年节焦裕禄精神主题团日", On: "2026-05-04"},
		{Title: "一次焦裕禄精神主题演讲", On: "2026-06-12"},
		{Title: "一次焦裕禄题材电影观影", On: "2026-09-18"},
		{Title: "一次参观学习（焦裕禄纪念馆、兰考学院）", On: "2026-09-26", Link: "https://gxy.example.edu.cn/news/2026/0928-lankao.html"},
		{Title: "赴兰考焦裕禄纪念馆参观学习", On: "2026-09-26"},
		{Title: "一次学科竞赛（“互联网+”“挑战杯”）", On: "2026-11-18", Note: "两支队伍完成“互联网+”校赛组队"},
	}
	v := func(on, title, kind, place string, n int, by, milestone string) Entry {
		return Entry{On: on, Title: title, Kind: kind, Place: place, Participants: n, By: by, Milestone: milestone,
			Reviewer: supervisor, Verdict: "verify"}
	}
	me1.Entries = []Entry{
		v("2026-04-08", "“焦裕禄班”创建说明班会", "theme_meeting", "1号教学楼302", 42, counselor, "一次创建说明班会"),
		v("2026-05-04", "“五四”焦裕禄精神主题团日", "theme_meeting", "1号教学楼302", 40, classSec, "一次焦裕禄精神主题团日"),
		v("2026-06-12", "班级焦裕禄精神主题演讲", "activity", "学术报告厅", 42, classSec, "一次焦裕禄精神主题演讲"),
		v("2026-06-26", "期末学风建设主题班会", "theme_meeting", "1号教学楼302", 41, counselor, ""),
		v("2026-09-18", "观看电影《焦裕禄》", "activity", "大学生活动中心", 39, counselor, "一次焦裕禄题材电影观影"),
		{On: "2026-09-26", Title: "赴兰考焦裕禄纪念馆参观学习", Kind: "study_visit", Place: "兰考县焦裕禄纪念园", Participants: 36, By: counselor,
			Description: "参观焦裕禄纪念馆，在焦桐下重温焦裕禄精神，与兰考学院学生座谈。",
			Link:        "https://gxy.example.edu.cn/news/2026/0928-lankao.html", Milestone: "一次参观学习（焦裕禄纪念馆、兰考学院）",
			Reviewer: supervisor, Verdict: "verify"},
		{On: "2026-10-10", Title: "学院公众号报道参观学习", Kind: "publicity", By: classSec,
			Link: "https://mp.weixin.qq.com/s/gxy-jiaoyulu-2301", Reviewer: supervisor, Verdict: "return",
			Note: "报道链接打不开，请补充截图或重新提供链接。"},
		v("2026-10-24", "“青春向党”主题团日", "theme_meeting", "1号教学楼302", 40, classSec, ""),
		{On: "2026-11-08", Title: "“星星的孩子”关爱孤独症儿童志愿服务", Kind: "volunteer", Place: "郑州市康复中心", Participants: 18, By: counselor,
			Milestone: "一次特色志愿服务"},
		{On: "2026-11-18", Title: "“互联网+”校赛项目组队辅导", Kind: "competition", Place: "创新创业中心", Participants: 12, By: classSec},
	}
	me1.Supervision = []Supervision{
		{Kind: "daily", On: "2026-06-20", Score: 84, Note: "班会记录完整，出勤率高。", By: supervisor},
		{Kind: "phase", On: "2026-07-06", Result: "pass", Title: "第一阶段创建材料", Note: "计划书、班会记录齐全；征文请于7月底前完成。", By: supervisor},
		{Kind: "daily", On: "2026-10-28", Score: 88, Note: "参观学习组织有序，宣传材料待完善。", By: supervisor},
	}

	ee1 := jyl(classKey("eng", "ee", 1), "电气2301班“焦裕禄班”创建", "2026-10-31")
	ee1.Milestones = []MilestoneDone{
		{Title: "一次创建说明班会", On: "2026-04-10"},
		{Title: "一份创建计划书", On: "2026-04-22", Link: "https://gxy.example.edu.cn/files/ee2301-plan.html"},
		{Title: "一次焦裕禄精神主题团日", On: "2026-05-09"},
		{Title: "“五四”青年节焦裕禄精神主题团日", On: "2026-05-09"},
		{Title: "一次焦裕禄精神主题演讲", On: "2026-07-08", Note: "阶段审查后补开"},
		{Title: "一次焦裕禄题材电影观影", On: "2026-09-25"},
		{Title: "一次特色志愿服务", On: "2026-10-25"},
		{Title: "一次参观学习（焦裕禄纪念馆、兰考学院）", On: "2026-10-31", File: "电气2301班参观学习总结.pdf"},
		{Title: "赴兰考焦裕禄纪念馆参观学习", On: "2026-10-31"},
	}
	ee1.Entries = []Entry{
		v("2026-04-10", "创建说明班会", "theme_meeting", "2号教学楼105", 38, counselor, "一次创建说明班会"),
		v("2026-05-09", "焦裕禄精神主题团日", "theme_meeting", "2号教学楼105", 37, counselor, "一次焦裕禄精神主题团日"),
		v("2026-07-08", "焦裕禄精神主题演讲（补开）", "activity", "2号教学楼105", 36, counselor, "一次焦裕禄精神主题演讲"),
		v("2026-09-25", "观看电影《焦裕禄》", "activity", "大学生活动中心", 35, counselor, "一次焦裕禄题材电影观影"),
		v("2026-10-25", "电工技能义务服务进社区", "volunteer", "文昌社区", 14, counselor, "一次特色志愿服务"),
		{On: "2026-10-31", Title: "焦裕禄纪念馆参观学习", Kind: "study_visit", Place: "兰考县焦裕禄纪念园", Participants: 33, By: counselor,
			Milestone: "一次参观学习（焦裕禄纪念馆、兰考学院）"},
		{On: "2026-11-20", Title: "学风建设主题团日", Kind: "theme_meeting", Place: "2号教学楼105", Participants: 37, By: counselor},
	}
	ee1.Supervision = []Supervision{
		{Kind: "phase", On: "2026-07-06", Result: "needs_work", Title: "第一阶段创建材料", Note: "主题演讲、征文未开展，台账两个月未更新。", By: supervisor},
		{Kind: "daily", On: "2026-09-30", Score: 76, Note: "已补开主题演讲，征文仍未开展。", By: supervisor},
		{Kind: "daily", On: "2026-11-16", Score: 82, Note: "进度明显加快，台账及时。", By: supervisor},
	}

	office := func(org, name, visit string) Project {
		p := jyl(org, name+"“焦裕禄班”创建", visit)
		p.Author = gongtuan
		p.Milestones = []MilestoneDone{
			{Title: "一次创建说明班会", On: "2026-04-14"},
			{Title: "一份创建计划书", On: "2026-04-24", File: name + "创建计划书.pdf"},
			{Title: "一次焦裕禄精神主题团日", On: "2026-05-12"},
			{Title: "“五四”青年节焦裕禄精神主题团日", On: "2026-05-12"},
			{Title: "一次焦裕禄精神主题演讲", On: "2026-06-16"},
			{Title: "一次焦裕禄精神主题征文", On: "2026-07-10"},
			{Title: "一次焦裕禄题材电影观影", On: "2026-09-22"},
			{Title: "一次参观学习（焦裕禄纪念馆、兰考学院）", On: "2026-09-29", File: name + "参观学习总结.pdf"},
			{Title: "赴兰考焦裕禄纪念馆参观学习", On: "2026-09-29"},
			{Title: "一次特色志愿服务", On: "2026-10-30"},
		}
		return p
	}
	ee2 := office(classKey("eng", "ee", 2), "电气2302班", "2026-09-29")
	im2 := office(classKey("eng", "im", 2), "智造2302班", "2026-09-29")
	return []Project{me1, ee1, ee2, im2}
}

// Shift returns the project with every date moved by days: the seed moves a
// current program's projects with the days passed since Today.
func (p Project) Shift(days int) Project {
	if days == 0 {
		return p
	}
	d := func(s *string) {
		if t, err := time.Parse(time.DateOnly, *s); err == nil {
			*s = t.AddDate(0, 0, days).Format(time.DateOnly)
		}
	}
	d(&p.Starts)
	d(&p.Ends)
	p.Steps = append([][2]string(nil), p.Steps...)
	for i := range p.Steps {
		d(&p.Steps[i][0])
	}
	p.Milestones = append([]MilestoneDone(nil), p.Milestones...)
	for i := range p.Milestones {
		d(&p.Milestones[i].On)
	}
	p.Entries = append([]Entry(nil), p.Entries...)
	for i := range p.Entries {
		d(&p.Entries[i].On)
	}
	p.Supervision = append([]Supervision(nil), p.Supervision...)
	for i := range p.Supervision {
		d(&p.Supervision[i].On)
	}
	for _, o := range []**Outcome{&p.Outcome, &p.Recheck} {
		if *o != nil {
			c := **o
			d(&c.On)
			if c.RectifyBy != "" {
				d(&c.RectifyBy)
			}
			*o = &c
		}
	}
	if p.Report != nil {
		r := *p.Report
		d(&r.On)
		p.Report = &r
	}
	p.Payments = append([]Payment(nil), p.Payments...)
	for i := range p.Payments {
		d(&p.Payments[i].On)
	}
	return p
}
