package portal

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// FieldType is the kind of a custom form field a track adds to the application form.
type FieldType string

// The custom field types.
const (
	FieldText     FieldType = "text"
	FieldTextarea FieldType = "textarea"
	FieldNumber   FieldType = "number"
	FieldDate     FieldType = "date"
	FieldChoice   FieldType = "choice"
	FieldMulti    FieldType = "multi"
	FieldFile     FieldType = "file"
)

// FieldTypes lists every field type.
var FieldTypes = []FieldType{FieldText, FieldTextarea, FieldNumber, FieldDate, FieldChoice, FieldMulti, FieldFile}

// FieldDef is a custom field of a track's application form.
type FieldDef struct {
	Key      string    `json:"key"`
	Label    string    `json:"label"`
	Type     FieldType `json:"type"`
	Required bool      `json:"required"`
	Help     string    `json:"help,omitempty"`
	Options  []string  `json:"options,omitempty"`
}

// Text limits of application fields.
const (
	MaxShortText = 200
	MaxLongText  = 20000
)

// Check returns the catalogue key of what is wrong with values for the field, or "".
// File fields are checked against the attachments, not here.
func (f FieldDef) Check(values []string) string {
	var nonEmpty []string
	for _, v := range values {
		if v = strings.TrimSpace(v); v != "" {
			nonEmpty = append(nonEmpty, v)
		}
	}
	if len(nonEmpty) == 0 {
		if f.Required && f.Type != FieldFile {
			return "form.required"
		}
		return ""
	}
	if f.Type != FieldMulti && len(nonEmpty) > 1 {
		return "form.one_value"
	}
	v := nonEmpty[0]
	switch f.Type {
	case FieldText:
		if utf8.RuneCountInString(v) > MaxShortText {
			return "form.too_long"
		}
	case FieldTextarea:
		if utf8.RuneCountInString(v) > MaxLongText {
			return "form.too_long"
		}
	case FieldNumber:
		if _, err := strconv.ParseFloat(v, 64); err != nil {
			return "form.not_number"
		}
	case FieldDate:
		if _, err := time.Parse("2006-01-02", v); err != nil {
			return "form.bad_date"
		}
	case FieldChoice, FieldMulti:
		for _, x := range nonEmpty {
			if !containsString(f.Options, x) {
				return "form.choose"
			}
		}
	}
	return ""
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
