package bench

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/campusorg/portal/internal/scale"
)

// Target is what a kind of request is held to, as a share of the baseline's
// capacity measured in the same run and as latency at the open-loop rate.
type Target struct {
	MinRatio float64       // 0: none
	MaxP99   time.Duration // 0: none
	Note     string
}

// A kind is one kind of request the benchmark measures. Adding one is one entry
// in kinds.
type kind struct {
	Key     string
	Label   string
	Account string // the bench account it signs in as; "" anonymous
	Expect  int    // the status of a successful request
	Write   bool   // a POST that changes data
	Target  Target
	// make prepares the kind's requests from the fixture; a nil maker with a
	// reason means the portal cannot serve the kind yet.
	make func(f *fixture, ctx context.Context) (maker, string, error)
}

// kinds are the requests measured, the baseline first.
var kinds = []kind{
	{Key: "baseline", Label: "Baseline: fortunes (1 query, 13 rows, sorted, templ, escaped)", Expect: 200,
		make: func(f *fixture, ctx context.Context) (maker, string, error) {
			return f.get("", "/bench/fortunes"), "", nil
		}},
	{Key: "home", Label: "Home page, signed in (branch secretary)", Account: scale.BenchSecretary, Expect: 200,
		Target: Target{MinRatio: 0.45},
		make: func(f *fixture, ctx context.Context) (maker, string, error) {
			return f.get(scale.BenchSecretary, "/"), "", nil
		}},
	{Key: "home-manager", Label: "Home page, signed in (province manager)", Account: scale.BenchManager, Expect: 200,
		make: func(f *fixture, ctx context.Context) (maker, string, error) {
			return f.get(scale.BenchManager, "/"), "", nil
		}},
	{Key: "dashboard", Label: "Program dashboard (province program with projects)", Account: scale.BenchManager, Expect: 200,
		Target: Target{MinRatio: 0.35, MaxP99: 25 * time.Millisecond},
		make: func(f *fixture, ctx context.Context) (maker, string, error) {
			return f.probe(ctx, scale.BenchManager, fmt.Sprintf("/dashboard?program=%d", f.dashProgram))
		}},
	{Key: "list-1", Label: "Application list, filtered by track, page 1", Account: scale.BenchManager, Expect: 200,
		Target: Target{MinRatio: 0.30, MaxP99: 30 * time.Millisecond},
		make: func(f *fixture, ctx context.Context) (maker, string, error) {
			return f.get(scale.BenchManager, fmt.Sprintf("/programs/%d/applications?track=%d", f.program, f.track)), "", nil
		}},
	{Key: "list-400", Label: "Application list, filtered by track, page 400", Account: scale.BenchManager, Expect: 200,
		Target: Target{MinRatio: 0.30, MaxP99: 30 * time.Millisecond, Note: "no slower than 1.5 × page 1"},
		make: func(f *fixture, ctx context.Context) (maker, string, error) {
			return f.get(scale.BenchManager, fmt.Sprintf("/programs/%d/applications?track=%d&after=%d", f.program, f.track, f.after)), "", nil
		}},
	{Key: "list-pages", Label: "Application list, filtered by track, every page in turn (few kept in memory)", Account: scale.BenchManager, Expect: 200,
		make: func(f *fixture, ctx context.Context) (maker, string, error) {
			var next atomic.Int64
			return func(ctx context.Context) (*http.Request, func(int), error) {
				after := f.cursors[int(next.Add(1)-1)%len(f.cursors)]
				req, err := f.request(ctx, scale.BenchManager, http.MethodGet,
					fmt.Sprintf("/programs/%d/applications?track=%d&after=%d", f.program, f.track, after), nil, "")
				return req, noop, err
			}, "", nil
		}},
	{Key: "project", Label: "Project page with its ledger", Account: scale.BenchCounselor, Expect: 200,
		make: func(f *fixture, ctx context.Context) (maker, string, error) {
			return f.probe(ctx, scale.BenchCounselor, fmt.Sprintf("/projects/%d", f.project))
		}},
	{Key: "ledger-add", Label: "Ledger entry add (POST)", Account: scale.BenchCounselor, Expect: http.StatusSeeOther, Write: true,
		make: (*fixture).ledgerAdd},
	{Key: "score", Label: "Score sheet save (POST, every criterion scored)", Account: scale.BenchReviewer, Expect: http.StatusSeeOther, Write: true,
		Target: Target{MinRatio: 0.12}, make: (*fixture).score},
	{Key: "upload", Label: "Attachment upload, 1 MB (POST multipart)", Account: scale.BenchFiler, Expect: http.StatusSeeOther, Write: true,
		Target: Target{MaxP99: 150 * time.Millisecond}, make: func(f *fixture, ctx context.Context) (maker, string, error) {
			return f.upload(1 << 20), "", nil
		}},
}

// fixture holds what the requests need: the signed-in sessions and the ids of
// the program, sheets, drafts and project they work on, found in the database.
type fixture struct {
	base    string
	db      *pgxpool.Pool
	cookies map[string]string
	users   map[string]int64
	program int64   // the province's current call
	track   int64   // its first track
	after   int64   // the cursor of page 400 (or the last page)
	page    int     // the page that cursor opens
	cursors []int64 // the cursor of every page of the filter, the first page's (0) included
	rows    int     // applications matching the filter
	project int64
	// dashProgram is the province's program whose projects are running.
	dashProgram int64
	sheets      chan *sheet
	drafts      []int64
	nextDraft   atomic.Int64
	uploads     map[int][]byte // request bodies by file size
	boundary    string
}

type sheet struct {
	id      int64
	version int
}

func (f *fixture) request(ctx context.Context, account, method, path string, body []byte, ctype string) (*http.Request, error) {
	var req *http.Request
	var err error
	if body != nil {
		req, err = http.NewRequestWithContext(ctx, method, f.base+path, bytes.NewReader(body))
	} else {
		req, err = http.NewRequestWithContext(ctx, method, f.base+path, nil)
	}
	if err != nil {
		return nil, err
	}
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	if method != http.MethodGet {
		req.Header.Set("Origin", f.base)
		req.Header.Set("Content-Type", ctype)
	}
	if account != "" {
		req.Header.Set("Cookie", f.cookies[account])
	}
	return req, nil
}

func noop(int) {}

func (f *fixture) get(account, path string) maker {
	return func(ctx context.Context) (*http.Request, func(int), error) {
		req, err := f.request(ctx, account, http.MethodGet, path, nil, "")
		return req, noop, err
	}
}

// probe returns a maker for a page that another part of the portal may not serve
// yet: one that answers 404 is reported as not available.
func (f *fixture) probe(ctx context.Context, account, path string) (maker, string, error) {
	req, err := f.request(ctx, account, http.MethodGet, path, nil, "")
	if err != nil {
		return nil, "", err
	}
	status, err := do(http.DefaultClient, req)
	if err != nil {
		return nil, "", err
	}
	if status == http.StatusNotFound {
		return nil, "GET " + path + " answers 404: not served yet", nil
	}
	return f.get(account, path), "", nil
}

// signIn signs the account in through the sign-in form and keeps its cookie.
func (f *fixture) signIn(ctx context.Context, client *http.Client, account string) error {
	form := url.Values{"login": {account}, "password": {scale.Password}}
	req, err := f.request(ctx, "", http.MethodPost, "/login", []byte(form.Encode()), "application/x-www-form-urlencoded")
	if err != nil {
		return err
	}
	res, err := client.Do(req)
	if err != nil {
		return err
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		return fmt.Errorf("sign in as %s: status %d", account, res.StatusCode)
	}
	for _, c := range res.Cookies() {
		if c.Name == "portal_session" {
			f.cookies[account] = c.Name + "=" + c.Value
			return nil
		}
	}
	return fmt.Errorf("sign in as %s: no session cookie", account)
}

// load finds the fixture's ids in the bench database.
func (f *fixture) load(ctx context.Context) error {
	f.users = map[string]int64{}
	rows, err := f.db.Query(ctx, `SELECT username, id FROM users WHERE username LIKE 'bench.%'`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var name string
		var id int64
		if err := rows.Scan(&name, &id); err != nil {
			return err
		}
		f.users[name] = id
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for _, a := range []string{scale.BenchManager, scale.BenchSecretary, scale.BenchFiler, scale.BenchReviewer, scale.BenchCounselor} {
		if f.users[a] == 0 {
			return fmt.Errorf("no account %s: generate the data with `portal seed -scale …` first", a)
		}
	}
	// The province's current call (root owner, newest year) and its first track.
	if err := f.db.QueryRow(ctx, `SELECT p.id, t.id FROM programs p JOIN tracks t ON t.program_id = p.id
		WHERE p.owner_org_id = (SELECT id FROM orgs WHERE parent_id IS NULL ORDER BY id LIMIT 1)
		ORDER BY p.year DESC, t.position LIMIT 1`).Scan(&f.program, &f.track); err != nil {
		return fmt.Errorf("the province's program: %w", err)
	}
	// Page 400 of 50: the cursor is the id of the 19,950th row; a smaller data set
	// takes its last full page.
	if err := f.db.QueryRow(ctx, `SELECT count(*) FROM applications WHERE program_id = $1 AND track_id = $2 AND status <> 'draft'`,
		f.program, f.track).Scan(&f.rows); err != nil {
		return err
	}
	f.page = min(400, max(1, (f.rows-1)/50+1))
	if f.page > 1 {
		if err := f.db.QueryRow(ctx, `SELECT id FROM applications WHERE program_id = $1 AND track_id = $2 AND status <> 'draft'
			ORDER BY id OFFSET $3 LIMIT 1`, f.program, f.track, (f.page-1)*50-1).Scan(&f.after); err != nil {
			return err
		}
	}
	// Every page's cursor: the id of every 50th row.
	rows, err = f.db.Query(ctx, `SELECT 0 UNION ALL SELECT id FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM applications
		WHERE program_id = $1 AND track_id = $2 AND status <> 'draft') x WHERE n % 50 = 0 AND n < $3`, f.program, f.track, f.rows)
	if err != nil {
		return err
	}
	if f.cursors, err = pgx.CollectRows(rows, pgx.RowTo[int64]); err != nil {
		return err
	}
	// The province's program with running projects, for the dashboard.
	if err := f.db.QueryRow(ctx, `SELECT p.id FROM programs p WHERE p.owner_org_id = (SELECT id FROM orgs WHERE parent_id IS NULL ORDER BY id LIMIT 1)
		AND EXISTS (SELECT 1 FROM projects pr WHERE pr.program_id = p.id AND pr.status = 'running') ORDER BY p.year DESC LIMIT 1`).Scan(&f.dashProgram); err != nil {
		return fmt.Errorf("the province's program with projects: %w", err)
	}
	// The running project of the counselor's college with the longest ledger.
	if err := f.db.QueryRow(ctx, `SELECT pr.id FROM projects pr JOIN role_grants g ON g.user_id = $1 AND g.role = 'counselor'
		JOIN orgs o ON o.id = g.org_id WHERE pr.org_path LIKE o.path || '%' AND pr.status = 'running'
		ORDER BY (SELECT count(*) FROM ledger_entries e WHERE e.project_id = pr.id) DESC, pr.id LIMIT 1`,
		f.users[scale.BenchCounselor]).Scan(&f.project); err != nil {
		return fmt.Errorf("a running project of the counselor: %w", err)
	}
	// The reviewer's sheets in the round being scored, each lent to one request
	// at a time with its version.
	rows, err = f.db.Query(ctx, `SELECT a.id, a.version FROM review_assignments a JOIN review_rounds r ON r.id = a.round_id
		WHERE a.reviewer_id = $1 AND r.status = 'scoring' AND a.status IN ('assigned', 'started') ORDER BY a.id`, f.users[scale.BenchReviewer])
	if err != nil {
		return err
	}
	sheets, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*sheet, error) {
		var s sheet
		err := r.Scan(&s.id, &s.version)
		return &s, err
	})
	if err != nil {
		return err
	}
	if len(sheets) == 0 {
		return fmt.Errorf("the reviewer has no sheet to score")
	}
	f.sheets = make(chan *sheet, len(sheets))
	for _, s := range sheets {
		f.sheets <- s
	}
	// The filer's drafts, for uploads.
	rows, err = f.db.Query(ctx, `SELECT a.id FROM applications a WHERE a.author_id = $1 AND a.status = 'draft' ORDER BY a.id`,
		f.users[scale.BenchFiler])
	if err != nil {
		return err
	}
	if f.drafts, err = pgx.CollectRows(rows, pgx.RowTo[int64]); err != nil {
		return err
	}
	if len(f.drafts) == 0 {
		return fmt.Errorf("the filer has no draft to upload to")
	}
	return nil
}

// score saves a complete score sheet (every criterion, comments, a
// recommendation) without the final lock, so that a sheet can be saved again:
// the store does the same work as for submitting. Each sheet is used by one
// request at a time, with the version it has.
func (f *fixture) score(ctx context.Context) (maker, string, error) {
	return func(ctx context.Context) (*http.Request, func(int), error) {
		var s *sheet
		select {
		case s = <-f.sheets:
		case <-ctx.Done():
			return nil, nil, ctx.Err()
		}
		form := url.Values{"version": {strconv.Itoa(s.version)}, "overall": {"方案完整,特色鲜明,建议立项。"}, "recommendation": {"approve"},
			"score_c1": {"26"}, "score_c2": {"21"}, "score_c3": {"22"}, "score_c4": {"17"}, "comment_c1": {"创新性较好"}}
		req, err := f.request(ctx, scale.BenchReviewer, http.MethodPost, fmt.Sprintf("/reviews/%d", s.id), []byte(form.Encode()),
			"application/x-www-form-urlencoded")
		if err != nil {
			f.sheets <- s
			return nil, nil, err
		}
		return req, func(status int) {
			if status == http.StatusSeeOther {
				s.version++
				f.sheets <- s
				return
			}
			// Unknown outcome (the client gave up, say, while the server went on):
			// read the version back once the server has surely finished.
			go func() {
				time.Sleep(2 * time.Second)
				_ = f.db.QueryRow(context.Background(), `SELECT version FROM review_assignments WHERE id = $1`, s.id).Scan(&s.version)
				f.sheets <- s
			}()
		}, nil
	}, "", nil
}

// ledgerAdd adds a ledger entry to the counselor's project.
func (f *fixture) ledgerAdd(ctx context.Context) (maker, string, error) {
	path := fmt.Sprintf("/projects/%d/ledger", f.project)
	m, reason, err := f.probe(ctx, scale.BenchCounselor, path+"/new")
	if m == nil || err != nil {
		return nil, reason, err
	}
	var on string
	if err := f.db.QueryRow(ctx, `SELECT to_char(least(ends_on, (now() AT TIME ZONE 'Asia/Shanghai')::date), 'YYYY-MM-DD') FROM projects WHERE id = $1`,
		f.project).Scan(&on); err != nil {
		return nil, "", err
	}
	form := url.Values{"on": {on}, "title": {"主题团日活动"}, "kind": {"activity"}, "description": {benchEntryNote},
		"participants": {"42"}, "place": {"学生活动中心"}}
	body := []byte(form.Encode())
	return func(ctx context.Context) (*http.Request, func(int), error) {
		req, err := f.request(ctx, scale.BenchCounselor, http.MethodPost, path, body, "application/x-www-form-urlencoded")
		return req, noop, err
	}, "", nil
}

// upload sends a PDF of size bytes to the filer's drafts in turn.
func (f *fixture) upload(size int) maker {
	body, ctype := f.uploadBody(size)
	return func(ctx context.Context) (*http.Request, func(int), error) {
		id := f.drafts[int(f.nextDraft.Add(1)-1)%len(f.drafts)]
		req, err := f.request(ctx, scale.BenchFiler, http.MethodPost, fmt.Sprintf("/applications/%d/attachments", id), body, ctype)
		return req, noop, err
	}
}

func (f *fixture) uploadBody(size int) ([]byte, string) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	part, _ := mw.CreateFormFile("file", "活动方案.pdf")
	pdf := make([]byte, size)
	copy(pdf, "%PDF-1.4\n")
	for i := 9; i < size-6; i++ {
		pdf[i] = "0123456789abcdef\n"[i%17]
	}
	copy(pdf[size-6:], "%%EOF\n")
	part.Write(pdf)
	mw.Close()
	return buf.Bytes(), mw.FormDataContentType()
}

// clearUploads deletes the files the benchmark uploaded (the drafts hold at most
// 30 each), so that the next phase starts from the same state.
func (f *fixture) clearUploads(ctx context.Context) error {
	_, err := f.db.Exec(ctx, `DELETE FROM attachments WHERE application_id = ANY($1)`, f.drafts)
	return err
}

// resetWrites removes what the write kinds added in an earlier run: ledger
// entries of the bench project made through the portal and uploaded files.
func (f *fixture) resetWrites(ctx context.Context) error {
	if err := f.clearUploads(ctx); err != nil {
		return err
	}
	_, err := f.db.Exec(ctx, `DELETE FROM ledger_entries WHERE project_id = $1 AND description = $2`, f.project, benchEntryNote)
	return err
}

// benchEntryNote marks the ledger entries the benchmark adds.
const benchEntryNote = "压力测试写入的台账记录"
