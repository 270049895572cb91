package i18n

// Review rounds of the mid-term and final stages, which judge projects' reports and
// record their outcomes.
func init() {
	add(map[string]msg{
		"review.stage_help": {"立项评审收入已提交的申报书；中期考核、验收评审收入已提交该阶段报告的在建项目（已在其他未结束的同阶段轮次中的除外），专家评审的是报告。",
			"Approval rounds take in submitted applications; mid-term and final rounds take in running projects whose report of the stage is submitted (except those in another unfinished round of the stage), and reviewers score the report."},
		"review.report_round_help": {"本轮评审项目的报告。结果生效时，每个项目的考核结果按委员会的决定记录：不合格的单位按计划规定限制申报，优秀项目进入表彰名单，项目负责人收到通知。",
			"This round reviews projects' reports. When the results become final, each project's outcome is recorded from the committee's decision: a failing unit is barred as the program says, excellent projects are commended, and the people responsible are told."},
		"review.select_pass": {"通过", "Pass"},
		"review.outcome_rule.midterm": {"中期考核：勾选“通过”且达到合格线的为合格，其余限期整改。",
			"Mid-term: a ticked project at the pass line passes; every other project must rectify by a date."},
		"review.outcome_rule.final": {"验收评审：勾选“通过”且达到优秀线的为优秀、达到合格线的为合格；未勾选且未达合格线的为不合格；委员会决定与评分不一致的，限期整改。",
			"Final: a ticked project at the excellent line is excellent, at the pass line passes; an unticked project under the pass line fails; where the committee and the score disagree, the project must rectify by a date."},
		"review.auto_approval_only": {"只有立项评审可以直接认定单位。", "Only approval rounds recognise units directly."},
		"review.rectify_by_help":    {"被要求限期整改的项目须在此日期前完成整改。", "Projects told to rectify must do so by this day."},
		"review.report_submitted":   {"提交于 %s", "Submitted on %s"},
		"review.report_links":       {"相关链接", "Links"},
		"round.move_confirm.final_outcomes": {"结果生效后将记录各项目的考核结果：不合格的单位将被限制申报，优秀项目进入表彰名单，项目负责人将收到通知。确定吗？",
			"Each project's outcome will be recorded: failing units are barred, excellent projects commended, and the people responsible told. Go ahead?"},

		"outcome.rounds":         {"评审轮次", "Review rounds"},
		"outcome.in_round":       {"该项目本阶段的报告已进入评审轮次，结果由评审轮次确定。", "This project's report of the stage is in a review round; the round decides its outcome."},
		"outcome.in_round_short": {"该阶段由评审轮次确定结果", "Decided by its review round"},
		"outcome.direct_help":    {"报告已进入评审轮次的阶段，结果由该轮次确定，不在此记录。", "A stage whose report is in a review round is decided by that round, not here."},
	})
}
