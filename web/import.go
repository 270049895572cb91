package web

import "github.com/campusorg/portal/internal/portal"

// ImportView is the bulk import page: what an import does, the template, the upload
// form and, after a failed upload, what was wrong.
type ImportView struct {
	// Error is the catalogue key of a problem with the upload as a whole (no file, an
	// unreadable file), with its arguments.
	Error     string
	ErrorArgs []any
	// Errors are the problems of the sheet's cells, at most as many as the page
	// lists; ErrorCount counts all of them.
	Errors     []portal.SheetError
	ErrorCount int
	MaxMB      int // the upload size limit in MiB
	MaxRows    int // the most data rows a sheet may hold
}

// sheetRow shows a problem's row number, or a dash for the sheet as a whole.
func sheetRow(e portal.SheetError) string {
	if e.Row == 0 {
		return "—"
	}
	return itoa(int64(e.Row))
}
