package i18n

// A review round's downloads: the score workbook (评分明细 and 汇总排名), the results
// list, and the printable results notice (立项通知); and the committee's decision
// labels, which every review page shows.
func init() {
	add(map[string]msg{
		// Decisions: "review.outcome." + a portal.Stage outcome; "review.auto" for a unit
		// recognised outside the quota without review.
		"review.outcome.approved":  {"立项", "Approved"},
		"review.outcome.rejected":  {"不予立项", "Not approved"},
		"review.outcome.excellent": {"优秀", "Excellent"},
		"review.outcome.pass":      {"合格", "Pass"},
		"review.outcome.rectify":   {"限期整改", "Rectify"},
		"review.outcome.fail":      {"不合格", "Fail"},
		"review.auto":              {"直接认定", "Recognised directly"},

		"reviewexport.yes":                {"是", "Yes"},
		"reviewexport.no":                 {"否", "No"},
		"reviewexport.rank_tied":          {"%d（并列）", "%d (tied)"},
		"reviewexport.on_line":            {"并列跨名额线，待定", "Tied across the quota line: to decide"},
		"reviewexport.criterion":          {"%s（%s）", "%s (%s)"},
		"reviewexport.criterion_weighted": {"%s（%s，权重%s）", "%s (%s, weight %s)"},

		// The score workbook.
		"reviewexport.scores_title":    {"%s %s 评分表", "%s %s: scores"},
		"reviewexport.scores_filename": {"%s%s评分表.xlsx", "%s %s - scores.xlsx"},
		"reviewexport.sheet_detail":    {"评分明细", "Sheets"},
		"reviewexport.sheet_ranking":   {"汇总排名", "Ranking"},
		"reviewexport.detail_title":    {"%s %s 评分明细", "%s %s: every reviewer's sheet"},
		"reviewexport.ranking_title":   {"%s %s 汇总排名", "%s %s: ranking"},

		"reviewexport.col.no":             {"序号", "No."},
		"reviewexport.col.code":           {"编号", "Code"},
		"reviewexport.col.title":          {"项目名称", "Project"},
		"reviewexport.col.org":            {"申报单位", "Applicant"},
		"reviewexport.col.reviewer":       {"评审专家", "Reviewer"},
		"reviewexport.col.total":          {"加权总分", "Weighted total"},
		"reviewexport.col.recommendation": {"推荐意见", "Recommendation"},
		"reviewexport.col.overall":        {"总体意见", "Overall comments"},
		"reviewexport.col.track":          {"赛道", "Track"},
		"reviewexport.col.rank":           {"排名", "Rank"},
		"reviewexport.col.count":          {"评分人数", "Sheets"},
		"reviewexport.col.mean":           {"平均分", "Mean"},
		"reviewexport.col.trimmed":        {"去掉最高最低后的平均分", "Mean without highest and lowest"},
		"reviewexport.col.median":         {"中位数", "Median"},
		"reviewexport.col.stddev":         {"标准差", "Standard deviation"},
		"reviewexport.col.key_full":       {"关键指标满分", "Key indicators at full marks"},
		"reviewexport.col.in_quota":       {"是否在名额内", "Within the quota"},
		"reviewexport.col.decision":       {"决定", "Decision"},
		"reviewexport.col.score":          {"得分", "Score"},
		"reviewexport.col.result":         {"结果", "Result"},
		"reviewexport.col.grant":          {"资助金额（元）", "Grant (yuan)"},
		"reviewexport.col.cycle":          {"建设周期（月）", "Cycle (months)"},

		"reviewexport.note_rank": {"说明：排名依据“去掉最高最低后的平均分”：评分人数不少于%d人时，去掉一个最高分和一个最低分后取平均；不足%d人时即为平均分。分数保留两位小数后相同的并列。标准差为总体标准差。",
			"Note: items rank by the mean without the highest and the lowest score: with %d sheets or more the highest and the lowest total are dropped before averaging; with fewer than %d it is the plain mean. Scores equal to two decimals tie. The standard deviation is the population one."},
		"reviewexport.note_normalised": {"本轮评分经标准化：每位专家的总分先按其本人所评项目的平均分和标准差换算，再统一到全部评分的平均分和标准差上，以消除评分宽严差异；本表统计量均按标准化后的分数计算，“评分明细”中为专家原始总分。",
			"This round normalises: each reviewer's totals are rescaled by the mean and spread of that reviewer's own scores, then mapped onto the mean and spread of all scores, so that lenient and strict reviewers weigh alike. The figures here are computed from the normalised totals; the sheets tab shows the reviewers' raw totals."},
		"reviewexport.note_key_full": {"关键指标规则：关键指标（%s）的平均分未达满分的项目，排在其他项目之后。",
			"Key-indicator rule: an item whose mean score on a key indicator (%s) is below full marks ranks after all the others."},
		"reviewexport.note_quota": {"名额：各赛道按名额划线，不限名额的赛道全部在名额内；名额线上分数并列的，由评审委员会决定。",
			"Quota: each track draws its line at its quota (a track without a quota has every item within it); a tie across the line is for the committee to decide."},
		"reviewexport.list_sep": {"、", ", "},

		// The results list.
		"reviewexport.results_title":    {"%s %s 评审结果", "%s %s: results"},
		"reviewexport.results_filename": {"%s%s评审结果.xlsx", "%s %s - results.xlsx"},
		"reviewexport.sheet_results":    {"评审结果", "Results"},

		// The results notice.
		"reviewexport.notice.page_title":       {"结果通知", "Results notice"},
		"reviewexport.notice.back":             {"返回评审轮次", "Back to the round"},
		"reviewexport.notice.undecided":        {"评审结果尚未决定，暂无可公布的名单。评审委员会作出决定后即可在此打印通知。", "The results are not decided yet, so there is nothing to announce. Once the committee decides, the notice can be printed here."},
		"reviewexport.notice.partly_undecided": {"尚有 %d 个项目未作决定，以下名单可能不完整。", "%d items are not decided yet; the list below may be incomplete."},
		"reviewexport.notice.heading.approval": {"关于公布%s立项结果的通知", "Notice of the approved projects of %s"},
		"reviewexport.notice.heading.midterm":  {"关于公布%s中期考核结果的通知", "Notice of the mid-term results of %s"},
		"reviewexport.notice.heading.final":    {"关于公布%s验收结果的通知", "Notice of the final acceptance results of %s"},
		"reviewexport.notice.salutation":       {"各有关单位：", "To all units concerned:"},
		"reviewexport.notice.body.approval": {"　　经各单位申报、专家评审和评审委员会研究，%s共确定立项项目%d个，现将立项名单公布如下。",
			"After the applications, the experts' review and the committee's deliberation, %s approves %d projects, listed below."},
		"reviewexport.notice.body.midterm": {"　　经专家评审和评审委员会研究，现将%s中期考核结果公布如下（共%d个项目）。",
			"After the experts' review and the committee's deliberation, the mid-term results of %s are announced below (%d projects)."},
		"reviewexport.notice.body.final": {"　　经专家评审和评审委员会研究，现将%s验收结果公布如下（共%d个项目）。",
			"After the experts' review and the committee's deliberation, the acceptance results of %s are announced below (%d projects)."},
		"reviewexport.notice.body_auto": {"其中%d个为直接认定，不占用名额。", " Of these, %d are recognised directly, outside the quota."},
		"reviewexport.notice.auto_mark": {"（%s）", " (%s)"},
	})
}
