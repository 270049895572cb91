package server

import (
	"bytes"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/campusorg/portal/internal/i18n"
	"github.com/campusorg/portal/internal/portal"
)

// xlsxContentType is the media type of an .xlsx workbook.
const xlsxContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// textColumns are the template columns formatted as text, so that a spreadsheet
// program keeps codes, phone numbers, passwords and dates as typed instead of turning
// them into numbers or dates of its own.
var textColumns = map[string]bool{"code": true, "parent_code": true, "founded_on": true, "username": true,
	"phone": true, "home_org_code": true, "password": true, "grant_org_code": true}

// importTemplate builds the import template in lang: an organizations sheet and a
// people sheet, each with its header row and one example row, and an instructions
// sheet listing the columns, the organization kinds and the roles with their codes.
func importTemplate(lang i18n.Lang) ([]byte, error) {
	en := lang == i18n.EN
	tr := func(key string, args ...any) string { return i18n.T(lang, key, args...) }
	f := excelize.NewFile()
	defer f.Close()
	head, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}}})
	if err != nil {
		return nil, err
	}
	text, err := f.NewStyle(&excelize.Style{NumFmt: 49})
	if err != nil {
		return nil, err
	}
	wrap, err := f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	if err != nil {
		return nil, err
	}
	for i, k := range portal.SheetKinds {
		name := k.SheetName(en)
		if i == 0 {
			err = f.SetSheetName(f.GetSheetName(0), name)
		} else {
			_, err = f.NewSheet(name)
		}
		if err != nil {
			return nil, err
		}
		if err := templateSheet(f, k, name, en, tr, head, text); err != nil {
			return nil, err
		}
	}
	if err := instructionsSheet(f, tr("import.sheet_instructions"), en, tr, head, wrap); err != nil {
		return nil, err
	}
	f.SetActiveSheet(0)
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// templateSheet writes the header and example rows of sheet k, with drop-down lists
// of kind and role labels (other values, such as codes, stay allowed).
func templateSheet(f *excelize.File, k portal.SheetKind, name string, en bool, tr func(string, ...any) string, head, text int) error {
	cols := k.Columns()
	header, example := make([]any, len(cols)), make([]any, len(cols))
	for j, c := range cols {
		col := portal.ColumnLetter(j)
		header[j] = c.Header(en)
		var ex any = c.Example
		switch {
		case c.Key == "kind":
			ex = tr("kind." + c.Example)
		case c.Key == "role":
			ex = tr("role." + c.Example)
		case !textColumns[c.Key]:
			if n, err := strconv.Atoi(c.Example); err == nil {
				ex = n
			}
		}
		example[j] = ex
		width := 16.0
		if c.Key == "name" || c.Key == "kind" || c.Key == "role" {
			width = 22
		}
		if err := f.SetColWidth(name, col, col, width); err != nil {
			return err
		}
		if textColumns[c.Key] {
			if err := f.SetColStyle(name, col, text); err != nil {
				return err
			}
		}
		var labels []string
		switch c.Key {
		case "kind":
			for _, kind := range portal.OrgKinds {
				if kind != portal.KindSchool {
					labels = append(labels, tr("kind."+string(kind)))
				}
			}
		case "role":
			for _, r := range portal.Roles {
				labels = append(labels, tr("role."+string(r)))
			}
		}
		if labels != nil {
			dv := excelize.NewDataValidation(true)
			dv.Sqref = col + "2:" + col + strconv.Itoa(portal.MaxImportRows+1)
			if err := dv.SetDropList(labels); err != nil {
				return err
			}
			if err := f.AddDataValidation(name, dv); err != nil {
				return err
			}
		}
	}
	if err := f.SetSheetRow(name, "A1", &header); err != nil {
		return err
	}
	if err := f.SetSheetRow(name, "A2", &example); err != nil {
		return err
	}
	if err := f.SetCellStyle(name, "A1", portal.ColumnLetter(len(cols)-1)+"1", head); err != nil {
		return err
	}
	return f.SetPanes(name, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
}

// sheetWriter writes rows one under another, keeping the first error.
type sheetWriter struct {
	f    *excelize.File
	name string
	row  int
	err  error
}

// put writes cells as the next row, in style when it is not 0.
func (w *sheetWriter) put(style int, cells ...any) {
	if w.err != nil {
		return
	}
	w.row++
	cell := "A" + strconv.Itoa(w.row)
	if w.err = w.f.SetSheetRow(w.name, cell, &cells); w.err == nil && style != 0 && len(cells) > 0 {
		w.err = w.f.SetCellStyle(w.name, cell, portal.ColumnLetter(len(cells)-1)+strconv.Itoa(w.row), style)
	}
}

// instructionsSheet writes what the template's columns mean and the codes of kinds
// and roles.
func instructionsSheet(f *excelize.File, name string, en bool, tr func(string, ...any) string, head, wrap int) error {
	if _, err := f.NewSheet(name); err != nil {
		return err
	}
	w := &sheetWriter{f: f, name: name}
	w.put(head, tr("import.tpl.title"))
	for _, key := range []string{"import.how_1", "import.how_2", "import.how_3", "import.how_4", "import.tpl.delete_examples"} {
		w.put(0, "· "+tr(key))
	}
	for _, k := range portal.SheetKinds {
		w.put(0)
		w.put(head, tr("import.tpl.columns", k.SheetName(en)))
		w.put(head, tr("import.tpl.column"), tr("import.tpl.required"), tr("import.tpl.meaning"))
		for _, c := range k.Columns() {
			req := tr("import.tpl.no")
			if c.Required {
				req = tr("import.tpl.yes")
			}
			w.put(wrap, c.Header(en), req, tr("import.col."+string(k)+"."+c.Key))
		}
	}
	w.put(0)
	w.put(head, tr("import.tpl.kinds"))
	w.put(head, tr("import.tpl.label"), tr("import.tpl.code"), tr("import.tpl.kind_parents"))
	for _, kind := range portal.OrgKinds {
		var parents []string
		for _, p := range kind.ParentKinds() {
			parents = append(parents, tr("kind."+string(p)))
		}
		under := strings.Join(parents, tr("import.tpl.list_sep"))
		if len(parents) == 0 {
			under = tr("import.tpl.top_only")
		}
		w.put(wrap, tr("kind."+string(kind)), string(kind), under)
	}
	w.put(0)
	w.put(head, tr("import.tpl.roles"))
	w.put(head, tr("import.tpl.label"), tr("import.tpl.code"))
	for _, r := range portal.Roles {
		w.put(0, tr("role."+string(r)), string(r))
	}
	if w.err != nil {
		return w.err
	}
	for col, width := range map[string]float64{"A": 24, "B": 24, "C": 80} {
		if err := f.SetColWidth(name, col, col, width); err != nil {
			return err
		}
	}
	return nil
}
