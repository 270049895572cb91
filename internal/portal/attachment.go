package portal

import (
	"path"
	"strings"
	"unicode"
	"unicode/utf8"
)

// allowedTypes maps the content types an attachment may have, as detected from its
// content, to the file extension it is served with: PDF, Word, PowerPoint, Excel,
// JPEG and PNG.
var allowedTypes = map[string]string{
	"application/pdf":    ".pdf",
	"application/msword": ".doc",
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document":   ".docx",
	"application/vnd.ms-powerpoint":                                             ".ppt",
	"application/vnd.openxmlformats-officedocument.presentationml.presentation": ".pptx",
	"application/vnd.ms-excel":                                                  ".xls",
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":         ".xlsx",
	"image/jpeg": ".jpg",
	"image/png":  ".png",
}

// AttachmentExt returns the extension for a detected content type, and whether the
// type is accepted.
func AttachmentExt(contentType string) (string, bool) {
	ext, ok := allowedTypes[contentType]
	return ext, ok
}

// MaxFileName bounds a stored file name, in characters.
const MaxFileName = 120

// CleanFileName returns a safe display name for an uploaded file: the last path
// element only (no directories, so no traversal), control and reserved characters
// replaced, trimmed to MaxFileName characters, and ending in ext (the extension of
// the detected type, whatever the name claimed). An empty result becomes "file"+ext.
func CleanFileName(name, ext string) string {
	name = strings.ReplaceAll(name, "\\", "/")
	name = path.Base(name)
	name = strings.Map(func(r rune) rune {
		switch {
		case r == utf8.RuneError, unicode.IsControl(r), strings.ContainsRune(`/\:*?"<>|`, r):
			return '_'
		case unicode.IsSpace(r):
			return ' '
		}
		return r
	}, name)
	name = strings.Trim(name, " ._")
	base := strings.TrimSuffix(name, path.Ext(name))
	if strings.EqualFold(path.Ext(name), ext) || path.Ext(name) == "" || isKnownExt(path.Ext(name)) {
		name = base
	}
	if utf8.RuneCountInString(name) > MaxFileName-len(ext) {
		name = string([]rune(name)[:MaxFileName-len(ext)])
	}
	if name == "" || name == "." || name == ".." {
		name = "file"
	}
	return name + ext
}

func isKnownExt(ext string) bool {
	ext = strings.ToLower(ext)
	for _, e := range allowedTypes {
		if e == ext {
			return true
		}
	}
	return ext == ".jpeg"
}
