package portal

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Stage is what a review round judges.
type Stage string

// The stages of DOMAIN.md.
const (
	StageApproval Stage = "approval" // 立项评审
	StageMidterm  Stage = "midterm"  // 中期考核
	StageFinal    Stage = "final"    // 验收 / 评审考核
)

// Stages lists the stages in order.
var Stages = []Stage{StageApproval, StageMidterm, StageFinal}

// Valid reports whether s is a known stage.
func (s Stage) Valid() bool { return s == StageApproval || s == StageMidterm || s == StageFinal }

// Recommendations returns what a reviewer may recommend at the stage.
func (s Stage) Recommendations() []string {
	if s == StageApproval {
		return []string{"approve", "revise", "reject"}
	}
	return []string{"excellent", "pass", "rectify", "fail"}
}

// Outcomes returns the decisions a committee may take at the stage.
func (s Stage) Outcomes() []string {
	if s == StageApproval {
		return []string{"approved", "rejected"}
	}
	return []string{"excellent", "pass", "rectify", "fail"}
}

// RoundStatus is where a round stands: draft → scoring → deciding → published → final.
type RoundStatus string

// The round statuses.
const (
	RoundDraft     RoundStatus = "draft"     // set up: rubric, items, reviewers
	RoundScoring   RoundStatus = "scoring"   // reviewers score
	RoundDeciding  RoundStatus = "deciding"  // scores locked; the committee decides
	RoundPublished RoundStatus = "published" // 公示: results visible, objections open
	RoundFinal     RoundStatus = "final"     // decisions final: projects created, applicants told
)

// Criterion is one line of a rubric.
type Criterion struct {
	Key          string  `json:"key"`
	Name         string  `json:"name"`
	Description  string  `json:"description,omitempty"`
	Max          float64 `json:"max"`
	Weight       float64 `json:"weight"` // 0 is taken as 1
	KeyIndicator bool    `json:"key_indicator,omitempty"`
}

// W returns the criterion's weight, 1 when unset.
func (c Criterion) W() float64 {
	if c.Weight <= 0 {
		return 1
	}
	return c.Weight
}

// Rubric is how a round scores: criteria, thresholds and the key-indicator rule.
type Rubric struct {
	Criteria    []Criterion `json:"criteria"`
	PassAt      float64     `json:"pass_at"`      // e.g. 60: below fails
	ExcellentAt float64     `json:"excellent_at"` // e.g. 90
	// KeyFull requires every key indicator at full marks (mean over reviewers).
	KeyFull bool `json:"key_full"`
}

// MaxTotal returns the highest weighted total the rubric allows.
func (r Rubric) MaxTotal() float64 {
	var t float64
	for _, c := range r.Criteria {
		t += c.Max * c.W()
	}
	return t
}

// Limits of a rubric.
const (
	MaxCriteria   = 30
	MaxScoreValue = 1000
)

// Validate checks a rubric and returns an EINVALID error naming every bad field:
// criterion rows are "c<i>_name", "c<i>_max", "c<i>_weight".
func (r *Rubric) Validate() error {
	var v Invalid
	if len(r.Criteria) == 0 {
		v.Add("criteria", "review.criteria_required")
	}
	if len(r.Criteria) > MaxCriteria {
		v.Add("criteria", "app.too_many_rows")
	}
	keys := map[string]bool{}
	for i := range r.Criteria {
		c := &r.Criteria[i]
		p := "c" + strconv.Itoa(i) + "_"
		c.Name = strings.TrimSpace(c.Name)
		if c.Key == "" {
			c.Key = "c" + strconv.Itoa(i+1)
		}
		switch {
		case c.Name == "":
			v.Add(p+"name", "form.required")
		case utf8.RuneCountInString(c.Name) > 100 || utf8.RuneCountInString(c.Description) > 1000:
			v.Add(p+"name", "form.too_long")
		}
		if keys[c.Key] {
			v.Add(p+"name", "review.criterion_duplicate")
		}
		keys[c.Key] = true
		if !(c.Max > 0 && c.Max <= MaxScoreValue) || math.IsNaN(c.Max) {
			v.Add(p+"max", "review.max_invalid")
		}
		if c.Weight < 0 || c.Weight > 100 || math.IsNaN(c.Weight) {
			v.Add(p+"weight", "review.weight_invalid")
		}
	}
	total := r.MaxTotal()
	if r.PassAt < 0 || (total > 0 && r.PassAt > total) {
		v.Add("pass_at", "review.threshold_invalid")
	}
	if r.ExcellentAt < 0 || (total > 0 && r.ExcellentAt > total) || (r.ExcellentAt > 0 && r.ExcellentAt < r.PassAt) {
		v.Add("excellent_at", "review.threshold_invalid")
	}
	return v.Err()
}

// Sheet is one reviewer's scores and comments on one item.
type Sheet struct {
	Scores         map[string]float64 `json:"scores"`
	Comments       map[string]string  `json:"comments"`
	Overall        string             `json:"overall"`
	Recommendation string             `json:"recommendation"`
}

// CheckSheet validates a sheet against the rubric; complete (for submitting)
// requires a score for every criterion and a recommendation. Field names are
// "score_<key>", "comment_<key>", "overall", "recommendation".
func CheckSheet(r Rubric, stage Stage, s Sheet, complete bool) error {
	var v Invalid
	for _, c := range r.Criteria {
		x, ok := s.Scores[c.Key]
		switch {
		case !ok && complete:
			v.Add("score_"+c.Key, "review.score_required")
		case ok && (x < 0 || math.IsNaN(x)):
			v.Add("score_"+c.Key, "form.not_negative")
		case ok && x > c.Max:
			v.Add("score_"+c.Key, "review.score_over_max")
		}
		if utf8.RuneCountInString(s.Comments[c.Key]) > 2000 {
			v.Add("comment_"+c.Key, "form.too_long")
		}
	}
	for k := range s.Scores {
		if !r.has(k) {
			v.Add("score_"+k, "error.unknown_field")
		}
	}
	for k := range s.Comments {
		if !r.has(k) {
			v.Add("comment_"+k, "error.unknown_field")
		}
	}
	if utf8.RuneCountInString(s.Overall) > 5000 {
		v.Add("overall", "form.too_long")
	}
	if s.Recommendation != "" && !containsString(stage.Recommendations(), s.Recommendation) {
		v.Add("recommendation", "form.choose")
	}
	if complete && s.Recommendation == "" {
		v.Add("recommendation", "form.choose")
	}
	return v.Err()
}

func (r Rubric) has(key string) bool {
	for _, c := range r.Criteria {
		if c.Key == key {
			return true
		}
	}
	return false
}

// ParseScore reads a score typed into a form: a number with at most one decimal.
func ParseScore(s string) (float64, bool) {
	s = strings.TrimSpace(s)
	x, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
		return 0, false
	}
	if _, frac, ok := strings.Cut(s, "."); ok && len(frac) > 1 {
		return 0, false
	}
	return x, true
}

// WeightedTotal returns a sheet's total: each score times its criterion's weight.
func WeightedTotal(r Rubric, s Sheet) float64 {
	var t float64
	for _, c := range r.Criteria {
		t += s.Scores[c.Key] * c.W()
	}
	return t
}

// Stats summarises the totals an item received.
type Stats struct {
	Count       int
	Mean        float64
	TrimmedMean float64 // drops the highest and the lowest at 5 scores or more
	Median      float64
	StdDev      float64 // population standard deviation
	Trimmed     bool    // whether TrimmedMean dropped anything
}

// TrimAt is how many scores the on-site convention needs before the highest and
// the lowest are dropped.
const TrimAt = 5

// Aggregate computes the statistics of totals.
func Aggregate(totals []float64) Stats {
	n := len(totals)
	if n == 0 {
		return Stats{}
	}
	xs := append([]float64(nil), totals...)
	sort.Float64s(xs)
	st := Stats{Count: n, Mean: mean(xs)}
	if n%2 == 1 {
		st.Median = xs[n/2]
	} else {
		st.Median = (xs[n/2-1] + xs[n/2]) / 2
	}
	var ss float64
	for _, x := range xs {
		ss += (x - st.Mean) * (x - st.Mean)
	}
	st.StdDev = math.Sqrt(ss / float64(n))
	st.TrimmedMean = st.Mean
	if n >= TrimAt {
		st.TrimmedMean = mean(xs[1 : n-1])
		st.Trimmed = true
	}
	return st
}

func mean(xs []float64) float64 {
	var t float64
	for _, x := range xs {
		t += x
	}
	return t / float64(len(xs))
}

// Normalise rescales each reviewer's totals to z-scores over the items that
// reviewer scored, then maps them onto the pooled mean and standard deviation of
// all totals, so that a lenient and a strict reviewer weigh alike. A reviewer with
// one score or no spread keeps the pooled mean. totals maps reviewer → item → total.
func Normalise(totals map[int64]map[int64]float64) map[int64]map[int64]float64 {
	var all []float64
	for _, byItem := range totals {
		for _, x := range byItem {
			all = append(all, x)
		}
	}
	pooled := Aggregate(all)
	out := map[int64]map[int64]float64{}
	for rev, byItem := range totals {
		var xs []float64
		for _, x := range byItem {
			xs = append(xs, x)
		}
		st := Aggregate(xs)
		out[rev] = map[int64]float64{}
		for item, x := range byItem {
			z := 0.0
			if st.StdDev > 1e-9 {
				z = (x - st.Mean) / st.StdDev
			}
			out[rev][item] = pooled.Mean + z*pooled.StdDev
		}
	}
	return out
}

// KeyIndicatorsFull reports whether every key criterion's mean score over the
// sheets is at full marks. A rubric without key criteria passes.
func KeyIndicatorsFull(r Rubric, sheets []Sheet) bool {
	if len(sheets) == 0 {
		return false
	}
	for _, c := range r.Criteria {
		if !c.KeyIndicator {
			continue
		}
		var t float64
		for _, s := range sheets {
			t += s.Scores[c.Key]
		}
		if t/float64(len(sheets)) < c.Max-1e-9 {
			return false
		}
	}
	return true
}

// Ranked is one item in a track's ranking.
type Ranked struct {
	ItemID  int64
	Score   float64 // what ranks it: the trimmed mean (or its normalised form)
	Rank    int     // 1-based; equal scores share a rank
	Tied    bool    // shares its rank with another item
	InQuota bool    // ranks within the quota
	OnLine  bool    // tied across the quota line: the committee must choose
	KeyOK   bool    // passes the key-indicator rule (true when the rubric has none)
}

// Rank orders items by score, best first, ties sharing a rank (scores equal to two
// decimals), and draws the quota line: an item is in quota when its rank is within
// quota (0: no limit); a tie that straddles the line is marked OnLine. Items failing
// the key-indicator rule rank after all the others.
func Rank(items []Ranked, quota int) []Ranked {
	out := append([]Ranked(nil), items...)
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].KeyOK != out[j].KeyOK {
			return out[i].KeyOK
		}
		if r2(out[i].Score) != r2(out[j].Score) {
			return out[i].Score > out[j].Score
		}
		return out[i].ItemID < out[j].ItemID
	})
	for i := range out {
		if i > 0 && r2(out[i].Score) == r2(out[i-1].Score) && out[i].KeyOK == out[i-1].KeyOK {
			out[i].Rank = out[i-1].Rank
			out[i].Tied, out[i-1].Tied = true, true
		} else {
			out[i].Rank = i + 1
		}
	}
	for i := range out {
		out[i].InQuota = quota == 0 || out[i].Rank <= quota
		if quota > 0 && out[i].Tied && out[i].Rank <= quota {
			// The tie straddles the line when its group runs past the quota.
			last := i
			for last+1 < len(out) && out[last+1].Rank == out[i].Rank {
				last++
			}
			if last+1 > quota {
				out[i].OnLine = true
			}
		}
	}
	return out
}

func r2(x float64) float64 { return math.Round(x*100) / 100 }

// CheckSelection checks the committee's choice for one track: at most quota
// selected unless a written reason is given (quota 0: no limit).
func CheckSelection(selected, quota int, reason string) error {
	if quota > 0 && selected > quota && strings.TrimSpace(reason) == "" {
		return &Error{Code: EINVALID, Message: "review.over_quota_reason", Args: []any{selected, quota},
			Fields: map[string]string{"reason": "review.over_quota_reason_short"}}
	}
	return nil
}

// ConflictReason returns the catalogue key of why a reviewer may not review an
// application, or "": a grant of the reviewer's covering the applicant (other than
// the reviewer grant itself, which usually covers the school), having written it,
// having endorsed it, or a declared conflict with the applicant organization.
func ConflictReason(reviewer *Actor, appOrgPath string, authorID int64, endorserIDs []int64, declaredOrgPaths []string) string {
	for _, g := range reviewer.Grants {
		if g.Role != RoleReviewer && g.Role != RoleViewer && PathCovers(g.OrgPath, appOrgPath) {
			return "review.conflict_grant"
		}
	}
	if PathCovers(reviewer.HomePath, appOrgPath) && reviewer.HomePath != "" {
		return "review.conflict_home"
	}
	if reviewer.UserID == authorID {
		return "review.conflict_author"
	}
	for _, id := range endorserIDs {
		if id == reviewer.UserID {
			return "review.conflict_endorser"
		}
	}
	for _, p := range declaredOrgPaths {
		if PathCovers(p, appOrgPath) || PathCovers(appOrgPath, p) {
			return "review.conflict_declared"
		}
	}
	return ""
}

// AssignInput is one item to staff, with the reviewers it may not have.
type AssignInput struct {
	ItemID   int64
	Excluded map[int64]bool // reviewer id → conflicted
	Have     []int64        // reviewers already on it (kept)
}

// Assign picks n reviewers for each item from pool, never an excluded one, keeping
// the reviewers already assigned and balancing load (load holds the current count
// per reviewer and is updated). Items with the fewest eligible reviewers are staffed
// first. It returns the new pairs and the items left short.
func Assign(items []AssignInput, pool []int64, n int, load map[int64]int) (pairs [][2]int64, short []int64) {
	order := append([]AssignInput(nil), items...)
	eligible := func(it AssignInput) int {
		c := 0
		for _, r := range pool {
			if !it.Excluded[r] {
				c++
			}
		}
		return c
	}
	sort.SliceStable(order, func(i, j int) bool { return eligible(order[i]) < eligible(order[j]) })
	for _, it := range order {
		have := map[int64]bool{}
		for _, r := range it.Have {
			have[r] = true
		}
		cands := []int64{}
		for _, r := range pool {
			if !it.Excluded[r] && !have[r] {
				cands = append(cands, r)
			}
		}
		sort.SliceStable(cands, func(i, j int) bool {
			if load[cands[i]] != load[cands[j]] {
				return load[cands[i]] < load[cands[j]]
			}
			return cands[i] < cands[j]
		})
		need := n - len(it.Have)
		for _, r := range cands {
			if need <= 0 {
				break
			}
			pairs = append(pairs, [2]int64{it.ItemID, r})
			load[r]++
			need--
		}
		if need > 0 {
			short = append(short, it.ItemID)
		}
	}
	return pairs, short
}

// BlindCode is the label an item carries in a blind round: a letter for the track's
// position and a two-digit number.
func BlindCode(trackIndex, n int) string {
	return fmt.Sprintf("%c%02d", 'A'+rune(trackIndex%26), n)
}

// PublicationEnds returns when a publication started at publishedAt closes: the end
// of the last of days whole days in zone.
func PublicationEnds(publishedAt time.Time, days int, zone *time.Location) time.Time {
	return EndOfDay(publishedAt.In(zone).AddDate(0, 0, days-1), zone)
}

// CycleEnd returns the last day of a project started on start running months.
func CycleEnd(start time.Time, months int) time.Time {
	if months <= 0 {
		months = 12
	}
	return start.AddDate(0, months, -1)
}

// RoundInput is what a manager types to open a review round.
type RoundInput struct {
	Stage       Stage
	Title       string
	Starts      time.Time
	Ends        time.Time
	TrackIDs    []int64
	Rubric      Rubric
	Blind       bool
	Normalise   bool
	PerItem     int // reviewers per submission
	Defence     bool
	PublishDays int
}

// Validate checks a round against its program's tracks and returns an EINVALID error
// naming every bad field.
func (in *RoundInput) Validate(d ProgramDetail) error {
	var v Invalid
	in.Title = strings.TrimSpace(in.Title)
	switch {
	case in.Title == "":
		v.Add("title", "form.required")
	case utf8.RuneCountInString(in.Title) > 200:
		v.Add("title", "form.too_long")
	}
	if !in.Stage.Valid() {
		v.Add("stage", "form.choose")
	}
	if in.Starts.IsZero() {
		v.Add("starts_on", "form.required")
	}
	if in.Ends.IsZero() {
		v.Add("ends_on", "form.required")
	} else if !in.Starts.IsZero() && in.Ends.Before(in.Starts) {
		v.Add("ends_on", "review.ends_before_starts")
	}
	if len(in.TrackIDs) == 0 {
		v.Add("tracks", "review.tracks_required")
	}
	for _, id := range in.TrackIDs {
		if _, ok := d.Track(id); !ok {
			v.Add("tracks", "form.choose")
		}
	}
	if in.PerItem < 1 || in.PerItem > 20 {
		v.Add("per_item", "review.per_item_invalid")
	}
	if in.PublishDays == 0 {
		in.PublishDays = 5
	}
	if in.PublishDays < 1 || in.PublishDays > 60 {
		v.Add("publish_days", "review.publish_days_invalid")
	}
	if err := in.Rubric.Validate(); err != nil {
		for k, m := range FieldErrors(err) {
			v.Add(k, m)
		}
	}
	return v.Err()
}

// CanScore reports whether the actor may score a sheet assigned to reviewerID: only
// the reviewer it is assigned to.
func CanScore(actor *Actor, reviewerID int64) bool {
	return actor.SignedIn() && actor.UserID == reviewerID
}
