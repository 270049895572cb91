package postgres

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/campusorg/portal/internal/portal"
)

// ImportResult counts what an import created.
type ImportResult struct {
	Orgs   int
	People int
	Grants int
}

// importRecord is what the audit log keeps of an import as a whole.
type importRecord struct {
	Source string `json:"source,omitempty"`
	Orgs   int    `json:"orgs"`
	People int    `json:"people"`
	Grants int    `json:"grants"`
}

// Import creates the organizations of a parsed sheet, in sheet order, then its
// people with their roles, in one transaction, and imports nothing unless every row
// is good. A parent code names an organization earlier in the sheet or an existing
// one; the actor must hold ActImport on every parent, home and role organization,
// and one outside their scope is reported as not found. Problems only the database
// can find (unknown codes, codes, names, usernames and phone numbers taken, kinds
// that do not fit their parent) are added to sheet, every row being checked, and
// the error returned is sheet.Err(): an *portal.ImportErrors. New accounts must
// change their password at first sign-in. One audit event records the import, and
// each organization, account and grant has its usual event.
func (s *Store) Import(ctx context.Context, actor *portal.Actor, sheet *portal.ImportSheet) (ImportResult, error) {
	if !portal.CanAny(actor, portal.ActImport) {
		return ImportResult{}, portal.NotFound()
	}
	if sheet.Malformed() {
		return ImportResult{}, sheet.Err()
	}
	var res ImportResult
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		im := &importer{ctx: ctx, tx: tx, actor: actor, sheet: sheet, today: s.today(),
			existing: map[string]*portal.Org{}, created: map[string]portal.Org{}, sheetRow: map[string]int{}}
		var err error
		res, err = im.run()
		return err
	})
	if err != nil {
		return ImportResult{}, err
	}
	return res, nil
}

// importer carries one import through its transaction.
type importer struct {
	ctx   context.Context
	tx    pgx.Tx
	actor *portal.Actor
	sheet *portal.ImportSheet
	today time.Time

	existing map[string]*portal.Org // code → existing org, nil when there is none
	created  map[string]portal.Org  // code → org created by this import
	sheetRow map[string]int         // code → index of the first org row with it
	paths    []string               // paths of the orgs the import writes under
	res      ImportResult
}

func (im *importer) run() (ImportResult, error) {
	for i, r := range im.sheet.Orgs {
		if _, ok := im.sheetRow[r.Input.Code]; !ok && r.Input.Code != "" {
			im.sheetRow[r.Input.Code] = i
		}
	}
	if err := im.takenCodes(); err != nil {
		return ImportResult{}, err
	}
	for i := range im.sheet.Orgs {
		if err := im.org(i); err != nil {
			return ImportResult{}, err
		}
	}
	if err := im.takenAccounts(); err != nil {
		return ImportResult{}, err
	}
	type resolved struct{ home, grant portal.Org }
	orgs := make([]resolved, len(im.sheet.People))
	for i, p := range im.sheet.People {
		home, ok, err := im.target(p.Row, p.HomeOrgCode, "home_org_code")
		if err != nil {
			return ImportResult{}, err
		}
		if ok {
			orgs[i].home = home
		}
		if p.Role != "" && p.GrantOrgCode != p.HomeOrgCode {
			grant, ok, err := im.target(p.Row, p.GrantOrgCode, "grant_org_code")
			if err != nil {
				return ImportResult{}, err
			}
			if ok {
				orgs[i].grant = grant
			}
		} else {
			orgs[i].grant = orgs[i].home
		}
	}
	if err := im.sheet.Err(); err != nil {
		return ImportResult{}, err
	}
	for i, p := range im.sheet.People {
		// With no problem found, every org a row names has resolved: an org row left
		// uncreated has failed.
		if orgs[i].home.ID == 0 || p.Role != "" && orgs[i].grant.ID == 0 {
			return ImportResult{}, fmt.Errorf("import: people row %d: organization unresolved", p.Row)
		}
	}
	passwords := make([]string, len(im.sheet.People))
	for i, p := range im.sheet.People {
		passwords[i] = p.Input.Password
	}
	hashes, err := hashAll(im.ctx, passwords)
	if err != nil {
		return ImportResult{}, err
	}
	for i, p := range im.sheet.People {
		if err := im.person(p, orgs[i].home, orgs[i].grant, hashes[i]); err != nil {
			return ImportResult{}, err
		}
	}
	// A row another writer raced to (a code or username taken since the checks above).
	if err := im.sheet.Err(); err != nil {
		return ImportResult{}, err
	}
	after := importRecord{Source: im.sheet.Source, Orgs: im.res.Orgs, People: im.res.People, Grants: im.res.Grants}
	if err := audit(im.ctx, im.tx, im.actor, "import.run", "import", 0, portal.CommonAncestor(im.paths...), nil, after); err != nil {
		return ImportResult{}, err
	}
	return im.res, nil
}

// takenCodes fails every org row whose code an existing organization holds.
func (im *importer) takenCodes() error {
	var codes []string
	for _, r := range im.sheet.Orgs {
		if r.Input.Code != "" {
			codes = append(codes, r.Input.Code)
		}
	}
	rows, err := im.tx.Query(im.ctx, `SELECT code FROM orgs WHERE code = ANY($1)`, codes)
	if err != nil {
		return err
	}
	taken, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return err
	}
	set := map[string]bool{}
	for _, c := range taken {
		set[c] = true
	}
	for _, r := range im.sheet.Orgs {
		if set[r.Input.Code] {
			im.sheet.Fail(portal.SheetOrgs, r.Row, "code", "org.code_taken")
		}
	}
	return nil
}

// takenAccounts fails every person row whose username, phone or e-mail address
// (ignoring case) an existing account holds.
func (im *importer) takenAccounts() error {
	var names, phones, emails []string
	for _, p := range im.sheet.People {
		names = append(names, strings.ToLower(p.Input.Username))
		if p.Input.Phone != "" {
			phones = append(phones, p.Input.Phone)
		}
		if p.Input.Email != "" {
			emails = append(emails, strings.ToLower(p.Input.Email))
		}
	}
	rows, err := im.tx.Query(im.ctx, `SELECT lower(username), coalesce(phone, ''), lower(coalesce(email, '')) FROM users
		WHERE lower(username) = ANY($1) OR phone = ANY($2) OR lower(email) = ANY($3)`, names, phones, emails)
	if err != nil {
		return err
	}
	takenName, takenPhone, takenEmail := map[string]bool{}, map[string]bool{}, map[string]bool{}
	var n, ph, em string
	if _, err := pgx.ForEachRow(rows, []any{&n, &ph, &em}, func() error {
		takenName[n], takenPhone[ph], takenEmail[em] = true, true, true
		return nil
	}); err != nil {
		return err
	}
	for _, p := range im.sheet.People {
		if p.Input.Email != "" && takenEmail[strings.ToLower(p.Input.Email)] {
			im.sheet.Fail(portal.SheetPeople, p.Row, "email", "user.email_taken")
		}
	}
	for _, p := range im.sheet.People {
		if takenName[strings.ToLower(p.Input.Username)] {
			im.sheet.Fail(portal.SheetPeople, p.Row, "username", "user.username_taken")
		}
		if p.Input.Phone != "" && takenPhone[p.Input.Phone] {
			im.sheet.Fail(portal.SheetPeople, p.Row, "phone", "user.phone_taken")
		}
	}
	return nil
}

// existingOrg returns the existing org with code, locked against moves and
// deactivation until the import ends, or nil when there is none.
func (im *importer) existingOrg(code string) (*portal.Org, error) {
	if o, ok := im.existing[code]; ok {
		return o, nil
	}
	o, err := scanOrg(im.tx.QueryRow(im.ctx, `SELECT `+orgColumns+` FROM orgs o WHERE o.code = $1 FOR SHARE`, code))
	if errors.Is(err, pgx.ErrNoRows) {
		im.existing[code] = nil
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	im.existing[code] = &o
	return &o, nil
}

// org checks the org row at index i and creates it when nothing is wrong with it.
func (im *importer) org(i int) error {
	const sheet = portal.SheetOrgs
	r := &im.sheet.Orgs[i]
	in := r.Input
	var parent portal.Org // ID 0 while unknown
	var parentKind portal.OrgKind
	if r.ParentCode != "" {
		j, inSheet := im.sheetRow[r.ParentCode]
		switch {
		case inSheet && j < i:
			if o, ok := im.created[r.ParentCode]; ok {
				parent, parentKind = o, o.Kind
			} else {
				// The parent's own row failed; its kind still tells whether this one fits.
				parentKind = im.sheet.Orgs[j].Input.Kind
			}
		default:
			o, err := im.existingOrg(r.ParentCode)
			if err != nil {
				return err
			}
			switch {
			case o != nil && portal.Can(im.actor, portal.ActImport, o.Path):
				if !o.Active {
					im.sheet.Fail(sheet, r.Row, "parent_code", "org.parent_inactive")
				}
				parent, parentKind = *o, o.Kind
			case inSheet && j > i:
				im.sheet.Fail(sheet, r.Row, "parent_code", "import.parent_after", im.sheet.Orgs[j].Row)
			default:
				im.sheet.Fail(sheet, r.Row, "parent_code", "import.parent_not_found")
			}
		}
	}
	if parentKind != "" {
		im.sheet.FailFields(sheet, r.Row, in.Validate(parentKind, im.today))
	}
	if parent.ID == 0 {
		return nil
	}
	if parent.Path != "" {
		im.paths = append(im.paths, parent.Path)
	}
	in.ParentID = parent.ID
	if im.sheet.RowFailed(sheet, r.Row) {
		// Not created, but a name taken under the parent is worth reporting now.
		var taken bool
		if err := im.tx.QueryRow(im.ctx, `SELECT EXISTS (SELECT 1 FROM orgs WHERE parent_id = $1 AND name = $2)`,
			parent.ID, in.Name).Scan(&taken); err != nil {
			return err
		}
		if taken {
			im.sheet.Fail(sheet, r.Row, "name", "org.name_taken")
		}
		return nil
	}
	var o portal.Org
	ok, err := im.savepoint(sheet, r.Row, func(tx pgx.Tx) error {
		var err error
		o, err = insertOrg(im.ctx, tx, parent.Path, in)
		return err
	})
	if err != nil || !ok {
		return err
	}
	im.created[in.Code] = o
	im.res.Orgs++
	return audit(im.ctx, im.tx, im.actor, "org.create", "org", o.ID, o.Path, nil, recordOf(o))
}

// target resolves the org a person row names in column: one created by this import
// or an existing one within the actor's import scope and active. It reports false,
// after failing the cell, when there is none; a code of an org row that failed is
// not reported again.
func (im *importer) target(row int, code, column string) (portal.Org, bool, error) {
	const sheet = portal.SheetPeople
	if code == "" {
		return portal.Org{}, false, nil
	}
	if o, ok := im.created[code]; ok {
		return o, true, nil
	}
	if _, ok := im.sheetRow[code]; ok {
		return portal.Org{}, false, nil
	}
	o, err := im.existingOrg(code)
	if err != nil {
		return portal.Org{}, false, err
	}
	if o == nil || !portal.Can(im.actor, portal.ActImport, o.Path) {
		im.sheet.Fail(sheet, row, column, "import.org_not_found")
		return portal.Org{}, false, nil
	}
	if !o.Active {
		im.sheet.Fail(sheet, row, column, "import.org_inactive")
		return portal.Org{}, false, nil
	}
	im.paths = append(im.paths, o.Path)
	return *o, true, nil
}

// person creates a checked person row's account at home, with its role on grant.
func (im *importer) person(p portal.PersonRow, home, grant portal.Org, hash string) error {
	in := p.Input
	in.HomeOrgID = home.ID
	var u portal.User
	var grantID int64
	ok, err := im.savepoint(portal.SheetPeople, p.Row, func(tx pgx.Tx) error {
		var err error
		if u, err = insertUser(im.ctx, tx, in, hash, true); err != nil {
			return err
		}
		if p.Role == "" {
			return nil
		}
		return tx.QueryRow(im.ctx, `INSERT INTO role_grants (user_id, role, org_id) VALUES ($1, $2, $3) RETURNING id`,
			u.ID, p.Role, grant.ID).Scan(&grantID)
	})
	if err != nil || !ok {
		return err
	}
	im.res.People++
	if err := audit(im.ctx, im.tx, im.actor, "user.create", "user", u.ID, u.HomeOrgPath, nil, userRecordOf(u)); err != nil {
		return err
	}
	if p.Role == "" {
		return nil
	}
	im.res.Grants++
	return audit(im.ctx, im.tx, im.actor, "grant.add", "grant", grantID, u.HomeOrgPath, nil,
		grantRecord{u.ID, string(p.Role), grant.ID, grant.Name})
}

// importColumns maps the fields of constraintErrors to the columns of the import sheets.
var importColumns = map[string]string{"name": "name", "code": "code", "username": "username", "phone": "phone", "email": "email", "role": "role"}

// savepoint runs fn in a savepoint of the import's transaction. A violation of a
// constraint known to constraintErrors rolls back to the savepoint, fails the row in its
// column and reports false, so that the remaining rows are still checked; any other
// error is returned.
func (im *importer) savepoint(sheet portal.SheetKind, row int, fn func(tx pgx.Tx) error) (bool, error) {
	sp, err := im.tx.Begin(im.ctx)
	if err != nil {
		return false, err
	}
	if err := fn(sp); err != nil {
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) {
			if fe, ok := constraintErrors[pgErr.ConstraintName]; ok {
				if rbErr := sp.Rollback(im.ctx); rbErr != nil {
					return false, rbErr
				}
				im.sheet.Fail(sheet, row, importColumns[fe[0]], fe[1])
				return false, nil
			}
		}
		_ = sp.Rollback(im.ctx)
		return false, err
	}
	return true, sp.Commit(im.ctx)
}

// hashAll hashes passwords on every processor at once: argon2id takes tens of
// milliseconds a password, which a sheet of thousands would otherwise spend in turn.
func hashAll(ctx context.Context, passwords []string) ([]string, error) {
	out := make([]string, len(passwords))
	errs := make([]error, len(passwords))
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				out[i], errs[i] = portal.HashPassword(passwords[i])
			}
		}()
	}
	var err error
feed:
	for i := range passwords {
		select {
		case next <- i:
		case <-ctx.Done():
			err = ctx.Err()
			break feed
		}
	}
	close(next)
	wg.Wait()
	if err != nil {
		return nil, err
	}
	return out, errors.Join(errs...)
}
