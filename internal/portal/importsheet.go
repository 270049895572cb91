package portal

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/width"
)

// MaxImportRows bounds the data rows of one import sheet, so that an import stays
// one transaction of reasonable length.
const MaxImportRows = 5000

// SheetKind names one of the two sheets of a bulk import.
type SheetKind string

// The import sheets: organizations are imported before people, so that people may
// belong to organizations created by the same import.
const (
	SheetOrgs   SheetKind = "orgs"
	SheetPeople SheetKind = "people"
)

// SheetKinds lists the import sheets in the order they are imported.
var SheetKinds = []SheetKind{SheetOrgs, SheetPeople}

// sheetNames are the worksheet names of each sheet, Chinese first, then English.
var sheetNames = map[SheetKind][2]string{
	SheetOrgs:   {"组织机构", "Organizations"},
	SheetPeople: {"人员", "People"},
}

// SheetName returns the worksheet name of sheet k in Chinese, or in English when
// english is set. Both names are recognised on import.
func (k SheetKind) SheetName(english bool) string {
	if english {
		return sheetNames[k][1]
	}
	return sheetNames[k][0]
}

// SheetKindByName returns the sheet a worksheet name denotes, in either language,
// ignoring case and surrounding spaces.
func SheetKindByName(name string) (SheetKind, bool) {
	n := normHeader(name)
	for _, k := range SheetKinds {
		for _, s := range sheetNames[k] {
			if normHeader(s) == n {
				return k, true
			}
		}
	}
	return "", false
}

// SheetColumn describes one column of an import sheet.
type SheetColumn struct {
	// Key is the column's stable name. For columns that fill an OrgInput or a
	// UserInput it is also the field name their Validate reports errors under.
	Key string
	// ZH and EN are the column's header in each language; either is accepted, and so
	// are Aliases and Key itself, ignoring case, spaces, "_" and "-".
	ZH, EN  string
	Aliases []string
	// Required columns must be present, and every data row must fill them.
	Required bool
	// Example is the template's example cell. For kind and role columns it is a code,
	// which the template shows as its label.
	Example string
}

// Header returns the column's header in Chinese, or in English when english is set.
func (c SheetColumn) Header(english bool) string {
	if english {
		return c.EN
	}
	return c.ZH
}

// OrgColumns are the columns of the organizations sheet, in template order.
var OrgColumns = []SheetColumn{
	{Key: "code", ZH: "编码", EN: "Code", Aliases: []string{"组织编码"}, Required: true, Example: "example-2401"},
	{Key: "name", ZH: "名称", EN: "Name", Aliases: []string{"组织名称"}, Required: true, Example: "示例2401班"},
	{Key: "kind", ZH: "类型", EN: "Kind", Aliases: []string{"组织类型"}, Required: true, Example: string(KindClass)},
	{Key: "parent_code", ZH: "上级编码", EN: "Parent code", Aliases: []string{"上级组织编码"}, Required: true, Example: "example-league"},
	{Key: "founded_on", ZH: "成立日期", EN: "Founded on", Example: "2024-09-01"},
	{Key: "league_members", ZH: "团员数", EN: "League members", Aliases: []string{"团员总数"}, Example: "38"},
	{Key: "youth_under_28", ZH: "28岁以下青年数", EN: "Youth under 28", Example: "41"},
	{Key: "league_cadres", ZH: "团干部数", EN: "League cadres", Example: "3"},
}

// PeopleColumns are the columns of the people sheet, in template order.
var PeopleColumns = []SheetColumn{
	{Key: "username", ZH: "用户名", EN: "Username", Required: true, Example: "example-zhang"},
	{Key: "display_name", ZH: "姓名", EN: "Name", Required: true, Example: "张示例"},
	{Key: "phone", ZH: "手机号", EN: "Phone", Aliases: []string{"手机号码", "手机"}, Example: "13800000000"},
	{Key: "home_org_code", ZH: "所属组织编码", EN: "Home org code", Aliases: []string{"所属组织"}, Required: true, Example: "example-2401"},
	{Key: "password", ZH: "初始密码", EN: "Initial password", Aliases: []string{"密码", "Password"}, Required: true, Example: "Example-2026"},
	{Key: "role", ZH: "角色", EN: "Role", Example: string(RoleSecretary)},
	{Key: "grant_org_code", ZH: "角色组织编码", EN: "Role org code", Aliases: []string{"角色所在组织编码"}, Example: "example-2401"},
	// The e-mail column came later than the others: it is last, so that sheets
	// made from the earlier template keep their column positions.
	{Key: "email", ZH: "邮箱", EN: "E-mail", Aliases: []string{"电子邮箱", "电子邮件", "邮箱地址", "E-mail address"}, Example: "example-zhang@example.edu.cn"},
}

// Columns returns the columns of sheet k.
func (k SheetKind) Columns() []SheetColumn {
	if k == SheetPeople {
		return PeopleColumns
	}
	return OrgColumns
}

// normHeader folds a header or sheet name for comparison: full-width letters to
// ASCII, lower case, without spaces, "_", "-", a byte-order mark or a trailing "*"
// (a common "required" mark).
func normHeader(s string) string {
	s = strings.TrimSuffix(strings.TrimSpace(width.Narrow.String(s)), "*")
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '_' || r == '-' || r == '\ufeff' {
			return -1
		}
		return unicode.ToLower(r)
	}, s)
}

// columnByHeader returns the column of sheet k a header denotes, and whether the
// header is the column's English one.
func columnByHeader(k SheetKind, header string) (SheetColumn, bool, bool) {
	n := normHeader(header)
	if n == "" {
		return SheetColumn{}, false, false
	}
	for _, c := range k.Columns() {
		if normHeader(c.EN) == n {
			return c, true, true
		}
		for _, h := range append([]string{c.ZH, c.Key}, c.Aliases...) {
			if normHeader(h) == n {
				return c, false, true
			}
		}
	}
	return SheetColumn{}, false, false
}

// SheetKindByHeader returns the sheet whose required columns a header row holds
// every one of: how a CSV file, which has one sheet and no sheet name, is recognised.
func SheetKindByHeader(header []string) (SheetKind, bool) {
	for _, k := range SheetKinds {
		found := map[string]bool{}
		for _, h := range header {
			if c, _, ok := columnByHeader(k, h); ok {
				found[c.Key] = true
			}
		}
		all := true
		for _, c := range k.Columns() {
			if c.Required && !found[c.Key] {
				all = false
			}
		}
		if all {
			return k, true
		}
	}
	return "", false
}

// RawSheet is one worksheet as read from a file: which sheet it is and its cells,
// row by row, Rows[0] being spreadsheet row 1. Rows may differ in length.
type RawSheet struct {
	Kind SheetKind
	Rows [][]string
}

// SheetOptions is what ParseImport needs besides the cells.
type SheetOptions struct {
	// Today is the current date; founding dates after it are refused.
	Today time.Time
	// Zone is the time zone dates are read in; nil means UTC.
	Zone *time.Location
	// Labels returns the labels of a catalogue key ("kind.class", "role.admin") in
	// every language, so that a kind or role cell may hold a label as well as a code.
	// Nil accepts codes only.
	Labels func(key string) []string
}

// OrgRow is one data row of the organizations sheet.
type OrgRow struct {
	Row        int      // spreadsheet row number
	Input      OrgInput // ParentID is 0: the store resolves ParentCode
	ParentCode string
}

// PersonRow is one data row of the people sheet.
type PersonRow struct {
	Row          int       // spreadsheet row number
	Input        UserInput // HomeOrgID is 0: the store resolves HomeOrgCode
	HomeOrgCode  string
	Role         Role   // "" when the row grants no role
	GrantOrgCode string // where Role is granted: the home org unless the row names another
}

// SheetError is one problem of an import, placed by sheet, row and column.
type SheetError struct {
	Sheet SheetKind
	// Row is the spreadsheet row number (the header row is 1 when it comes first),
	// or 0 for a problem of the sheet as a whole.
	Row int
	// Column is the column's header as written in the sheet (its Chinese header when
	// the sheet lacks it, a column letter for a column without header), or "" for a
	// problem of the whole row or sheet.
	Column  string
	Message string // catalogue key
	Args    []any  // arguments for Message
	col     int    // column position, for ordering
}

// ImportErrors is every problem found in an import. It is an error whose portal
// error code is EINVALID, so that it shows as invalid input wherever it goes.
type ImportErrors struct {
	Errors []SheetError
}

func (e *ImportErrors) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "import: %d problems", len(e.Errors))
	for i, se := range e.Errors {
		if i == 5 {
			b.WriteString("; …")
			break
		}
		fmt.Fprintf(&b, "; %s row %d %s: %s", se.Sheet, se.Row, se.Column, se.Message)
	}
	return b.String()
}

// As lets errors.As see an *ImportErrors as an EINVALID *Error, so that ErrorCode
// and the server's error mapping treat it as invalid input.
func (e *ImportErrors) As(target any) bool {
	if pe, ok := target.(**Error); ok {
		*pe = &Error{Code: EINVALID, Message: "import.has_errors"}
		return true
	}
	return false
}

// ImportSheet is a parsed import: the rows of both sheets, in sheet order, and the
// problems found so far. The store adds the problems only the database can find
// (unknown parents, codes taken) through Fail, and imports nothing unless Err is nil.
type ImportSheet struct {
	Orgs   []OrgRow
	People []PersonRow
	// Source names the uploaded file, for the audit log.
	Source string

	errs      []SheetError
	malformed bool
	seen      map[cellKey]bool
	failed    map[rowKey]bool
	headers   map[SheetKind]*sheetHeader
}

type cellKey struct {
	sheet  SheetKind
	row    int
	column string
}

type rowKey struct {
	sheet SheetKind
	row   int
}

// sheetHeader is what the header row of a sheet says: where each column stands and
// how it is written.
type sheetHeader struct {
	english bool
	text    map[string]string // column key → header as written
	pos     map[string]int    // column key → position
}

func (s *ImportSheet) header(k SheetKind) *sheetHeader {
	if s.headers == nil {
		s.headers = map[SheetKind]*sheetHeader{}
	}
	h := s.headers[k]
	if h == nil {
		h = &sheetHeader{text: map[string]string{}, pos: map[string]int{}}
		s.headers[k] = h
	}
	return h
}

// Fail records a problem in a cell: column is a column key (see SheetColumn.Key),
// "" for the whole row. Only the first problem of a cell is kept.
func (s *ImportSheet) Fail(sheet SheetKind, row int, column, msg string, args ...any) {
	h := s.header(sheet)
	text, col := "", -1
	if column != "" {
		var ok bool
		if text, ok = h.text[column]; !ok {
			text = column
			for _, c := range sheet.Columns() {
				if c.Key == column {
					text = c.Header(h.english)
				}
			}
		}
		col = len(sheet.Columns())
		if p, ok := h.pos[column]; ok {
			col = p
		}
	}
	s.add(SheetError{Sheet: sheet, Row: row, Column: text, Message: msg, Args: args, col: col}, column)
}

func (s *ImportSheet) add(e SheetError, column string) {
	if s.seen == nil {
		s.seen, s.failed = map[cellKey]bool{}, map[rowKey]bool{}
	}
	k := cellKey{e.Sheet, e.Row, column}
	if s.seen[k] {
		return
	}
	s.seen[k] = true
	s.failed[rowKey{e.Sheet, e.Row}] = true
	if e.Row == 0 {
		s.malformed = true
	}
	s.errs = append(s.errs, e)
}

// failFields records the field errors of an input's Validate, each in its column;
// fields named in rename go to another column.
func (s *ImportSheet) failFields(sheet SheetKind, row int, err error, rename map[string]string) {
	fields := FieldErrors(err)
	keys := make([]string, 0, len(fields))
	for f := range fields {
		keys = append(keys, f)
	}
	sort.Strings(keys)
	for _, f := range keys {
		col := f
		if r, ok := rename[f]; ok {
			col = r
		}
		if col != "" {
			s.Fail(sheet, row, col, fields[f])
		}
	}
}

// FailFields records the field errors of an OrgInput's or a UserInput's Validate on
// a row, each in the column of the same key; "home_org_id" goes to "home_org_code".
func (s *ImportSheet) FailFields(sheet SheetKind, row int, err error) {
	s.failFields(sheet, row, err, map[string]string{"home_org_id": "home_org_code"})
}

// Malformed reports whether a problem of a sheet as a whole was found: its columns,
// its size, or the sheets of the file. The rows of a malformed import are not worth
// checking against the database.
func (s *ImportSheet) Malformed() bool { return s.malformed }

// RowFailed reports whether a problem has been recorded on a row.
func (s *ImportSheet) RowFailed(sheet SheetKind, row int) bool {
	return s.failed[rowKey{sheet, row}]
}

// Err returns every recorded problem as an *ImportErrors, organizations first, then
// by row and column, or nil when there is none.
func (s *ImportSheet) Err() error {
	if len(s.errs) == 0 {
		return nil
	}
	out := append([]SheetError(nil), s.errs...)
	order := map[SheetKind]int{SheetOrgs: 0, SheetPeople: 1}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Sheet != b.Sheet {
			return order[a.Sheet] < order[b.Sheet]
		}
		if a.Row != b.Row {
			return a.Row < b.Row
		}
		return a.col < b.col
	})
	return &ImportErrors{Errors: out}
}

// ParseImport checks the cells of the given sheets and returns their rows with every
// problem found: unknown, repeated or missing columns, too many rows, cells that are
// missing or do not parse, inputs that fail their own validation, and codes,
// usernames and phone numbers repeated within the sheet. A sheet may come at most
// once; an import with no data row at all is a problem too.
func ParseImport(sheets []RawSheet, opt SheetOptions) *ImportSheet {
	s := &ImportSheet{}
	p := parser{s: s, opt: opt, kinds: map[string]OrgKind{}, roles: map[string]Role{}}
	if p.opt.Zone == nil {
		p.opt.Zone = time.UTC
	}
	for _, k := range OrgKinds {
		p.kinds[normHeader(string(k))] = k
		for _, l := range p.labels("kind." + string(k)) {
			p.kinds[normHeader(l)] = k
		}
	}
	for _, r := range Roles {
		p.roles[normHeader(string(r))] = r
		for _, l := range p.labels("role." + string(r)) {
			p.roles[normHeader(l)] = r
		}
	}
	seen := map[SheetKind]bool{}
	for _, sh := range sheets {
		if seen[sh.Kind] {
			s.Fail(sh.Kind, 0, "", "import.sheet_repeated")
			continue
		}
		seen[sh.Kind] = true
		p.sheet(sh)
	}
	if len(s.Orgs) == 0 && len(s.People) == 0 && len(s.errs) == 0 {
		k := SheetOrgs
		if len(sheets) > 0 {
			k = sheets[0].Kind
		}
		s.Fail(k, 0, "", "import.nothing")
	}
	return s
}

type parser struct {
	s     *ImportSheet
	opt   SheetOptions
	kinds map[string]OrgKind
	roles map[string]Role
}

func (p *parser) labels(key string) []string {
	if p.opt.Labels == nil {
		return nil
	}
	return p.opt.Labels(key)
}

// cell returns a cell's text without surrounding spaces (full-width ones included).
func cell(row []string, i int) string {
	if i < 0 || i >= len(row) {
		return ""
	}
	return strings.TrimFunc(row[i], func(r rune) bool { return unicode.IsSpace(r) || r == '\ufeff' })
}

func blankRow(row []string) bool {
	for i := range row {
		if cell(row, i) != "" {
			return false
		}
	}
	return true
}

// ColumnLetter returns the spreadsheet letter of the column at position i (0 is "A").
func ColumnLetter(i int) string {
	s := ""
	for i++; i > 0; i = (i - 1) / 26 {
		s = string(rune('A'+(i-1)%26)) + s
	}
	return s
}

// sheet parses one sheet: header, then data rows.
func (p *parser) sheet(sh RawSheet) {
	k := sh.Kind
	hr := -1
	for i, row := range sh.Rows {
		if !blankRow(row) {
			hr = i
			break
		}
	}
	if hr < 0 {
		return // an empty sheet imports nothing
	}
	h := p.s.header(k)
	header := sh.Rows[hr]
	before := len(p.s.errs)
	defer func() {
		// Problems found on the header row are problems of the sheet's columns.
		for _, e := range p.s.errs[before:] {
			if e.Sheet == k && e.Row == hr+1 {
				p.s.malformed = true
			}
		}
	}()
	cols := map[int]string{} // position → column key
	var unnamed []int
	for i := range header {
		text := cell(header, i)
		if text == "" {
			unnamed = append(unnamed, i)
			continue
		}
		c, english, ok := columnByHeader(k, text)
		if english {
			h.english = true
		}
		switch {
		case !ok:
			p.s.add(SheetError{Sheet: k, Row: hr + 1, Column: text, Message: "import.column_unknown", col: i}, "#"+strconv.Itoa(i))
		case h.text[c.Key] != "":
			p.s.add(SheetError{Sheet: k, Row: hr + 1, Column: text, Message: "import.column_repeated", col: i}, "#"+strconv.Itoa(i))
		default:
			h.text[c.Key], h.pos[c.Key] = text, i
			cols[i] = c.Key
		}
	}
	for _, c := range k.Columns() {
		if c.Required && h.text[c.Key] == "" {
			p.s.Fail(k, hr+1, c.Key, "import.column_missing")
		}
	}
	var data []int
	for i := hr + 1; i < len(sh.Rows); i++ {
		if !blankRow(sh.Rows[i]) {
			data = append(data, i)
		}
	}
	if len(data) > MaxImportRows {
		p.s.Fail(k, 0, "", "import.too_many_rows", MaxImportRows)
		return
	}
	reported := map[int]bool{}
	for _, i := range data {
		for _, u := range unnamed {
			if cell(sh.Rows[i], u) != "" && !reported[u] {
				reported[u] = true
				p.s.add(SheetError{Sheet: k, Row: hr + 1, Column: ColumnLetter(u), Message: "import.column_unnamed", col: u}, "#"+strconv.Itoa(u))
			}
		}
		get := func(key string) string {
			if pos, ok := h.pos[key]; ok {
				return cell(sh.Rows[i], pos)
			}
			return ""
		}
		if k == SheetOrgs {
			p.orgRow(i+1, get)
		} else {
			p.personRow(i+1, get)
		}
	}
	if k == SheetOrgs {
		p.repeats(k, "code", func(yield func(int, string)) {
			for _, r := range p.s.Orgs {
				yield(r.Row, r.Input.Code)
			}
		})
		p.repeats(k, "name", func(yield func(int, string)) {
			for _, r := range p.s.Orgs {
				yield(r.Row, r.ParentCode+"\x00"+r.Input.Name)
			}
		})
	} else {
		p.repeats(k, "username", func(yield func(int, string)) {
			for _, r := range p.s.People {
				yield(r.Row, strings.ToLower(r.Input.Username))
			}
		})
		p.repeats(k, "phone", func(yield func(int, string)) {
			for _, r := range p.s.People {
				yield(r.Row, r.Input.Phone)
			}
		})
		p.repeats(k, "email", func(yield func(int, string)) {
			for _, r := range p.s.People {
				yield(r.Row, strings.ToLower(r.Input.Email))
			}
		})
	}
}

// repeats fails every row whose value in column repeats an earlier row's (empty
// values aside), naming the earlier row.
func (p *parser) repeats(k SheetKind, column string, each func(yield func(int, string))) {
	first := map[string]int{}
	each(func(row int, v string) {
		if v == "" || strings.HasSuffix(v, "\x00") {
			return
		}
		if r, ok := first[v]; ok {
			p.s.Fail(k, row, column, "import.repeated", r)
			return
		}
		first[v] = row
	})
}

// required fails the cell of a required column when it is empty, unless the whole
// column is missing (reported once, on the header).
func (p *parser) required(k SheetKind, row int, key, v string) bool {
	if v != "" {
		return true
	}
	if _, ok := p.s.header(k).pos[key]; ok {
		p.s.Fail(k, row, key, "form.required")
	}
	return false
}

// narrow folds full-width letters and digits, which Chinese input methods often
// produce, to ASCII.
func narrow(s string) string { return width.Narrow.String(s) }

func (p *parser) orgRow(row int, get func(string) string) {
	k := SheetOrgs
	r := OrgRow{Row: row, ParentCode: narrow(get("parent_code"))}
	in := &r.Input
	in.Code, in.Name = narrow(get("code")), get("name")
	for _, c := range OrgColumns {
		if c.Required {
			v := get(c.Key)
			if c.Key == "code" || c.Key == "parent_code" {
				v = narrow(v)
			}
			p.required(k, row, c.Key, v)
		}
	}
	if v := get("kind"); v != "" {
		kind, ok := p.kinds[normHeader(v)]
		if !ok {
			p.s.Fail(k, row, "kind", "import.kind_unknown")
		}
		in.Kind = kind
	}
	in.FoundedOn = p.date(k, row, "founded_on", get("founded_on"))
	in.LeagueMembers = p.int(k, row, "league_members", get("league_members"))
	in.YouthUnder28 = p.int(k, row, "youth_under_28", get("youth_under_28"))
	in.LeagueCadres = p.int(k, row, "league_cadres", get("league_cadres"))
	if in.Code == OrgColumns[0].Example && in.Name == OrgColumns[1].Example {
		p.s.Fail(k, row, "", "import.example_row")
	}
	// The parent is not known yet: judge the input under a kind that may hold it, so
	// that every other field is checked now; the store checks the kind against the
	// real parent. A kind nothing may hold (a school) can never be imported.
	stand := StandInParentKind(in.Kind)
	if in.Kind.Valid() && stand == "" {
		p.s.Fail(k, row, "kind", "org.kind_not_allowed")
	}
	p.validated(k, row, in.Validate(stand, p.opt.Today), nil)
	p.s.Orgs = append(p.s.Orgs, r)
}

// StandInParentKind returns a kind that may hold an organization of kind k, or ""
// when none may (a school, or an unknown kind).
func StandInParentKind(k OrgKind) OrgKind {
	if ps := k.ParentKinds(); len(ps) > 0 {
		return ps[0]
	}
	return ""
}

func (p *parser) personRow(row int, get func(string) string) {
	k := SheetPeople
	r := PersonRow{Row: row, HomeOrgCode: narrow(get("home_org_code")), GrantOrgCode: narrow(get("grant_org_code"))}
	in := &r.Input
	in.Username, in.DisplayName, in.Phone, in.Password = narrow(get("username")), get("display_name"), narrow(get("phone")), get("password")
	in.Email = get("email") // Validate trims and narrows it
	for _, c := range PeopleColumns {
		if c.Required {
			v := get(c.Key)
			if c.Key != "display_name" && c.Key != "password" {
				v = narrow(v)
			}
			p.required(k, row, c.Key, v)
		}
	}
	if v := get("role"); v != "" {
		role, ok := p.roles[normHeader(v)]
		if !ok {
			p.s.Fail(k, row, "role", "import.role_unknown")
		}
		r.Role = role
	} else if r.GrantOrgCode != "" {
		p.s.Fail(k, row, "grant_org_code", "import.grant_without_role")
	}
	if r.Role != "" && r.GrantOrgCode == "" {
		r.GrantOrgCode = r.HomeOrgCode
	}
	if in.Username == PeopleColumns[0].Example && in.DisplayName == PeopleColumns[1].Example {
		p.s.Fail(k, row, "", "import.example_row")
	}
	// The home org is resolved by the store; its id is not the sheet's to judge.
	p.validated(k, row, in.Validate(), map[string]string{"home_org_id": ""})
	p.s.People = append(p.s.People, r)
}

// validated records the field errors of an input's Validate, leaving out columns the
// sheet lacks (reported once, on the header) and fields renamed to "".
func (p *parser) validated(k SheetKind, row int, err error, rename map[string]string) {
	h := p.s.header(k)
	fields := FieldErrors(err)
	kept := map[string]string{}
	for f, msg := range fields {
		col := f
		if r, ok := rename[f]; ok {
			col = r
		}
		if _, ok := h.pos[col]; ok {
			kept[f] = msg
		}
	}
	p.s.failFields(k, row, &Error{Code: EINVALID, Fields: kept}, rename)
}

// int reads a whole number cell; empty is 0. Thousands separators and a zero
// fraction ("40.0", as some spreadsheets write numbers) are accepted.
func (p *parser) int(k SheetKind, row int, key, v string) int {
	v = strings.ReplaceAll(narrow(v), ",", "")
	if v == "" {
		return 0
	}
	if whole, frac, ok := strings.Cut(v, "."); ok && strings.Trim(frac, "0") == "" {
		v = whole
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		p.s.Fail(k, row, key, "form.not_number")
		return 0
	}
	return n
}

// dateLayouts are the date forms a cell may take: ISO, with slashes or dots, or in
// Chinese; months and days with or without a leading zero.
var dateLayouts = []string{"2006-1-2", "2006/1/2", "2006.1.2", "2006年1月2日"}

// Excel stores dates as days since 1899-12-30; a whole number in this range in a
// date column is such a serial (1954 to 2119), as a cell formatted as a number shows it.
const (
	excelSerialMin = 20000
	excelSerialMax = 80000
)

func (p *parser) date(k SheetKind, row int, key, v string) time.Time {
	v = narrow(v)
	if v == "" {
		return time.Time{}
	}
	for _, layout := range dateLayouts {
		if t, err := time.ParseInLocation(layout, v, p.opt.Zone); err == nil {
			return t
		}
	}
	if n, err := strconv.Atoi(v); err == nil && n >= excelSerialMin && n <= excelSerialMax {
		t := time.Date(1899, 12, 30, 0, 0, 0, 0, p.opt.Zone).AddDate(0, 0, n)
		return t
	}
	p.s.Fail(k, row, key, "form.bad_date")
	return time.Time{}
}

// CommonAncestor returns the deepest path that covers every path given (the
// materialized paths of organizations), or "" when there is none or no path.
func CommonAncestor(paths ...string) string {
	if len(paths) == 0 {
		return ""
	}
	common := strings.Split(strings.Trim(paths[0], "/"), "/")
	for _, p := range paths[1:] {
		parts := strings.Split(strings.Trim(p, "/"), "/")
		n := 0
		for n < len(common) && n < len(parts) && common[n] == parts[n] {
			n++
		}
		common = common[:n]
	}
	if len(common) == 0 || common[0] == "" {
		return ""
	}
	return "/" + strings.Join(common, "/") + "/"
}

// truncate shortens s to at most n runes.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

// SourceName cleans an uploaded file's name for the audit log: its base name, at
// most 100 characters, without control characters.
func SourceName(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, name)
	return truncate(strings.TrimSpace(name), 100)
}
