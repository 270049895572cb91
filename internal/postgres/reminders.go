package postgres

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/campusorg/portal/internal/portal"
)

// reminderLock is the advisory lock key of the reminder job: whichever instance
// holds it runs the job; the others skip that turn.
const reminderLock = 7310055

// ReminderRun reports one turn of the reminder job: whether this instance ran it
// (another may hold the lock), how many messages it posted, and how many mails it
// queued with them (one per recipient with an e-mail address, when Store.Mail is set).
type ReminderRun struct {
	Ran    bool
	Sent   int
	Mailed int
}

// reminder is one message of the job, under its keys: it is posted when at least
// one key is new, and when countArg is set, the count of new keys fills that
// argument (a message about several milestones at once).
type reminder struct {
	keys     []string
	users    []int64
	msg      string
	link     string
	args     []any
	countArg int // index+1 of the argument taking the count of new keys; 0: none
}

// RunReminders runs one turn of the reminder job in one transaction, if no other
// instance is running it (pg_try_advisory_xact_lock): it finds overdue milestones
// (reminded weekly to the people responsible, and escalated once to the program's
// managers after the program's escalation days), milestones and reports due soon,
// months that missed their showcases, ledgers left too long, and entries waiting
// for verification (a daily digest to each supervisor), and posts each message in
// the portal once: every reminder has a key, kept in reminders_sent, unique per
// reminder and period. When Store.Mail is set, each message is also queued as mail
// (mail_outbox) to every recipient with an e-mail address, in the same transaction,
// for MailLoop to send after the commit.
func (s *Store) RunReminders(ctx context.Context) (ReminderRun, error) {
	var run ReminderRun
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `SELECT pg_try_advisory_xact_lock($1)`, int64(reminderLock)).Scan(&run.Ran); err != nil || !run.Ran {
			return err
		}
		today := s.todayDay()
		var all []reminder
		rows, err := tx.Query(ctx, `SELECT `+projectColumns+projectFrom+` WHERE pr.status IN ('running', 'rectify') ORDER BY pr.id`)
		if err != nil {
			return err
		}
		projects, err := collectProjects(rows)
		if err != nil {
			return err
		}
		facts, err := readReminderFacts(ctx, tx, projects)
		if err != nil {
			return err
		}
		for _, p := range projects {
			rs, err := projectReminders(ctx, tx, p, facts, today)
			if err != nil {
				return err
			}
			all = append(all, rs...)
		}
		rs, err := verificationDigests(ctx, tx, today)
		if err != nil {
			return err
		}
		all = append(all, rs...)
		// Every key in one statement: those it inserts are new.
		var keys []string
		for _, r := range all {
			if len(r.users) > 0 {
				keys = append(keys, r.keys...)
			}
		}
		rows, err = tx.Query(ctx, `INSERT INTO reminders_sent (key) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING RETURNING key`, keys)
		if err != nil {
			return err
		}
		inserted, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return err
		}
		isNew := make(map[string]bool, len(inserted))
		for _, k := range inserted {
			isNew[k] = true
		}
		for _, r := range all {
			if len(r.users) == 0 {
				continue
			}
			fresh := 0
			for _, k := range r.keys {
				if isNew[k] {
					fresh++
					delete(isNew, k) // a key counts for one message
				}
			}
			if fresh == 0 {
				continue // sent before, by this instance or another
			}
			if r.countArg > 0 {
				r.args[r.countArg-1] = fresh
			}
			if err := notifyLink(ctx, tx, r.users, r.msg, r.link, r.args...); err != nil {
				return err
			}
			run.Sent++
			if s.Mail != nil {
				n, err := queueMail(ctx, tx, s.Mail, r.users, r.msg, r.link, r.args)
				if err != nil {
					return err
				}
				run.Mailed += n
			}
		}
		if run.Sent == 0 {
			return nil
		}
		return audit(ctx, tx, system, "reminders.send", "reminder", 0, "/", nil, map[string]int{"sent": run.Sent, "mailed": run.Mailed})
	})
	return run, err
}

// reminderFacts is what the reminder job reads of the open projects: each kind in
// one statement for all of them (the ledgers as their monthly rollup, never the
// entries), and per program its rules and managers, so that a province's thousands
// of projects cost a few statements, not a few each.
type reminderFacts struct {
	programs   map[int64]portal.ProgramDetail
	rules      map[int64]portal.ProjectRules
	managers   map[int64][]int64 // by program
	milestones map[int64][]portal.Milestone
	ledgers    map[int64]*ledgerState
	reports    map[int64]map[portal.Stage]Report // status and outcome only
}

func readReminderFacts(ctx context.Context, tx pgx.Tx, projects []portal.Project) (*reminderFacts, error) {
	f := &reminderFacts{programs: map[int64]portal.ProgramDetail{}, rules: map[int64]portal.ProjectRules{},
		managers: map[int64][]int64{}, reports: map[int64]map[portal.Stage]Report{}}
	ids := make([]int64, len(projects))
	for i, p := range projects {
		ids[i] = p.ID
		if _, ok := f.programs[p.ProgramID]; ok {
			continue
		}
		prog, err := loadProgram(ctx, tx, p.ProgramID)
		if err != nil {
			return nil, err
		}
		f.programs[p.ProgramID] = prog
		if f.rules[p.ProgramID], err = loadRules(ctx, tx, p.ProgramID); err != nil {
			return nil, err
		}
		if f.managers[p.ProgramID], err = usersWithRoleCovering(ctx, tx, portal.RoleManager, p.OwnerPath); err != nil {
			return nil, err
		}
	}
	var err error
	if f.milestones, err = milestonesOf(ctx, tx, ids); err != nil {
		return nil, err
	}
	if f.ledgers, err = ledgerStates(ctx, tx, ids); err != nil {
		return nil, err
	}
	rows, err := tx.Query(ctx, `SELECT project_id, stage, status, outcome FROM project_reports WHERE project_id = ANY($1)`, ids)
	if err != nil {
		return nil, err
	}
	var id int64
	var r Report
	_, err = pgx.ForEachRow(rows, []any{&id, &r.Stage, &r.Status, &r.Outcome}, func() error {
		if f.reports[id] == nil {
			f.reports[id] = map[portal.Stage]Report{}
		}
		f.reports[id][r.Stage] = r
		return nil
	})
	return f, err
}

// projectReminders works out the reminders of one open project on today.
func projectReminders(ctx context.Context, tx pgx.Tx, p portal.Project, f *reminderFacts, today time.Time) ([]reminder, error) {
	var out []reminder
	prog, rules, managers := f.programs[p.ProgramID], f.rules[p.ProgramID], f.managers[p.ProgramID]
	ms, months, reports := f.milestones[p.ID], f.ledgers[p.ID].months, f.reports[p.ID]
	people, err := responsible(ctx, tx, p)
	if err != nil {
		return nil, err
	}
	link := projectLink(p.ID)
	day := func(t time.Time) string { return t.Format("2006-01-02") }
	// Overdue milestones: one message a week to the people responsible while the
	// cycle runs (and a month after it), naming the longest overdue; each milestone
	// overdue past the escalation days goes up to the managers once, in one message
	// per project and run.
	overdue := portal.OverdueMilestones(ms, today, rules.EscalateDays)
	if len(overdue) > 0 && !today.After(portal.DateOf(p.Ends).AddDate(0, 1, 0)) {
		week := today.Unix() / (7 * 24 * 3600)
		o := overdue[0]
		out = append(out, reminder{keys: []string{fmt.Sprintf("overdue:%d:%d", p.ID, week)}, users: people,
			msg: "remind.overdue", link: link, args: []any{p.Title, len(overdue), o.Milestone.Title, o.Days}})
	}
	var escalate []string
	for _, o := range overdue {
		if o.Escalate {
			escalate = append(escalate, fmt.Sprintf("escalate:%d", o.Milestone.ID))
		}
	}
	if len(escalate) > 0 {
		out = append(out, reminder{keys: escalate, users: managers, msg: "remind.escalated", link: link,
			args: []any{p.Title, p.OrgName, 0, rules.EscalateDays}, countArg: 3})
	}
	for _, m := range portal.DueSoon(ms, today, rules.RemindDays) {
		out = append(out, reminder{keys: oneKey("due:%d:%s", m.ID, day(m.Due)), users: people,
			msg: "remind.due_soon", link: link, args: []any{p.Title, m.Title, day(m.Due)}})
	}
	comp := portal.ComplianceFromMonths(rules, p.Starts, p.Ends, today, months)
	// The month that ended last: its missed showcases are told once.
	lastMonth := portal.MonthOf(today.AddDate(0, 0, -today.Day()))
	for _, c := range comp {
		if c.Month == lastMonth && c.ShowcaseMissed {
			out = append(out, reminder{keys: oneKey("showcase:%d:%s", p.ID, c.Month), users: people,
				msg: "remind.showcase_missed", link: link, args: []any{p.Title, c.Month.String(), c.Showcases, c.ShowcaseNeed}})
		}
	}
	if rules.LedgerEveryDays > 0 && p.InCycle(today) {
		if n := portal.DaysSinceEntryMonths(p.Starts, today, months); n >= rules.LedgerEveryDays {
			// Once per silence: the key is the day the ledger went quiet.
			since := today.AddDate(0, 0, -n)
			out = append(out, reminder{keys: oneKey("ledger_gap:%d:%s", p.ID, day(since)), users: people,
				msg: "remind.ledger_gap", link: link, args: []any{p.Title, n}})
		}
	}
	for _, st := range []portal.Stage{portal.StageMidterm, portal.StageFinal} {
		ph, ok := portal.ReportPhase(prog.Program, st)
		if !ok || reports[st].Status == "submitted" || reports[st].Outcome != "" {
			continue
		}
		ends := portal.DateOf(ph.Ends)
		if left := int(ends.Sub(today).Hours() / 24); left >= 0 && left <= rules.RemindDays && !today.Before(portal.DateOf(ph.Starts)) {
			users := []int64{p.SecretaryID}
			if p.SecretaryID == 0 {
				users = people
			}
			out = append(out, reminder{keys: oneKey("report:%d:%s", p.ID, st), users: users,
				msg: "remind.report_due." + string(st), link: fmt.Sprintf("/projects/%d/reports/%s", p.ID, st), args: []any{p.Title, day(ends)}})
		}
	}
	if p.Status == portal.ProjectRectify && !p.RectifyBy.IsZero() {
		by := portal.DateOf(p.RectifyBy)
		if left := int(by.Sub(today).Hours() / 24); left >= 0 && left <= rules.RemindDays {
			out = append(out, reminder{keys: oneKey("rectify:%d:%s", p.ID, day(by)), users: people,
				msg: "remind.rectify_due", link: link, args: []any{p.Title, day(by)}})
		}
	}
	return out, nil
}

// verificationDigests tells each supervisor, once a day, how many entries wait for
// her verification.
func verificationDigests(ctx context.Context, tx pgx.Tx, today time.Time) ([]reminder, error) {
	rows, err := tx.Query(ctx, `SELECT g.user_id, count(DISTINCT e.id) FROM role_grants g
		JOIN orgs o ON o.id = g.org_id JOIN users u ON u.id = g.user_id
		JOIN ledger_entries e ON `+underScope("e.org_path", "o.path")+` AND e.status = 'pending' AND e.replaced_by IS NULL AND e.author_id <> g.user_id
		JOIN projects pr ON pr.id = e.project_id AND pr.status IN ('running', 'rectify')
		WHERE g.role = 'supervisor' AND u.active GROUP BY g.user_id ORDER BY g.user_id`)
	if err != nil {
		return nil, err
	}
	type waiting struct {
		User  int64
		Count int
	}
	list, err := pgx.CollectRows(rows, pgx.RowToStructByPos[waiting])
	if err != nil {
		return nil, err
	}
	var out []reminder
	for _, w := range list {
		out = append(out, reminder{keys: oneKey("verify:%d:%s", w.User, today.Format("2006-01-02")), users: []int64{w.User},
			msg: "remind.verify", link: "/workbench", args: []any{w.Count}})
	}
	return out, nil
}

// ReminderLoop runs the reminder job every interval until ctx ends; with several
// instances only one runs each turn. Errors are logged, and the next turn tries again.
func (s *Store) ReminderLoop(ctx context.Context, log *slog.Logger, every time.Duration) {
	// The first turn waits half a minute, to let the instance finish starting.
	repeat(ctx, 30*time.Second, every, func() {
		run, err := s.RunReminders(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			log.Error("reminders", "err", err)
		case run.Sent > 0:
			log.Info("reminders sent", "messages", run.Sent, "mails_queued", run.Mailed)
		}
	})
}

// repeat calls fn after first, then every interval after fn returns, until ctx ends.
func repeat(ctx context.Context, first, every time.Duration, fn func()) {
	t := time.NewTimer(first)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		fn()
		t.Reset(every)
	}
}

func oneKey(format string, args ...any) []string { return []string{fmt.Sprintf(format, args...)} }
