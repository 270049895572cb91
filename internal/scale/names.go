package scale

import (
	"fmt"
	"strings"
)

// Small tables from which realistic Chinese names are put together. Each entry is
// a character with its pinyin, so that usernames read like the ones schools issue
// (zhangwei0012345).
type syllable struct{ han, pinyin string }

// The most common surnames, roughly in order of frequency: pick with a skew towards
// the front (as real rolls are).
var surnames = []syllable{
	{"王", "wang"}, {"李", "li"}, {"张", "zhang"}, {"刘", "liu"}, {"陈", "chen"}, {"杨", "yang"}, {"黄", "huang"},
	{"赵", "zhao"}, {"吴", "wu"}, {"周", "zhou"}, {"徐", "xu"}, {"孙", "sun"}, {"马", "ma"}, {"朱", "zhu"},
	{"胡", "hu"}, {"郭", "guo"}, {"何", "he"}, {"高", "gao"}, {"林", "lin"}, {"罗", "luo"}, {"郑", "zheng"},
	{"梁", "liang"}, {"谢", "xie"}, {"宋", "song"}, {"唐", "tang"}, {"许", "xu"}, {"韩", "han"}, {"冯", "feng"},
	{"邓", "deng"}, {"曹", "cao"}, {"彭", "peng"}, {"曾", "zeng"}, {"肖", "xiao"}, {"田", "tian"}, {"董", "dong"},
	{"袁", "yuan"}, {"潘", "pan"}, {"于", "yu"}, {"蒋", "jiang"}, {"蔡", "cai"}, {"余", "yu"}, {"杜", "du"},
	{"叶", "ye"}, {"程", "cheng"}, {"苏", "su"}, {"魏", "wei"}, {"吕", "lv"}, {"丁", "ding"}, {"任", "ren"},
	{"沈", "shen"}, {"姚", "yao"}, {"卢", "lu"}, {"姜", "jiang"}, {"崔", "cui"}, {"钟", "zhong"}, {"谭", "tan"},
	{"陆", "lu"}, {"汪", "wang"}, {"范", "fan"}, {"金", "jin"}, {"石", "shi"}, {"廖", "liao"}, {"贾", "jia"},
	{"夏", "xia"}, {"韦", "wei"}, {"付", "fu"}, {"方", "fang"}, {"白", "bai"}, {"邹", "zou"}, {"孟", "meng"},
	{"熊", "xiong"}, {"秦", "qin"}, {"邱", "qiu"}, {"江", "jiang"}, {"尹", "yin"}, {"薛", "xue"}, {"闫", "yan"},
	{"段", "duan"}, {"雷", "lei"}, {"侯", "hou"}, {"龙", "long"}, {"史", "shi"}, {"陶", "tao"}, {"黎", "li"},
	{"贺", "he"}, {"顾", "gu"}, {"毛", "mao"}, {"郝", "hao"}, {"龚", "gong"}, {"邵", "shao"}, {"万", "wan"},
	{"钱", "qian"}, {"严", "yan"}, {"覃", "qin"}, {"武", "wu"}, {"戴", "dai"}, {"莫", "mo"}, {"孔", "kong"},
	{"向", "xiang"}, {"汤", "tang"}, {"常", "chang"}, {"温", "wen"}, {"康", "kang"}, {"施", "shi"},
}

// Characters used in given names.
var givenChars = []syllable{
	{"伟", "wei"}, {"芳", "fang"}, {"娜", "na"}, {"敏", "min"}, {"静", "jing"}, {"丽", "li"}, {"强", "qiang"},
	{"磊", "lei"}, {"军", "jun"}, {"洋", "yang"}, {"勇", "yong"}, {"艳", "yan"}, {"杰", "jie"}, {"娟", "juan"},
	{"涛", "tao"}, {"明", "ming"}, {"超", "chao"}, {"秀", "xiu"}, {"霞", "xia"}, {"平", "ping"}, {"刚", "gang"},
	{"桂", "gui"}, {"英", "ying"}, {"华", "hua"}, {"玉", "yu"}, {"萍", "ping"}, {"红", "hong"}, {"鹏", "peng"},
	{"辉", "hui"}, {"建", "jian"}, {"晨", "chen"}, {"宇", "yu"}, {"浩", "hao"}, {"然", "ran"}, {"欣", "xin"},
	{"怡", "yi"}, {"梓", "zi"}, {"涵", "han"}, {"子", "zi"}, {"轩", "xuan"}, {"思", "si"}, {"雨", "yu"},
	{"嘉", "jia"}, {"博", "bo"}, {"文", "wen"}, {"佳", "jia"}, {"琪", "qi"}, {"诗", "shi"}, {"一", "yi"},
	{"晓", "xiao"}, {"雪", "xue"}, {"婷", "ting"}, {"慧", "hui"}, {"志", "zhi"}, {"海", "hai"}, {"鑫", "xin"},
	{"斌", "bin"}, {"新", "xin"}, {"春", "chun"}, {"亮", "liang"}, {"成", "cheng"}, {"宁", "ning"}, {"欢", "huan"},
	{"凯", "kai"}, {"昊", "hao"}, {"天", "tian"}, {"瑞", "rui"}, {"泽", "ze"}, {"俊", "jun"}, {"语", "yu"},
	{"晴", "qing"}, {"可", "ke"}, {"心", "xin"}, {"彤", "tong"}, {"航", "hang"}, {"阳", "yang"}, {"毅", "yi"},
	{"帆", "fan"}, {"悦", "yue"}, {"安", "an"}, {"远", "yuan"}, {"铭", "ming"}, {"哲", "zhe"}, {"睿", "rui"},
	{"璐", "lu"}, {"颖", "ying"}, {"倩", "qian"}, {"蕾", "lei"}, {"薇", "wei"}, {"瑶", "yao"}, {"梦", "meng"},
	{"佳", "jia"}, {"家", "jia"}, {"国", "guo"}, {"立", "li"}, {"新", "xin"}, {"振", "zhen"}, {"德", "de"},
}

// personName returns a Chinese name and its pinyin, from three random numbers.
func personName(a, b, c uint64) (han, pinyin string) {
	// Skew towards common surnames: the square of a uniform number.
	x := float64(a%10000) / 10000
	s := surnames[int(x*x*float64(len(surnames)))]
	g1 := givenChars[b%uint64(len(givenChars))]
	if c%3 == 0 { // a one-character given name
		return s.han + g1.han, s.pinyin + g1.pinyin
	}
	g2 := givenChars[c%uint64(len(givenChars))]
	return s.han + g1.han + g2.han, s.pinyin + g1.pinyin + g2.pinyin
}

// Cities of one province (Henan), for school names.
var cities = []string{"郑州", "开封", "洛阳", "平顶山", "安阳", "鹤壁", "新乡", "焦作", "濮阳", "许昌", "漯河",
	"三门峡", "南阳", "商丘", "信阳", "周口", "驻马店", "济源", "中原", "黄河", "嵩山", "伏牛"}

// Kinds of school, each with a set of colleges that such a school would have.
var schoolTypes = []struct {
	suffix   string
	colleges []string
}{
	{"大学", []string{"文学院", "历史学院", "数学与统计学院", "物理学院", "化学学院", "生命科学学院", "经济学院", "法学院", "外国语学院", "新闻与传播学院", "计算机与人工智能学院", "马克思主义学院"}},
	{"理工大学", []string{"机械工程学院", "电气工程学院", "计算机学院", "土木工程学院", "材料科学与工程学院", "化工学院", "能源学院", "测绘学院", "管理学院", "外国语学院", "马克思主义学院", "数学与信息科学学院"}},
	{"师范学院", []string{"教育科学学院", "文学院", "数学与统计学院", "物理与电子工程学院", "化学化工学院", "外国语学院", "音乐学院", "美术学院", "体育学院", "历史文化学院", "马克思主义学院", "心理学院"}},
	{"医学院", []string{"基础医学院", "临床医学院", "护理学院", "药学院", "公共卫生学院", "口腔医学院", "医学技术学院", "中医学院", "第一临床学院", "第二临床学院", "马克思主义学院", "人文学院"}},
	{"财经学院", []string{"会计学院", "金融学院", "经济学院", "工商管理学院", "财政税务学院", "统计学院", "法学院", "外国语学院", "电子商务学院", "旅游管理学院", "马克思主义学院", "信息工程学院"}},
	{"职业技术学院", []string{"机电工程学院", "汽车工程学院", "信息工程学院", "建筑工程学院", "经济管理学院", "艺术设计学院", "电子工程学院", "智能制造学院", "现代服务学院", "护理学院", "马克思主义学院", "通识教育学院"}},
	{"农业大学", []string{"农学院", "植物保护学院", "园艺学院", "动物科技学院", "动物医学院", "林学院", "食品科学技术学院", "资源与环境学院", "机电工程学院", "经济与管理学院", "马克思主义学院", "生命科学学院"}},
	{"科技学院", []string{"电子信息学院", "机械学院", "建筑学院", "商学院", "艺术学院", "外国语学院", "计算机学院", "化学与环境学院", "数理学院", "传媒学院", "马克思主义学院", "体育学院"}},
}

// schoolName returns the name of school i (0-based): unique for the first
// len(cities)*len(schoolTypes) schools, numbered after that.
func schoolName(i int) string {
	city := cities[i%len(cities)]
	t := schoolTypes[(i/len(cities)+i)%len(schoolTypes)]
	name := city + t.suffix
	if n := i / (len(cities) * len(schoolTypes)); n > 0 {
		name = fmt.Sprintf("%s(第%d校区)", name, n+1)
	}
	return name
}

func collegeName(school, college int) string {
	t := schoolTypes[(school/len(cities)+school)%len(schoolTypes)]
	name := t.colleges[college%len(t.colleges)]
	if n := college / len(t.colleges); n > 0 {
		name = fmt.Sprintf("%s%d", strings.TrimSuffix(name, "学院"), n+1) + "学院"
	}
	return name
}

// majorShort is a short subject name for class names (计算机2023级1班).
func majorShort(college string) string {
	s := strings.TrimSuffix(college, "学院")
	for _, cut := range []string{"与", "及", "和"} {
		if i := strings.Index(s, cut); i > 0 {
			s = s[:i]
		}
	}
	r := []rune(s)
	if len(r) > 4 {
		r = r[:4]
	}
	return string(r)
}

var schoolDepartments = []string{"教务处", "学生工作处", "研究生院", "后勤管理处", "图书馆", "保卫处"}
var partyDepartments = []string{"组织部", "宣传部"}
var leagueDepartments = []string{"组织部", "宣传部", "社会实践部", "青年志愿者协会"}
var leagueBranchNames = []string{"学生会团支部", "研究生团支部", "青年志愿者协会团支部", "社团联合会团支部", "教工团支部", "创新创业团支部", "艺术团团支部", "新闻中心团支部"}
var partyBranchNames = []string{"教工第一党支部", "教工第二党支部", "教工第三党支部", "学生第一党支部", "学生第二党支部", "研究生党支部", "离退休党支部", "机关党支部"}

// Project and ledger vocabulary.
var themesByKind = map[string][]string{
	"league_brand":    {"理想信念教育", "志愿服务", "科技创新", "文化艺术", "社会实践"},
	"party_benchmark": {"党建引领", "立德树人", "服务发展", "组织建设"},
	"class_creation":  {"学风建设", "红色传承", "劳动教育", "心理健康"},
	"other":           {"思想引领", "组织力提升", "青春建功", "校园文化"},
}

var projectWords = []string{"青春", "红色", "筑梦", "启航", "匠心", "星火", "同心", "薪火", "扬帆", "铸魂", "追光", "向阳", "践行", "润心", "致远", "笃行"}
var projectTails = []string{"宣讲团", "志愿服务队", "工作坊", "读书会", "实践营", "大讲堂", "文化节", "创新实验室", "先锋岗", "微课堂", "服务站", "成长营"}

var ledgerTitles = map[string][]string{
	"activity":      {"主题团日活动", "班级团建活动", "“青年大学习”集中学习", "读书分享会", "心理健康主题活动", "趣味运动会"},
	"theme_meeting": {"主题班会:学习党的二十大精神", "主题班会:诚信考试", "组织生活会", "主题团课", "三会两制一课"},
	"publicity":     {"公众号推文发布", "活动动态展示", "校园广播报道", "宣传展板展示", "短视频发布"},
	"competition":   {"“挑战杯”校赛", "“互联网+”大赛校赛", "演讲比赛", "知识竞赛", "辩论赛", "技能大赛"},
	"volunteer":     {"社区志愿服务", "敬老院志愿服务", "义务支教", "无偿献血宣传", "图书馆志愿服务", "交通文明引导"},
	"study_visit":   {"焦裕禄纪念园参观学习", "红旗渠研学", "兰考实践教学", "博物馆参观", "企业参观学习"},
	"lecture":       {"专家讲座", "朋辈经验分享", "就业指导讲座", "安全教育讲座", "学术报告会"},
	"other":         {"工作例会", "材料整理归档", "经费使用报备", "问卷调研"},
}
var ledgerKinds = []string{"activity", "theme_meeting", "publicity", "competition", "volunteer", "study_visit", "lecture", "other"}
var places = []string{"教学楼A201", "教学楼B305", "图书馆报告厅", "学生活动中心", "大学生创业园", "校史馆", "体育馆", "线上(腾讯会议)", "社区服务中心", "实验楼一楼大厅"}

var checklistTitles = []string{"一次主题班会", "一次志愿服务", "一次红色研学", "一次读书分享", "一次宣讲活动",
	"一篇宣传报道", "一次文体活动", "一次学风督查", "一次社会实践", "一份总结报告"}
