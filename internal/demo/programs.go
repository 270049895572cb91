package demo

// The demo programs: the three calls of the seed documents as they ran, kept as
// history (一团一品 2021, seed 002; 对标争先 2022, seed 003; 焦裕禄班 2024 第一批, seed
// 000), 焦裕禄班's second batch running this year (its classes in implementation,
// see secondbatch.go), and a copy of each call open now. The demo's "today" is
// 2026-11-23: every open copy is inside its application phase, with the deadline
// some weeks ahead.

// Program is one demo program. Dates are "2006-01-02".
type Program struct {
	Key           string // stable name for tests and the README; not stored
	Owner, Scope  string // org keys: who runs the call, and whose subtree may apply
	Year          int
	Title         string
	Kind          string // a portal.ProgramKind
	Batch         string
	Description   string
	Status        string // a portal.ProgramStatus
	BanMonths     int
	Endorsements  []string // org kinds, in order
	ExpectedKinds []string
	Phases        []Phase
	// Current marks a program whose dates are written for Today like an open one's
	// and move with it (the running second batch of 焦裕禄班), so that it stays in
	// the middle of its implementation whenever the demo is seeded.
	Current bool
	// CopyOf names the program this one was copied from: it takes that program's
	// tracks and themes when it lists none of its own, with deadlines left to its
	// phases, and records the source as copied_from.
	CopyOf string
	Tracks []Track
	Themes []string
}

// Phase is a dated stage of a demo program; Kind is a portal.PhaseKind.
type Phase struct{ Kind, Starts, Ends string }

// Track is a line of a demo program.
type Track struct {
	Name          string
	Quota         int
	GrantYuan     int64
	CycleMonths   int
	EligibleKinds []string
	MinAgeYears   int
	MinPerOrg     int
	MaxPerOrg     int
	Deadline      string // "" for the end of the application phase
	Fields        []Field
}

// Field is a custom field a track adds to its application form; Type is a
// portal.FieldType.
type Field struct {
	Key, Label, Type string
	Required         bool
	Help             string
	Options          []string
}

// Keys of the demo programs.
const (
	ProgramBrand2021     = "brand-2021"     // 一团一品 2021, archived
	ProgramBenchmark2022 = "benchmark-2022" // 对标争先 2022, archived
	ProgramJiaoyulu2024  = "jiaoyulu-2024"  // 焦裕禄班 2024 第一批, closed, every class accepted
	ProgramJiaoyulu2026  = "jiaoyulu-2026"  // 焦裕禄班 2026 第二批, closed, its classes in implementation
	ProgramBrandOpen     = "brand-2027"     // 一团一品 2027, open until 2026-12-20
	ProgramBenchmarkOpen = "benchmark-2026" // 对标争先 2026, open until 2026-12-18
	ProgramJiaoyuluOpen  = "jiaoyulu-2027"  // 焦裕禄班 2027 第三批, open until 2026-12-25
)

// Descriptions of the demo programs, after their documents.
const (
	brandDescription        = "各二级学院团总支结合专业特色、活动经验及学科特点，自主设计、创建有影响、具有长效性、持续性、可行性的品牌活动项目。每个团总支至少上报1个项目，提交申报表（附件1）及具体实施方案。"
	benchmarkDescription    = "面向全校基层党组织培育创建校级基层党建工作“标杆院部”、样板支部、“双带头人”教师党支部书记工作室和基层党建创新项目。本年度被推荐为省级同类项目的，自动认定为校级项目，不占用培育名额，不参与申报。验收未通过的，取消其2年内申报基层党建项目的资格。专项经费专款专用。"
	jiaoyuluDescription     = "各行政班级依照“焦裕禄班”创建“十个一”和创建计划书开展活动；学院建立创建工作台账，督导组配合辅导员完成日常表现考核、阶段性材料审查和计划落实督导；按验收标准验收。"
	jiaoyuluOpenDescription = jiaoyuluDescription + "第一批创建班级的经验和优秀案例已汇编，供后续批次参考。"
)

// brandThemes are the eight themes of seed 002.
var brandThemes = []string{"思想引领类", "组织建设类", "文化活动类", "学风建设类", "社会实践类", "志愿服务类", "服务成长类", "其他"}

// brandFields ask what 附件1 asks beyond the common application form.
var brandFields = []Field{
	{Key: "plan", Label: "项目实施方案及推进计划", Type: "textarea", Required: true,
		Help: "创建目的、内容、形式、步骤、特色、经费预算、保障措施、预期成果等"},
	{Key: "difficulties", Label: "项目难点及解决办法", Type: "textarea", Required: true},
	{Key: "scheme", Label: "具体实施方案（电子版）", Type: "file"},
}

// benchmarkTracks are the four tracks of seed 003.
var benchmarkTracks = []Track{
	{Name: "标杆院部", Quota: 4, GrantYuan: 20000, CycleMonths: 24, EligibleKinds: []string{"party_general_branch"}, MaxPerOrg: 1,
		Fields: []Field{
			{Key: "basis", Label: "党建工作基础、成功做法与特色经验", Type: "textarea", Required: true},
			{Key: "honours", Label: "近3年所获表彰", Type: "textarea"},
			{Key: "support", Label: "支撑材料", Type: "file"},
		}},
	{Name: "样板支部", Quota: 10, GrantYuan: 10000, CycleMonths: 12, EligibleKinds: []string{"party_branch"}, MinAgeYears: 1, MaxPerOrg: 1,
		Fields: []Field{
			{Key: "branch_type", Label: "支部类型", Type: "choice", Required: true, Options: []string{"教工党支部", "学生党支部"}},
			{Key: "basis", Label: "党建工作基础、成功做法与特色经验", Type: "textarea", Required: true},
			{Key: "support", Label: "支撑材料", Type: "file"},
		}},
	{Name: "“双带头人”教师党支部书记工作室", Quota: 6, GrantYuan: 10000, CycleMonths: 24, EligibleKinds: []string{"party_branch"}, MinAgeYears: 1, MaxPerOrg: 1,
		Fields: []Field{
			{Key: "leader", Label: "工作室负责人（党支部书记）", Type: "text", Required: true},
			{Key: "plan", Label: "工作室建设方案", Type: "textarea", Required: true},
		}},
	{Name: "基层党建创新项目", Quota: 10, GrantYuan: 5000, CycleMonths: 12, EligibleKinds: []string{"party_branch", "party_general_branch"}, MaxPerOrg: 1,
		Fields: []Field{
			{Key: "level", Label: "申报层次", Type: "choice", Required: true, Options: []string{"党总支", "基层党支部"}},
			{Key: "innovation", Label: "创新内容", Type: "textarea", Required: true},
		}},
}

// jiaoyuluFields ask for the class's creation plan (创建计划书) and its ten items.
var jiaoyuluFields = []Field{
	{Key: "plan", Label: "创建计划书", Type: "textarea", Required: true, Help: "对照“十个一”写明各项活动及时间节点"},
	{Key: "counselor", Label: "责任辅导员", Type: "text", Required: true},
	{Key: "plan_file", Label: "创建计划书（附件）", Type: "file"},
}

// Today is the day the open and current programs' dates (and the current
// programs' projects) are written for; the seed moves them by the days that have
// passed since.
const Today = "2026-11-23"

// Programs returns the demo programs, originals before their copies; a new list on
// every call.
func Programs() []Program {
	return []Program{
		{Key: ProgramBrand2021, Owner: keyTuanwei, Scope: keySchool, Year: 2021,
			Title: "2021年共青团工作“一团一品”品牌创建", Kind: "league_brand", Status: "archived", Description: brandDescription,
			Endorsements: []string{"league_general_branch", "party_general_branch"}, ExpectedKinds: []string{"league_general_branch"},
			Phases: []Phase{
				{"application", "2021-03-01", "2021-03-30"},
				{"approval", "2021-04-01", "2021-04-30"},
				{"implementation", "2021-04-01", "2021-11-30"},
				{"final", "2021-12-01", "2021-12-31"},
			},
			Tracks: []Track{{Name: "团总支品牌项目", EligibleKinds: []string{"league_general_branch"}, MinPerOrg: 1, CycleMonths: 9, Fields: brandFields}},
			Themes: brandThemes},
		{Key: ProgramBenchmark2022, Owner: keyDangwei, Scope: keySchool, Year: 2022,
			Title: "2022年基层党建“对标争先”建设计划", Kind: "party_benchmark", Status: "archived", Description: benchmarkDescription,
			BanMonths: 24, Endorsements: []string{"party_general_branch"},
			Phases: []Phase{
				{"application", "2022-11-14", "2022-11-24"},
				{"approval", "2022-11-25", "2022-12-31"},
				{"implementation", "2023-01-01", "2024-11-30"},
				{"midterm", "2023-05-01", "2023-11-30"},
				{"final", "2023-11-01", "2024-12-31"},
			},
			Tracks: benchmarkTracks},
		{Key: ProgramJiaoyulu2024, Owner: keyOf("eng", partLeague), Scope: keyOf("eng", partLeague), Year: 2024,
			Title: "工学院“焦裕禄班”创建", Kind: "class_creation", Batch: "第一批", Status: "closed", Description: jiaoyuluDescription,
			Phases: []Phase{
				{"application", "2024-03-01", "2024-03-31"},
				{"implementation", "2024-04-01", "2024-12-31"},
				{"final", "2025-01-02", "2025-01-17"},
			},
			Tracks: []Track{{Name: "创建班级", EligibleKinds: []string{"class"}, MaxPerOrg: 1, CycleMonths: 12, Fields: jiaoyuluFields}}},

		// Running now: the second batch, applied for in March, in implementation
		// until the end of January.
		{Key: ProgramJiaoyulu2026, CopyOf: ProgramJiaoyulu2024, Owner: keyOf("eng", partLeague), Scope: keyOf("eng", partLeague), Year: 2026,
			Title: "工学院“焦裕禄班”创建", Kind: "class_creation", Batch: "第二批", Status: "closed", Current: true,
			Description: jiaoyuluOpenDescription,
			Phases: []Phase{
				{"application", "2026-02-23", "2026-03-20"},
				{"implementation", "2026-04-01", "2027-01-31"},
				{"final", "2027-02-01", "2027-02-28"},
			}},

		// Open now.
		{Key: ProgramBrandOpen, CopyOf: ProgramBrand2021, Owner: keyTuanwei, Scope: keySchool, Year: 2027,
			Title: "2027年共青团工作“一团一品”品牌创建", Kind: "league_brand", Status: "open", Description: brandDescription,
			Endorsements: []string{"league_general_branch", "party_general_branch"}, ExpectedKinds: []string{"league_general_branch"},
			Phases: []Phase{
				{"application", "2026-11-02", "2026-12-20"},
				{"approval", "2027-03-01", "2027-03-31"},
				{"implementation", "2027-04-01", "2027-11-30"},
				{"final", "2027-12-01", "2027-12-31"},
			}},
		{Key: ProgramBenchmarkOpen, CopyOf: ProgramBenchmark2022, Owner: keyDangwei, Scope: keySchool, Year: 2026,
			Title: "2026年基层党建“对标争先”建设计划", Kind: "party_benchmark", Status: "open", Description: benchmarkDescription,
			BanMonths: 24, Endorsements: []string{"party_general_branch"},
			Phases: []Phase{
				{"application", "2026-11-09", "2026-12-18"},
				{"approval", "2026-12-21", "2027-01-15"},
				{"implementation", "2027-01-16", "2028-11-30"},
				{"midterm", "2027-05-01", "2027-11-30"},
				{"final", "2027-11-01", "2028-12-31"},
			}},
		{Key: ProgramJiaoyuluOpen, CopyOf: ProgramJiaoyulu2024, Owner: keyOf("eng", partLeague), Scope: keyOf("eng", partLeague), Year: 2027,
			Title: "工学院“焦裕禄班”创建", Kind: "class_creation", Batch: "第三批", Status: "open", Description: jiaoyuluOpenDescription,
			Phases: []Phase{
				{"application", "2026-11-16", "2026-12-25"},
				{"implementation", "2027-01-01", "2027-12-31"},
				{"final", "2028-01-03", "2028-01-14"},
			}},
	}
}
