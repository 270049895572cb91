package server

import (
	"bytes"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/campusorg/portal/internal/i18n"
	"github.com/campusorg/portal/internal/portal"
)

// The portal's downloadable tables (汇总表, a round's scores and results) share one
// look: a bold title over the whole width, a shaded header row frozen under it, and
// bordered body cells formatted by the kind of value they hold. They are streamed
// into a workbook built in memory, so that a failure is an error page and never
// half a file.

// sheetStyles are the cell styles of an exported table, registered in one workbook.
type sheetStyles struct {
	titleStyle, headStyle, noteStyle int
	// Body cells: text (always a string cell, never a formula), whole numbers, yuan
	// with two decimals and thousands separators, a percentage with one decimal, a
	// date with minutes, and a score with two decimals.
	textStyle, intStyle, yuanStyle, ratioStyle, timeStyle, scoreStyle int
}

// newSheetStyles registers the table styles in f.
func newSheetStyles(f *excelize.File) (sheetStyles, error) {
	var styleErr error
	style := func(s *excelize.Style) int {
		id, err := f.NewStyle(s)
		if styleErr == nil {
			styleErr = err
		}
		return id
	}
	border := []excelize.Border{{Type: "left", Color: "999999", Style: 1}, {Type: "right", Color: "999999", Style: 1},
		{Type: "top", Color: "999999", Style: 1}, {Type: "bottom", Color: "999999", Style: 1}}
	middle := &excelize.Alignment{Vertical: "center"}
	yuanFmt, ratioFmt, timeFmt := "#,##0.00", "0.0%", "yyyy-mm-dd hh:mm"
	st := sheetStyles{
		titleStyle: style(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14},
			Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}}),
		headStyle: style(&excelize.Style{Font: &excelize.Font{Bold: true}, Border: border,
			Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
			Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}}),
		noteStyle:  style(&excelize.Style{Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}}),
		textStyle:  style(&excelize.Style{Border: border, NumFmt: 49, Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}}),
		intStyle:   style(&excelize.Style{Border: border, NumFmt: 1, Alignment: middle}),
		yuanStyle:  style(&excelize.Style{Border: border, CustomNumFmt: &yuanFmt, Alignment: middle}),
		ratioStyle: style(&excelize.Style{Border: border, CustomNumFmt: &ratioFmt, Alignment: middle}),
		timeStyle:  style(&excelize.Style{Border: border, CustomNumFmt: &timeFmt, Alignment: middle}),
		scoreStyle: style(&excelize.Style{Border: border, NumFmt: 2, Alignment: middle}), // 0.00
	}
	return st, styleErr
}

// text is a body cell holding s as a string.
func (st sheetStyles) text(s string) excelize.Cell {
	return excelize.Cell{StyleID: st.textStyle, Value: s}
}

// integer is a body cell holding a whole number.
func (st sheetStyles) integer(n int) excelize.Cell {
	return excelize.Cell{StyleID: st.intStyle, Value: n}
}

// score is a body cell holding x with two decimals, or an empty bordered cell when
// there is no score (!ok): an empty cell, not a misleading 0.
func (st sheetStyles) score(x float64, ok bool) excelize.Cell {
	c := excelize.Cell{StyleID: st.scoreStyle}
	if ok {
		c.Value = x
	}
	return c
}

// tableColumn is one column of an exported table: its header and its width in
// characters.
type tableColumn struct {
	head  string
	width float64
}

// tableBodyRow is the row where a table's body starts, under its title and header.
const tableBodyRow = 3

// streamSheet returns a stream writer over a sheet named name: the workbook's first
// sheet, renamed, when first (excelize starts every workbook with one), else a new
// one. The sheet is complete once the writer is flushed.
func streamSheet(f *excelize.File, name string, first bool) (*excelize.StreamWriter, error) {
	var err error
	if first {
		err = f.SetSheetName(f.GetSheetName(0), name)
	} else {
		_, err = f.NewSheet(name)
	}
	if err != nil {
		return nil, err
	}
	return f.NewStreamWriter(name)
}

// startTable begins a table on a fresh stream: the column widths, the title merged
// over every column in row 1, the header in row 2, both frozen. The body goes from
// tableBodyRow down.
func startTable(sw *excelize.StreamWriter, st sheetStyles, title string, cols []tableColumn) error {
	for i, c := range cols {
		if err := sw.SetColWidth(i+1, i+1, c.width); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 2, TopLeftCell: "A3", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	if err := sw.SetRow("A1", []any{excelize.Cell{StyleID: st.titleStyle, Value: title}}, excelize.RowOpts{Height: 30}); err != nil {
		return err
	}
	if err := sw.MergeCell("A1", cellRef(len(cols)-1, 1)); err != nil {
		return err
	}
	header := make([]any, len(cols))
	for i, c := range cols {
		header[i] = excelize.Cell{StyleID: st.headStyle, Value: c.head}
	}
	return sw.SetRow("A2", header, excelize.RowOpts{Height: 32})
}

// tableNote writes notes under a table at row, one paragraph each, in a cell merged
// over the table's width and tall enough for the text.
func tableNote(sw *excelize.StreamWriter, st sheetStyles, row int, cols []tableColumn, notes []string) error {
	var width float64
	for _, c := range cols {
		width += c.width
	}
	lines := 0
	for _, n := range notes {
		// A CJK character is about two characters of column width wide.
		lines += 1 + int(2*float64(utf8.RuneCountInString(n))/width)
	}
	text := strings.Join(notes, "\n")
	if err := sw.SetRow(cellRef(0, row), []any{excelize.Cell{StyleID: st.noteStyle, Value: text}},
		excelize.RowOpts{Height: float64(15*lines + 6)}); err != nil {
		return err
	}
	return sw.MergeCell(cellRef(0, row), cellRef(len(cols)-1, row))
}

// cellRef returns the reference of the cell in column col (from 0) and row (from 1).
func cellRef(col, row int) string { return portal.ColumnLetter(col) + strconv.Itoa(row) }

// translator returns the catalogue's messages in lang.
func translator(lang i18n.Lang) func(key string, args ...any) string {
	return func(key string, args ...any) string { return i18n.T(lang, key, args...) }
}

// workbookBytes writes f into memory.
func workbookBytes(f *excelize.File) ([]byte, error) {
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// sendWorkbook answers with the workbook b as a download named name (any script:
// mime.FormatMediaType encodes it), kept out of shared caches.
func sendWorkbook(w http.ResponseWriter, name string, b []byte) error {
	h := w.Header()
	h.Set("Content-Type", xlsxContentType)
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	h.Set("Cache-Control", "private, no-store")
	h.Set("Content-Length", strconv.Itoa(len(b)))
	_, err := w.Write(b)
	return err
}
