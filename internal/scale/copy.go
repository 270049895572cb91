package scale

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// A table is one COPY: its columns and a function filling row i of n.
type table struct {
	name string
	cols []string
	n    int
	fill func(i int, row []any)
	// next, when set, replaces n and fill: it streams rows until it returns false.
	next func(row []any) bool
}

func (t table) copy(ctx context.Context, conn *pgx.Conn) (int64, error) {
	row := make([]any, len(t.cols))
	i := 0
	src := pgx.CopyFromFunc(func() ([]any, error) {
		clear(row)
		if t.next != nil {
			if !t.next(row) {
				return nil, nil
			}
			return row, nil
		}
		if i >= t.n {
			return nil, nil
		}
		t.fill(i, row)
		i++
		return row, nil
	})
	n, err := conn.CopyFrom(ctx, pgx.Identifier{t.name}, t.cols, src)
	if err != nil {
		return n, fmt.Errorf("copy %s: %w", t.name, err)
	}
	return n, nil
}

func id(i int) int64 { return int64(i + 1) }

func nullID(i int) any {
	if i < 0 {
		return nil
	}
	return id(i)
}

func nullText(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

// ts is a moment on date d at hour h in China (UTC+8).
func ts(d time.Time, h float64) time.Time {
	return d.Add(time.Duration((h - 8) * float64(time.Hour)))
}

// tables returns every table to fill, the largest (the ledger) first so that it
// starts at once on its own connection.
func (w *world) tables() []table {
	created := ts(day(w.first-1, 8, 20), 9)
	// The ledger in two halves first, one on each connection.
	out := w.ledgerTables(2)
	out = append(out, table{name: "orgs", cols: []string{"id", "parent_id", "path", "kind", "name", "code", "founded_on",
		"league_members", "youth_under_28", "league_cadres", "active", "version", "created_at", "updated_at"}, n: len(w.orgs),
		fill: func(i int, r []any) {
			o := w.orgs[i]
			r[0], r[1], r[2], r[3], r[4], r[5], r[6] = id(i), nullID(o.parent), o.path, o.kind, o.name, nullText(o.code), o.founded
			r[7], r[8], r[9], r[10], r[11], r[12], r[13] = o.members, o.youth, o.cadres, true, int32(1), created, created
		}})
	out = append(out, table{name: "users", cols: []string{"id", "username", "phone", "display_name", "password_hash", "home_org_id",
		"lang", "active", "must_change_password", "session_epoch", "version", "created_at", "updated_at"}, n: len(w.users),
		fill: func(i int, r []any) {
			u := w.users[i]
			r[0], r[1], r[2], r[3], r[4], r[5] = id(i), u.username, fmt.Sprintf("13%09d", i+1), u.name, w.hash, id(u.home)
			r[6], r[7], r[8], r[9], r[10], r[11], r[12] = "zh", true, false, int32(1), int32(1), created, created
		}})
	out = append(out, table{name: "role_grants", cols: []string{"id", "user_id", "role", "org_id", "created_at"}, n: len(w.grants),
		fill: func(i int, r []any) {
			g := w.grants[i]
			r[0], r[1], r[2], r[3], r[4] = id(i), id(g.user), g.role, id(g.org), created
		}})
	out = append(out, w.programTables()...)
	out = append(out, w.applicationTables()...)
	out = append(out, w.reviewTables()...)
	out = append(out, w.projectTables()...)
	out = append(out, w.auditTable())
	return out
}

func (w *world) programTables() []table {
	type phaseRow struct {
		program int
		ph      [3]any
	}
	var phases []phaseRow
	for pi, p := range w.programs {
		for _, ph := range p.phases {
			phases = append(phases, phaseRow{pi, ph})
		}
	}
	var checklist [][2]int // program, position
	for pi, p := range w.programs {
		if p.kind == "class_creation" {
			for k := range checklistTitles {
				checklist = append(checklist, [2]int{pi, k})
			}
		}
	}
	return []table{
		{name: "programs", cols: []string{"id", "owner_org_id", "scope_org_id", "year", "title", "kind", "batch", "description",
			"status", "ban_months", "endorsements", "expected_kinds", "version", "created_at", "updated_at"}, n: len(w.programs),
			fill: func(i int, r []any) {
				p := w.programs[i]
				at := ts(p.phases[0][1].(time.Time).AddDate(0, 0, -14), 10)
				endorse, expected := p.endorsements, p.expected
				if expected == nil {
					expected = []string{}
				}
				r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7] = id(i), id(p.owner), id(p.scope), int32(p.year), p.title, p.kind, p.batch, p.description
				r[8], r[9], r[10], r[11], r[12], r[13], r[14] = p.status, int32(p.banMonths), endorse, expected, int32(3), at, at
			}},
		{name: "program_phases", cols: []string{"program_id", "kind", "starts_on", "ends_on"}, n: len(phases),
			fill: func(i int, r []any) {
				ph := phases[i]
				r[0], r[1], r[2], r[3] = id(ph.program), ph.ph[0], ph.ph[1], ph.ph[2]
			}},
		{name: "themes", cols: []string{"id", "program_id", "name", "position"}, n: len(w.themes),
			fill: func(i int, r []any) {
				t := w.themes[i]
				r[0], r[1], r[2], r[3] = id(i), id(t.program), t.name, int32(t.pos)
			}},
		{name: "tracks", cols: []string{"id", "program_id", "name", "position", "quota", "grant_yuan", "cycle_months", "eligible_kinds",
			"min_age_years", "min_per_org", "max_per_org", "fields", "version"}, n: len(w.tracks),
			fill: func(i int, r []any) {
				t := w.tracks[i]
				r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7] = id(i), id(t.program), t.name, int32(t.position), int32(t.quota), t.grant, int32(t.cycle), t.eligible
				r[8], r[9], r[10], r[11], r[12] = int32(0), int32(0), int32(t.maxPer), []byte("[]"), int32(1)
			}},
		{name: "program_rules", cols: []string{"program_id", "showcase_per_month", "ledger_every_days", "evidence_required",
			"pay_after_completion", "late_reports", "remind_days", "escalate_days", "version"}, n: len(w.programs),
			fill: func(i int, r []any) {
				p := w.programs[i]
				showcase, every := int32(0), int32(30)
				if p.kind == "party_benchmark" {
					showcase = 1
				}
				r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8] = id(i), showcase, every, p.kind == "class_creation", p.kind == "league_brand", false, int32(7), int32(7), int32(1)
			}},
		{name: "checklist_items", cols: []string{"id", "program_id", "position", "title", "due_month", "evidence_required"}, n: len(checklist),
			fill: func(i int, r []any) {
				c := checklist[i]
				r[0], r[1], r[2], r[3], r[4], r[5] = id(i), id(c[0]), int32(c[1]), checklistTitles[c[1]], int32(c[1]+2), true
			}},
	}
}

// endorserUser returns the person who gives an endorsing body's opinion.
func (w *world) endorserUser(o int) int {
	org := w.orgs[o]
	switch org.kind {
	case "league_general_branch":
		return w.colleges[org.college].lgbEndorser
	case "party_general_branch":
		return w.colleges[org.college].pgbEndorser
	case "league_committee":
		if org.school >= 0 {
			return w.schools[org.school].leagueEndorser
		}
	case "party_committee":
		return w.schools[org.school].partyEndorser
	}
	return w.provinceEndorser
}

func (w *world) managerOf(p program) int {
	if p.school < 0 {
		return w.provinceManagers[0]
	}
	if p.kind == "party_benchmark" {
		return w.schools[p.school].partyManager
	}
	return w.schools[p.school].managers[0]
}

type event struct {
	app     int
	at      time.Time
	actor   int
	kind    string
	version int
	step    int // -1: none
	org     int // -1: none
	note    string
}

// appEvents returns an application's history, as the store would have written it.
func (w *world) appEvents(ai int) []event {
	a := w.apps[ai]
	if a.versions == 0 {
		return nil
	}
	p := w.programs[a.program]
	sent := a.created.Add(time.Hour)
	evs := []event{{app: ai, at: sent, actor: a.author, kind: "send", version: 1, step: -1, org: -1}}
	steps := a.step
	if a.status == "returned" {
		steps = 0
	}
	for s := 0; s < steps && s < len(a.endorsers); s++ {
		o := a.endorsers[s]
		evs = append(evs, event{app: ai, at: sent.Add(time.Duration(s+1) * 20 * time.Hour), actor: w.endorserUser(o), kind: "endorse",
			version: 1, step: s, org: o, note: "同意推荐。"})
	}
	switch a.status {
	case "returned":
		o := a.endorsers[0]
		evs = append(evs, event{app: ai, at: sent.Add(20 * time.Hour), actor: w.endorserUser(o), kind: "return", version: 1, step: 0, org: o,
			note: "请补充经费预算明细后重新提交。"})
	case "withdrawn":
		evs = append(evs, event{app: ai, at: a.updated, actor: a.author, kind: "withdraw", version: 1, step: -1, org: -1})
	case "received", "approved", "rejected":
		evs = append(evs, event{app: ai, at: a.submitted.Add(24 * time.Hour), actor: w.managerOf(p), kind: "receive", version: 1, step: -1, org: -1})
		if a.status != "received" {
			k := "approve"
			if a.status == "rejected" {
				k = "reject"
			}
			evs = append(evs, event{app: ai, at: a.updated, actor: w.managerOf(p), kind: k, version: 1, step: -1, org: -1})
		}
	}
	return evs
}

func (w *world) applicationTables() []table {
	// Application events and notifications stream from the applications.
	evApp, evIdx := 0, 0
	var evs []event
	evID := 0
	nextEvent := func(r []any) bool {
		for evIdx >= len(evs) {
			if evApp >= len(w.apps) {
				return false
			}
			evs, evIdx = w.appEvents(evApp), 0
			evApp++
		}
		e := evs[evIdx]
		evIdx++
		evID++
		var step, org any
		orgName, orgKind := "", ""
		if e.step >= 0 {
			step = int32(e.step)
		}
		if e.org >= 0 {
			org = id(e.org)
			orgName, orgKind = w.orgs[e.org].name, w.orgs[e.org].kind
		}
		r[0], r[1], r[2], r[3], r[4], r[5] = int64(evID), id(e.app), e.at, id(e.actor), w.users[e.actor].name, e.kind
		r[6], r[7], r[8], r[9], r[10], r[11] = int32(e.version), step, org, orgName, orgKind, e.note
		return true
	}
	var sent []int
	for ai, a := range w.apps {
		if a.versions > 0 {
			sent = append(sent, ai)
		}
	}
	return []table{
		{name: "applications", cols: []string{"id", "program_id", "track_id", "theme_id", "org_id", "org_path", "author_id", "status",
			"title", "content", "budget_cents", "leader_name", "endorser_ids", "endorser_paths", "endorse_step", "versions", "version",
			"created_at", "updated_at", "submitted_at"}, n: len(w.apps),
			fill: func(i int, r []any) {
				a := w.apps[i]
				ids := make([]int64, len(a.endorsers))
				paths := make([]string, len(a.endorsers))
				for k, o := range a.endorsers {
					ids[k], paths[k] = id(o), w.orgs[o].path
				}
				if a.versions == 0 {
					ids, paths = []int64{}, []string{}
				}
				r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7] = id(i), id(a.program), id(a.track), nullID(a.theme), id(a.org), w.orgs[a.org].path, id(a.author), a.status
				r[8], r[9], r[10], r[11], r[12], r[13], r[14] = a.title, a.content, a.budget, a.leader, ids, paths, int32(a.step)
				r[15], r[16], r[17], r[18], r[19] = int32(a.versions), int32(a.version), a.created, a.updated, nullTime(a.submitted)
			}},
		{name: "application_versions", cols: []string{"application_id", "number", "title", "content", "sent_by", "sent_by_name", "sent_at"},
			n: len(sent), fill: func(i int, r []any) {
				ai := sent[i]
				a := w.apps[ai]
				r[0], r[1], r[2], r[3], r[4], r[5], r[6] = id(ai), int32(1), a.title, a.content, id(a.author), w.users[a.author].name, a.created.Add(time.Hour)
			}},
		{name: "application_events", cols: []string{"id", "application_id", "at", "actor_id", "actor_name", "event", "version_number",
			"step", "org_id", "org_name", "org_kind", "note"}, next: nextEvent},
		{name: "notifications", cols: []string{"id", "user_id", "at", "message", "args", "link", "read_at"}, n: len(sent),
			fill: func(i int, r []any) {
				ai := sent[i]
				a := w.apps[ai]
				msg := "notify.received"
				switch a.status {
				case "approved":
					msg = "notify.approved"
				case "rejected":
					msg = "notify.rejected"
				case "returned":
					msg = "notify.returned"
				case "endorsing", "submitted", "withdrawn":
					msg = "notify.endorsed"
				}
				args, _ := json.Marshal([]any{a.title, w.orgs[a.org].name})
				var read any
				if a.updated.Before(w.today.AddDate(0, 0, -14)) {
					read = a.updated.Add(20 * time.Hour)
				}
				r[0], r[1], r[2], r[3], r[4], r[5], r[6] = id(i), id(a.author), a.updated, msg, args, fmt.Sprintf("/applications/%d", ai+1), read
			}},
	}
}

var overallComments = []string{"项目设计完整,特色鲜明,建议立项。", "方案可行,预算合理,需进一步细化实施步骤。", "育人成效可期,建议加强宣传。",
	"创新性一般,建议结合专业特色完善方案。", "覆盖面较广,建议明确量化目标。"}

func (w *world) reviewTables() []table {
	type rt struct{ round, track int }
	var rts []rt
	type rr struct{ round, user int }
	var rrs []rr
	nItems, nSheets := 0, 0
	for ri, rd := range w.rounds {
		for _, t := range w.programs[rd.program].tracks {
			rts = append(rts, rt{ri, t})
		}
		for _, u := range rd.pool {
			rrs = append(rrs, rr{ri, u})
		}
		nItems += len(rd.items)
		nSheets += len(rd.items) * rd.perItem
	}
	// Items and sheets stream round by round.
	itemRound := make([]int, 0, nItems)
	for ri, rd := range w.rounds {
		for range rd.items {
			itemRound = append(itemRound, ri)
		}
	}
	var decisions []int // item ids (0-based) of final rounds
	for i, ri := range itemRound {
		if w.rounds[ri].status == "final" {
			decisions = append(decisions, i)
		}
	}
	sheetItem := func(sh int) (ri, k, j int) {
		// Binary search over the rounds' first sheets.
		lo, hi := 0, len(w.rounds)-1
		for lo < hi {
			mid := (lo + hi + 1) / 2
			if w.rounds[mid].firstSh <= sh {
				lo = mid
			} else {
				hi = mid - 1
			}
		}
		rd := w.rounds[lo]
		off := sh - rd.firstSh
		return lo, off / rd.perItem, off % rd.perItem
	}
	return []table{
		{name: "review_rounds", cols: []string{"id", "program_id", "stage", "title", "starts_on", "ends_on", "status", "rubric", "blind",
			"normalise", "reviewers_per_item", "defence", "publish_days", "published_at", "decision_note", "version", "created_at"},
			n: len(w.rounds), fill: func(i int, r []any) {
				rd := w.rounds[i]
				r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8] = id(i), id(rd.program), rd.stage, rd.title, rd.starts, rd.ends, rd.status, rd.rubric, false
				r[9], r[10], r[11], r[12], r[13], r[14], r[15], r[16] = false, int32(rd.perItem), false, int32(5), nullTime(rd.published), "", int32(4), ts(rd.starts, 9)
			}},
		{name: "round_tracks", cols: []string{"round_id", "track_id"}, n: len(rts),
			fill: func(i int, r []any) { r[0], r[1] = id(rts[i].round), id(rts[i].track) }},
		{name: "round_reviewers", cols: []string{"round_id", "user_id"}, n: len(rrs),
			fill: func(i int, r []any) { r[0], r[1] = id(rrs[i].round), id(rrs[i].user) }},
		{name: "round_items", cols: []string{"id", "round_id", "application_id", "track_id", "version_number", "position", "code"}, n: nItems,
			fill: func(i int, r []any) {
				ri := itemRound[i]
				it := w.rounds[ri].items[i-w.rounds[ri].firstItem]
				r[0], r[1], r[2], r[3], r[4], r[5], r[6] = id(i), id(ri), id(it.app), id(it.track), int32(1), int32(it.position), it.code
			}},
		{name: "review_assignments", cols: []string{"id", "round_id", "item_id", "reviewer_id", "status", "scores", "comments", "overall",
			"recommendation", "note", "submitted_at", "version"}, n: nSheets,
			fill: func(i int, r []any) {
				ri, k, j := sheetItem(i)
				rd := w.rounds[ri]
				reviewer := rd.pool[(k*rd.perItem+j)%len(rd.pool)]
				h := mix(w.seed, 11, uint64(i))
				status := "submitted"
				if rd.status == "scoring" {
					switch x := h % 100; {
					case x < 40:
						status = "submitted"
					case x < 55:
						status = "started"
					default:
						status = "assigned"
					}
				}
				scores, overall, rec := []byte("{}"), "", ""
				var submitted any
				version := int32(1)
				if status != "assigned" {
					a := w.apps[rd.items[k].app]
					quality := float64(mix(w.seed, 12, uint64(rd.items[k].app))%40) / 100 // the item's own quality
					var buf []byte
					buf = append(buf, '{')
					for c, cr := range rubricCriteria {
						maxv := cr[1].(float64)
						noise := float64(mix(h, uint64(c))%20)/100 - 0.1
						v := int((0.55 + quality + noise) * maxv)
						v = min(max(v, 0), int(maxv))
						if c > 0 {
							buf = append(buf, ',')
						}
						buf = fmt.Appendf(buf, `"c%d":%d`, c+1, v)
					}
					buf = append(buf, '}')
					scores = buf
					overall = overallComments[h%uint64(len(overallComments))]
					version = 2
					if status == "submitted" {
						version = 3
						if rd.stage == "approval" {
							rec = "approve"
							if a.status == "rejected" {
								rec = "reject"
							}
						} else {
							rec = "pass"
						}
						submitted = ts(rd.starts.AddDate(0, 0, int(h%uint64(max(1, int(rd.ends.Sub(rd.starts).Hours()/24))))), 15)
						if t := submitted.(time.Time); t.After(w.today) {
							submitted = w.today.Add(-time.Hour)
						}
					}
				}
				r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7] = id(i), id(ri), id(rd.firstItem+k), id(reviewer), status, scores, []byte("{}"), overall
				r[8], r[9], r[10], r[11] = rec, "", submitted, version
			}},
		{name: "round_decisions", cols: []string{"id", "round_id", "item_id", "org_id", "track_id", "outcome", "decided_by", "decided_at"},
			n: len(decisions), fill: func(i int, r []any) {
				item := decisions[i]
				ri := itemRound[item]
				rd := w.rounds[ri]
				it := rd.items[item-rd.firstItem]
				a := w.apps[it.app]
				outcome := a.status
				if rd.stage == "final" {
					outcome = map[string]string{"excellent": "excellent", "passed": "pass", "rectify": "rectify", "failed": "fail"}[w.projects[a.project].status]
				}
				r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7] = id(i), id(ri), id(item), id(a.org), id(it.track), outcome, id(w.managerOf(w.programs[rd.program])), rd.published.Add(-24*time.Hour)
			}},
	}
}

func (w *world) projectTables() []table {
	nMs := 0
	for _, pr := range w.projects {
		nMs += pr.milestones
	}
	msProject := make([]int32, 0, nMs)
	for pj, pr := range w.projects {
		for k := 0; k < pr.milestones; k++ {
			msProject = append(msProject, int32(pj))
		}
	}
	var paid []int
	for pj, pr := range w.projects {
		if pr.status == "passed" || pr.status == "excellent" {
			paid = append(paid, pj)
		}
	}
	return []table{
		{name: "projects", cols: []string{"id", "application_id", "program_id", "track_id", "org_id", "org_path", "title", "grant_yuan",
			"starts_on", "ends_on", "status", "auto_recognised", "round_id", "version", "created_at", "secretary_id", "counselor_id",
			"outcome_note", "decided_at"}, n: len(w.projects),
			fill: func(i int, r []any) {
				pr := w.projects[i]
				a := w.apps[pr.app]
				note := ""
				if pr.status == "rectify" {
					note = "台账记录不完整,限期整改。"
				}
				r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7] = id(i), id(pr.app), id(a.program), id(a.track), id(a.org), w.orgs[a.org].path, a.title, w.tracks[a.track].grant
				r[8], r[9], r[10], r[11], r[12], r[13], r[14] = pr.starts, pr.ends, pr.status, false, id(pr.round), int32(2), ts(pr.starts, 9)
				r[15], r[16], r[17], r[18] = id(a.author), nullID(pr.counselor), note, nullTime(pr.decided)
			}},
		{name: "milestones", cols: []string{"id", "project_id", "source", "position", "title", "due_on", "status", "completed_on",
			"evidence_required", "version", "created_at", "updated_at"}, n: nMs,
			fill: func(i int, r []any) {
				pj := int(msProject[i])
				pr := w.projects[pj]
				k := i - pr.firstMs
				source, title := "plan", []string{"启动部署", "中期推进", "成果展示", "总结验收"}[k%4]
				months := (k + 1) * 12 / pr.milestones
				if pr.milestones == len(checklistTitles) {
					source, title, months = "checklist", checklistTitles[k], k+2
				}
				due := pr.starts.AddDate(0, months, -1)
				status := "not_started"
				var completed any
				h := mix(w.seed, 21, uint64(i))
				switch {
				case due.Before(w.today) && h%10 != 0:
					status = "done"
					completed = due.AddDate(0, 0, -int(h%20))
				case due.Before(w.today.AddDate(0, 2, 0)):
					status = "in_progress"
				}
				r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7] = id(i), id(pj), source, int32(k), title, due, status, completed
				r[8], r[9], r[10], r[11] = source == "checklist", int32(1), ts(pr.starts, 10), ts(pr.starts, 10)
			}},
		{name: "disbursements", cols: []string{"id", "project_id", "paid_on", "cents", "note", "created_by", "created_at"}, n: len(paid),
			fill: func(i int, r []any) {
				pj := paid[i]
				pr := w.projects[pj]
				a := w.apps[pr.app]
				on := pr.ends.AddDate(0, 0, 20)
				if on.After(w.today) {
					on = w.today
				}
				r[0], r[1], r[2], r[3], r[4], r[5], r[6] = id(i), id(pj), on, w.tracks[a.track].grant*100, "验收合格后拨付", id(w.managerOf(w.programs[a.program])), ts(on, 11)
			}},
	}
}

// ledgerTables streams the work ledgers in time order, as they were written: day
// by day, each running project's entries of that day. Entries older than a month
// are verified by the project's supervisor; newer ones wait, a few were returned.
// The stream is cut in parts (by id) that load side by side.
func (w *world) ledgerTables(parts int) []table {
	cols := []string{"id", "project_id", "org_path", "root_id", "revision", "on_date", "title", "kind",
		"description", "participants", "place", "milestone_id", "author_id", "author_name", "status", "reviewer_id", "reviewer_name",
		"reviewed_at", "review_note", "version", "created_at", "updated_at"}
	if len(w.projects) == 0 || w.ledgerTotal == 0 {
		return nil
	}
	first := w.projects[0].starts
	for _, pr := range w.projects {
		if pr.starts.Before(first) {
			first = pr.starts
		}
	}
	spans := make([]int, len(w.projects))
	for pj, pr := range w.projects {
		end := pr.ends
		if end.After(w.today) {
			end = w.today
		}
		spans[pj] = max(1, int(end.Sub(pr.starts).Hours()/24)+1)
	}
	verifiedBefore := w.today.AddDate(0, 0, -30)
	// Per-project fields computed once.
	type pinfo struct {
		path, author string
		authorID     int64
		supID        int64
		supName      string
	}
	infos := make([]pinfo, len(w.projects))
	for i, pr := range w.projects {
		a := w.apps[pr.app]
		author := a.author
		if pr.counselor >= 0 && i%3 == 0 {
			author = pr.counselor
		}
		infos[i] = pinfo{path: w.orgs[a.org].path, author: w.users[author].name, authorID: id(author), supID: id(pr.supervisor), supName: w.users[pr.supervisor].name}
	}
	part := func(from, to int) table {
		d := first
		pj, k, kEnd := -1, 0, 0
		nextID := 0
		// advance moves to the next entry: day d, project pj.
		advance := func() bool {
			for k >= kEnd {
				pj++
				if pj >= len(w.projects) {
					pj = 0
					d = d.AddDate(0, 0, 1)
					if d.After(w.today) {
						return false
					}
				}
				pr := w.projects[pj]
				if pr.ledger == 0 || d.Before(pr.starts) {
					k, kEnd = 0, 0
					continue
				}
				t := int(d.Sub(pr.starts).Hours() / 24)
				if t >= spans[pj] {
					k, kEnd = 0, 0
					continue
				}
				// Entries k with floor(k*span/n) == t.
				n, span := pr.ledger, spans[pj]
				k = (t*n + span - 1) / span
				kEnd = ((t+1)*n + span - 1) / span
			}
			k++
			nextID++
			return true
		}
		return table{name: "ledger_entries", cols: cols, next: func(r []any) bool {
			for {
				if !advance() || nextID > to {
					return false
				}
				if nextID > from {
					break
				}
			}
			pr := w.projects[pj]
			info := infos[pj]
			h := mix(w.seed, 31, uint64(nextID))
			kind := ledgerKinds[h%uint64(len(ledgerKinds))]
			titles := ledgerTitles[kind]
			title := titles[(h>>8)%uint64(len(titles))]
			created := ts(d, 9+float64((h>>16)%10))
			var ms any
			if (h>>24)%10 == 0 {
				ms = int64(pr.firstMs + int((h>>28)%uint64(pr.milestones)) + 1)
			}
			status, note := "verified", ""
			var reviewer, reviewed any = info.supID, created.Add(72 * time.Hour)
			reviewerName := info.supName
			if d.After(verifiedBefore) {
				status, reviewer, reviewerName, reviewed = "pending", nil, "", nil
				if (h>>32)%10 == 0 {
					status, reviewer, reviewerName, reviewed, note = "returned", info.supID, info.supName, created.Add(48*time.Hour), "请补充活动照片和签到表。"
				}
			}
			updated := created
			if t, ok := reviewed.(time.Time); ok {
				updated = t
			}
			r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7] = int64(nextID), id(pj), info.path, int64(nextID), int32(1), d, title, kind
			r[8], r[9], r[10], r[11], r[12], r[13], r[14] = "围绕项目目标开展,学生反响良好。", int32(10+(h>>40)%150), places[(h>>48)%uint64(len(places))], ms, info.authorID, info.author, status
			r[15], r[16], r[17], r[18], r[19], r[20], r[21] = reviewer, reviewerName, reviewed, note, int32(1), created, updated
			return true
		}}
	}
	var out []table
	for i := 0; i < parts; i++ {
		out = append(out, part(w.ledgerTotal*i/parts, w.ledgerTotal*(i+1)/parts))
	}
	return out
}

var auditActions = []struct{ action, entity string }{
	{"user.sign_in", "user"}, {"user.sign_in", "user"}, {"user.sign_in", "user"}, {"application.save", "application"},
	{"application.send", "application"}, {"application.endorse", "application"}, {"review.sheet_submitted", "review_assignment"},
	{"ledger.add", "ledger_entry"}, {"ledger.verify", "ledger_entry"}, {"user.sign_out", "user"},
}

// auditTable streams the audit log: sign-ins and the changes behind the data, in
// time order from the first year to today.
func (w *world) auditTable() table {
	n := w.sc.Audit
	start := ts(day(w.first, 1, 1), 0)
	span := w.today.Sub(start)
	return table{name: "audit_events", cols: []string{"id", "at", "actor_id", "actor_name", "action", "entity", "entity_id", "org_path", "remote"},
		n: n, fill: func(i int, r []any) {
			h := mix(w.seed, 41, uint64(i))
			at := start.Add(time.Duration(float64(span) * float64(i) / float64(n)))
			act := auditActions[h%uint64(len(auditActions))]
			var u int
			var entity int64
			var path string
			switch act.entity {
			case "application":
				ai := int((h >> 8) % uint64(len(w.apps)))
				u, entity, path = w.apps[ai].author, id(ai), w.orgs[w.apps[ai].org].path
			default:
				u = int((h >> 8) % uint64(len(w.users)))
				entity, path = id(u), w.orgs[w.users[u].home].path
			}
			r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8] = id(i), at, id(u), w.users[u].name, act.action, act.entity, entity, path,
				fmt.Sprintf("10.%d.%d.%d", (h>>16)%256, (h>>24)%256, (h>>32)%254+1)
		}}
}
