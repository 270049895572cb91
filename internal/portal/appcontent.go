package portal

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Leader is the project leader of an application (项目负责人).
type Leader struct {
	Name      string `json:"name"`
	Post      string `json:"post"`
	Phone     string `json:"phone"`
	Political string `json:"political"` // 政治面貌
}

// PlanStep is one dated step of the implementation plan (实施步骤).
type PlanStep struct {
	On   string `json:"on"` // YYYY-MM-DD
	What string `json:"what"`
}

// BudgetLine is one line of the budget (经费预算); amounts are in fen (0.01 yuan).
type BudgetLine struct {
	Item  string `json:"item"`
	Cents int64  `json:"cents"`
	Note  string `json:"note"`
}

// Figures are the applicant's League figures, copied from the organization's profile
// when a version is frozen, so that they are never typed twice.
type Figures struct {
	LeagueMembers int `json:"league_members"`
	YouthUnder28  int `json:"youth_under_28"`
	LeagueCadres  int `json:"league_cadres"`
}

// Ratio returns 团青比例 in percent, or 0 when there are no youths recorded.
func (f Figures) Ratio() float64 {
	if f.YouthUnder28 == 0 {
		return 0
	}
	return float64(f.LeagueMembers) * 100 / float64(f.YouthUnder28)
}

// FiguresOf returns an organization's League figures.
func FiguresOf(o Org) Figures {
	return Figures{LeagueMembers: o.LeagueMembers, YouthUnder28: o.YouthUnder28, LeagueCadres: o.LeagueCadres}
}

// AppContent is what an application form holds: the standard fields of 一团一品's
// 申报表 (附件1), the track's custom fields, and the attached files.
type AppContent struct {
	Title        string              `json:"title"`
	ThemeID      int64               `json:"theme_id,omitempty"`
	Leader       Leader              `json:"leader"`
	Purpose      string              `json:"purpose"`    // 目的
	Content      string              `json:"content"`    // 内容
	Form         string              `json:"form"`       // 形式
	Steps        []PlanStep          `json:"steps"`      // 步骤
	Features     string              `json:"features"`   // 特色
	Safeguards   string              `json:"safeguards"` // 保障措施
	Expected     string              `json:"expected"`   // 预期成果
	Budget       []BudgetLine        `json:"budget"`
	Difficulties string              `json:"difficulties"` // 困难及解决办法
	Custom       map[string][]string `json:"custom,omitempty"`
	Attachments  []int64             `json:"attachments,omitempty"`
	Figures      Figures             `json:"figures"` // set when a version is frozen
}

// Limits of the application form.
const (
	MaxPlanSteps   = 30
	MaxBudgetLines = 50
	MaxAttachments = 30
	// MaxBudgetCents bounds one budget line: ten million yuan.
	MaxBudgetCents = 10_000_000_00
)

// BudgetTotal returns the sum of the budget lines in fen.
func (c AppContent) BudgetTotal() int64 {
	var t int64
	for _, b := range c.Budget {
		t += b.Cents
	}
	return t
}

// textFields lists the long text fields with their form names, in form order.
func (c *AppContent) textFields() []struct {
	name string
	v    *string
} {
	return []struct {
		name string
		v    *string
	}{
		{"purpose", &c.Purpose}, {"content", &c.Content}, {"form", &c.Form}, {"features", &c.Features},
		{"safeguards", &c.Safeguards}, {"expected", &c.Expected}, {"difficulties", &c.Difficulties},
	}
}

// Validate checks the content against the form's rules and the track's custom
// fields. A draft may leave fields empty (it is resumable); complete also requires
// every required field, which is what sending needs. Attachments for file fields are
// counted by the caller and passed in filesByField. Field names in the returned
// EINVALID error are the form's input names.
func (c *AppContent) Validate(fields []FieldDef, filesByField map[string]int, complete bool) error {
	var v Invalid
	c.Title = strings.TrimSpace(c.Title)
	short := map[string]*string{"title": &c.Title, "leader_name": &c.Leader.Name, "leader_post": &c.Leader.Post,
		"leader_phone": &c.Leader.Phone, "leader_political": &c.Leader.Political}
	for name, p := range short {
		*p = strings.TrimSpace(*p)
		if utf8.RuneCountInString(*p) > MaxShortText {
			v.Add(name, "form.too_long")
		}
	}
	if c.Leader.Phone != "" && !phoneRE.MatchString(c.Leader.Phone) {
		v.Add("leader_phone", "app.phone_invalid")
	}
	for _, f := range c.textFields() {
		*f.v = strings.TrimSpace(*f.v)
		if utf8.RuneCountInString(*f.v) > MaxLongText {
			v.Add(f.name, "form.too_long")
		}
	}
	if len(c.Steps) > MaxPlanSteps {
		v.Add("steps", "app.too_many_rows")
	}
	for i, s := range c.Steps {
		if s.On != "" {
			if _, err := time.Parse("2006-01-02", s.On); err != nil {
				v.Add(fmt.Sprintf("step_on_%d", i), "form.bad_date")
			}
		}
		if utf8.RuneCountInString(s.What) > MaxShortText*5 {
			v.Add(fmt.Sprintf("step_what_%d", i), "form.too_long")
		}
	}
	if len(c.Budget) > MaxBudgetLines {
		v.Add("budget", "app.too_many_rows")
	}
	for i, b := range c.Budget {
		if b.Cents < 0 {
			v.Add(fmt.Sprintf("budget_amount_%d", i), "form.not_negative")
		} else if b.Cents > MaxBudgetCents {
			v.Add(fmt.Sprintf("budget_amount_%d", i), "form.too_large")
		}
		if utf8.RuneCountInString(b.Item) > MaxShortText || utf8.RuneCountInString(b.Note) > MaxShortText {
			v.Add(fmt.Sprintf("budget_item_%d", i), "form.too_long")
		}
	}
	for _, f := range fields {
		name := "custom_" + f.Key
		if f.Type == FieldFile {
			if complete && f.Required && filesByField[f.Key] == 0 {
				v.Add(name, "app.file_required")
			}
			continue
		}
		vals := c.Custom[f.Key]
		if msg := f.Check(vals); msg != "" && (msg != "form.required" || complete) {
			v.Add(name, msg)
		}
	}
	if complete {
		required := map[string]string{"title": c.Title, "leader_name": c.Leader.Name, "leader_post": c.Leader.Post,
			"leader_phone": c.Leader.Phone, "leader_political": c.Leader.Political, "purpose": c.Purpose,
			"content": c.Content, "form": c.Form, "expected": c.Expected}
		for name, val := range required {
			if val == "" {
				v.Add(name, "form.required")
			}
		}
		if len(c.Steps) == 0 {
			v.Add("steps", "app.steps_required")
		}
		for i, s := range c.Steps {
			if s.On == "" || strings.TrimSpace(s.What) == "" {
				v.Add(fmt.Sprintf("step_on_%d", i), "app.step_incomplete")
			}
		}
		for i, b := range c.Budget {
			if strings.TrimSpace(b.Item) == "" {
				v.Add(fmt.Sprintf("budget_item_%d", i), "form.required")
			}
		}
	}
	return v.Err()
}

// ParseYuan reads an amount in yuan with at most two decimals ("1,200.50") into fen.
// It refuses negative, non-numeric and over-precise amounts.
func ParseYuan(s string) (int64, bool) {
	s = strings.ReplaceAll(strings.TrimSpace(s), ",", "")
	s = strings.ReplaceAll(s, "，", "")
	if s == "" {
		return 0, true
	}
	whole, frac, hasFrac := strings.Cut(s, ".")
	if whole == "" || strings.HasPrefix(whole, "-") || strings.HasPrefix(whole, "+") || len(frac) > 2 || hasFrac && frac == "" {
		return 0, false
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || w > math.MaxInt64/100-1 {
		return 0, false
	}
	var f int64
	if frac != "" {
		if len(frac) == 1 {
			frac += "0"
		}
		f, err = strconv.ParseInt(frac, 10, 64)
		if err != nil || f < 0 {
			return 0, false
		}
	}
	return w*100 + f, true
}

// FormatYuan writes fen as yuan with two decimals and thousands separators.
func FormatYuan(cents int64) string {
	neg := cents < 0
	if neg {
		cents = -cents
	}
	whole := strconv.FormatInt(cents/100, 10)
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	out := fmt.Sprintf("%s.%02d", b.String(), cents%100)
	if neg {
		return "-" + out
	}
	return out
}

// Change is one field that differs between two versions of an application.
type Change struct {
	Field  string // catalogue key of the field's label, or a custom field's label
	Custom bool   // Field is a custom field's own label, not a catalogue key
	Before string
	After  string
}

// Diff lists what changed from a to b, field by field in form order. Lists (steps,
// budget) are compared as their rendered text.
func Diff(a, b AppContent, fields []FieldDef) []Change {
	var out []Change
	add := func(key, x, y string) {
		if x != y {
			out = append(out, Change{Field: key, Before: x, After: y})
		}
	}
	add("app.f.title", a.Title, b.Title)
	add("app.f.theme", strconv.FormatInt(a.ThemeID, 10), strconv.FormatInt(b.ThemeID, 10))
	add("app.f.leader_name", a.Leader.Name, b.Leader.Name)
	add("app.f.leader_post", a.Leader.Post, b.Leader.Post)
	add("app.f.leader_phone", a.Leader.Phone, b.Leader.Phone)
	add("app.f.leader_political", a.Leader.Political, b.Leader.Political)
	at, bt := a.textFields(), b.textFields()
	for i := range at {
		add("app.f."+at[i].name, *at[i].v, *bt[i].v)
	}
	add("app.f.steps", stepsText(a.Steps), stepsText(b.Steps))
	add("app.f.budget", budgetText(a.Budget), budgetText(b.Budget))
	for _, f := range fields {
		if f.Type == FieldFile {
			continue
		}
		x, y := strings.Join(a.Custom[f.Key], "、"), strings.Join(b.Custom[f.Key], "、")
		if x != y {
			out = append(out, Change{Field: f.Label, Custom: true, Before: x, After: y})
		}
	}
	add("app.f.attachments", idsText(a.Attachments), idsText(b.Attachments))
	return out
}

func stepsText(steps []PlanStep) string {
	var lines []string
	for _, s := range steps {
		lines = append(lines, s.On+" "+s.What)
	}
	return strings.Join(lines, "\n")
}

func budgetText(lines []BudgetLine) string {
	var out []string
	for _, b := range lines {
		out = append(out, fmt.Sprintf("%s %s %s", b.Item, FormatYuan(b.Cents), b.Note))
	}
	return strings.Join(out, "\n")
}

func idsText(ids []int64) string {
	var out []string
	for _, id := range ids {
		out = append(out, strconv.FormatInt(id, 10))
	}
	return strings.Join(out, ",")
}
