package server

import (
	"errors"
	"io"
	"mime"
	"net/http"

	"github.com/campusorg/portal/internal/i18n"
	"github.com/campusorg/portal/internal/portal"
	"github.com/campusorg/portal/web"
)

// importFileField is the name of the upload form's file input.
const importFileField = "file"

// importShownErrors bounds the problems listed on the page; the rest are counted.
const importShownErrors = 200

// importView renders the import page with v's problems, if any.
func (s *Server) importView(r *http.Request, v web.ImportView) templComponent {
	v.MaxMB = int((s.opt.ImportMaxBytes + 1<<20 - 1) >> 20)
	v.MaxRows = portal.MaxImportRows
	return web.ImportPage(s.chrome(r, "nav.import", "import.title"), v)
}

// importPage shows what an import does, the template link and the upload form.
func (s *Server) importPage(w http.ResponseWriter, r *http.Request) error {
	if err := requireAction(r, portal.ActImport); err != nil {
		return err
	}
	return s.page(w, r, s.importView(r, web.ImportView{}))
}

// importTemplate sends the import template, in the request's language, as an .xlsx
// download with a file name in that language.
func (s *Server) importTemplate(w http.ResponseWriter, r *http.Request) error {
	if err := requireAction(r, portal.ActImport); err != nil {
		return err
	}
	lang := i18n.FromContext(r.Context())
	b, err := importTemplate(lang)
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", xlsxContentType)
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": i18n.T(lang, "import.template_filename")}))
	h.Set("Cache-Control", "private, no-cache")
	_, err = w.Write(b)
	return err
}

// importUpload imports an uploaded sheet: every row is checked and nothing is
// imported unless all are good. Problems re-render the page with 422, listed by
// sheet, row and column; success redirects to the organizations with a flash.
func (s *Server) importUpload(w http.ResponseWriter, r *http.Request) error {
	if err := requireAction(r, portal.ActImport); err != nil {
		return err
	}
	name, data, err := s.readUpload(w, r)
	if err != nil {
		return s.importFailed(w, r, err)
	}
	sheets, err := readSheets(data)
	if err != nil {
		return s.importFailed(w, r, err)
	}
	lang := func(key string) []string { return []string{i18n.T(i18n.ZH, key), i18n.T(i18n.EN, key)} }
	sheet := portal.ParseImport(sheets, portal.SheetOptions{Today: s.now(), Zone: i18n.Zone, Labels: lang})
	sheet.Source = portal.SourceName(name)
	if _, err := s.store.Import(r.Context(), actorFrom(r.Context()), sheet); err != nil {
		return s.importFailed(w, r, err)
	}
	return s.redirect(w, r, "/orgs", "success", "import.done")
}

// readUpload reads the multipart body of the upload form: one file, in the field
// importFileField, of at most ImportMaxBytes. It returns the file's name and bytes.
func (s *Server) readUpload(w http.ResponseWriter, r *http.Request) (string, []byte, error) {
	limit := s.opt.ImportMaxBytes
	if err := requireAdmitted(r); err != nil {
		return "", nil, err
	}
	tooLarge := portal.Errorf(portal.EINVALID, "import.too_large", (limit+1<<20-1)>>20)
	// The envelope of the form may add a little to the file itself.
	r.Body = http.MaxBytesReader(w, r.Body, limit+64<<10)
	mr, err := r.MultipartReader()
	if err != nil {
		return "", nil, portal.Errorf(portal.EINVALID, "import.no_file")
	}
	var name string
	var data []byte
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return "", nil, tooLarge
		}
		if err != nil {
			return "", nil, portal.Errorf(portal.EINVALID, "error.bad_request")
		}
		if part.FormName() != importFileField || data != nil {
			return "", nil, portal.Errorf(portal.EINVALID, "error.unknown_field")
		}
		name = part.FileName()
		data, err = readFile(part, r.ContentLength, limit)
		if errors.As(err, &mbe) || errors.Is(err, errTooLarge) {
			return "", nil, tooLarge
		}
		if err != nil {
			return "", nil, portal.Errorf(portal.EINVALID, "error.bad_request")
		}
	}
	if len(data) == 0 {
		return "", nil, portal.Errorf(portal.EINVALID, "import.no_file")
	}
	return name, data, nil
}

// importFailed re-renders the import page with 422 for a sheet's problems or an
// unreadable upload, and returns any other error for handleError.
func (s *Server) importFailed(w http.ResponseWriter, r *http.Request, err error) error {
	var v web.ImportView
	var ie *portal.ImportErrors
	var pe *portal.Error
	switch {
	case errors.As(err, &ie):
		v.Errors, v.ErrorCount = ie.Errors, len(ie.Errors)
		if len(v.Errors) > importShownErrors {
			v.Errors = v.Errors[:importShownErrors]
		}
	case portal.ErrorCode(err) == portal.EINVALID && errors.As(err, &pe):
		v.Error, v.ErrorArgs = pe.Message, pe.Args
	default:
		return err
	}
	s.render(w, r, http.StatusUnprocessableEntity, s.importView(r, v))
	return nil
}
