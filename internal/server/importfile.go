package server

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"

	"github.com/campusorg/portal/internal/portal"
)

// readLimit is how many non-blank rows of a sheet are read: the header, the most
// data rows an import takes, and one more to tell that there are too many.
const readLimit = portal.MaxImportRows + 2

// Bounds on what an uploaded workbook may unpack to, so that a small, highly
// compressed file cannot take the server's memory or disk.
const (
	xlsxUnzipLimit    = 256 << 20
	xlsxUnzipXMLLimit = 32 << 20
)

// readSheets reads an uploaded import file, told apart by its content rather than
// its name: an .xlsx workbook (a zip archive), whose sheets are recognised by name
// (组织机构, 人员, or Organizations, People) or else by their header row; or a CSV
// file, UTF-8 (with or without a byte-order mark), UTF-16 with a byte-order mark, or
// GBK as Excel writes it on Chinese Windows, holding one sheet recognised by its
// header row. An unreadable file is an EINVALID error saying why.
func readSheets(b []byte) ([]portal.RawSheet, error) {
	switch {
	case len(b) == 0:
		return nil, portal.Errorf(portal.EINVALID, "import.no_file")
	case bytes.HasPrefix(b, []byte("PK\x03\x04")):
		return readWorkbook(b)
	case bytes.HasPrefix(b, []byte("\xD0\xCF\x11\xE0")):
		// An OLE container: an old .xls workbook, or an encrypted .xlsx.
		return nil, portal.Errorf(portal.EINVALID, "import.xls_unsupported")
	}
	return readCSV(b)
}

func readWorkbook(b []byte) ([]portal.RawSheet, error) {
	f, err := excelize.OpenReader(bytes.NewReader(b), excelize.Options{
		ShortDatePattern:  "yyyy-mm-dd",
		UnzipSizeLimit:    xlsxUnzipLimit,
		UnzipXMLSizeLimit: xlsxUnzipXMLLimit,
	})
	if err != nil {
		return nil, &portal.Error{Code: portal.EINVALID, Message: "import.unreadable", Err: err}
	}
	defer f.Close()
	var out []portal.RawSheet
	for _, name := range f.GetSheetList() {
		kind, named := portal.SheetKindByName(name)
		rows, err := sheetRows(f, name)
		if err != nil {
			if named {
				return nil, &portal.Error{Code: portal.EINVALID, Message: "import.unreadable", Err: err}
			}
			continue // a chart sheet, say: not one of ours
		}
		if !named {
			if kind, named = portal.SheetKindByHeader(firstRow(rows)); !named {
				continue // the instructions, or the person's own notes
			}
		}
		out = append(out, portal.RawSheet{Kind: kind, Rows: rows})
	}
	if len(out) == 0 {
		return nil, portal.Errorf(portal.EINVALID, "import.no_sheet")
	}
	return out, nil
}

// sheetRows reads a worksheet's cells, row by row from row 1, as formatted text
// (dates as yyyy-mm-dd), stopping after readLimit non-blank rows.
func sheetRows(f *excelize.File, sheet string) ([][]string, error) {
	it, err := f.Rows(sheet)
	if err != nil {
		return nil, err
	}
	defer it.Close()
	var rows [][]string
	filled := 0
	for it.Next() && filled < readLimit {
		row, err := it.Columns()
		if err != nil {
			return nil, err
		}
		if !blank(row) {
			filled++
		}
		rows = append(rows, row)
	}
	return rows, it.Error()
}

// firstRow returns the first row with a non-blank cell.
func firstRow(rows [][]string) []string {
	for _, r := range rows {
		if !blank(r) {
			return r
		}
	}
	return nil
}

func blank(row []string) bool {
	for _, c := range row {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// decodeText returns the UTF-8 text of a CSV file.
func decodeText(b []byte) ([]byte, error) {
	switch {
	case bytes.HasPrefix(b, []byte("\xEF\xBB\xBF")):
		return b[3:], nil
	case bytes.HasPrefix(b, []byte("\xFF\xFE")), bytes.HasPrefix(b, []byte("\xFE\xFF")):
		return transformAll(unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder(), b)
	case utf8.Valid(b):
		return b, nil
	}
	// GB18030 decodes GBK and its predecessor GB2312, which Excel on Chinese
	// Windows writes CSV files in.
	return transformAll(simplifiedchinese.GB18030.NewDecoder(), b)
}

func transformAll(t transform.Transformer, b []byte) ([]byte, error) {
	out, _, err := transform.Bytes(t, b)
	return out, err
}

func readCSV(b []byte) ([]portal.RawSheet, error) {
	text, err := decodeText(b)
	if err != nil || bytes.IndexByte(text, 0) >= 0 {
		return nil, portal.Errorf(portal.EINVALID, "import.unreadable")
	}
	r := csv.NewReader(bytes.NewReader(text))
	r.FieldsPerRecord = -1
	// Excel's "Unicode text" export separates cells with tabs.
	if line, _, _ := bytes.Cut(text, []byte("\n")); bytes.IndexByte(line, '\t') >= 0 && bytes.IndexByte(line, ',') < 0 {
		r.Comma = '\t'
	}
	var rows [][]string
	filled := 0
	for filled < readLimit {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return nil, portal.Errorf(portal.EINVALID, "import.csv_bad_line", pe.StartLine)
		}
		if err != nil {
			return nil, &portal.Error{Code: portal.EINVALID, Message: "import.unreadable", Err: err}
		}
		// The reader skips empty lines; placing each record on its line keeps the row
		// numbers a spreadsheet program shows for the file.
		line, _ := r.FieldPos(0)
		for len(rows) < line-1 {
			rows = append(rows, nil)
		}
		rows = append(rows, rec)
		if !blank(rec) {
			filled++
		}
	}
	kind, ok := portal.SheetKindByHeader(firstRow(rows))
	if !ok {
		if len(firstRow(rows)) == 0 {
			return nil, portal.Errorf(portal.EINVALID, "import.nothing")
		}
		return nil, portal.Errorf(portal.EINVALID, "import.csv_unknown_header")
	}
	return []portal.RawSheet{{Kind: kind, Rows: rows}}, nil
}
