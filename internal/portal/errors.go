// Package portal is the domain of the portal: its types, state machines, rules and the
// permission policy. It imports no database, router or template package, so that every
// rule can be tested on its own.
package portal

import (
	"errors"
	"fmt"
)

// Error codes. Every error the application shows a user carries one of them; the
// server maps each code to an HTTP status and a page in one place.
const (
	ENOTFOUND  = "not_found"
	EINVALID   = "invalid"
	ECONFLICT  = "conflict"
	EFORBIDDEN = "forbidden"
	EINTERNAL  = "internal"
)

// Error is an application error with a code, a message key from the i18n catalogue
// that is safe to show, optional per-field message keys for forms, and an optional
// underlying cause that only logs see.
type Error struct {
	Code    string
	Message string            // catalogue key of the safe message
	Args    []any             // arguments for Message
	Fields  map[string]string // form field name → catalogue key
	Err     error             // cause, for logs only
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with code and message key.
func Errorf(code, message string, args ...any) *Error {
	return &Error{Code: code, Message: message, Args: args}
}

// NotFound returns the error for a record that does not exist or that the actor may not see.
func NotFound() *Error { return &Error{Code: ENOTFOUND, Message: "error.not_found"} }

// Forbidden returns the error for an action the actor may not take. Pages show it as not found.
func Forbidden() *Error { return &Error{Code: EFORBIDDEN, Message: "error.not_found"} }

// Conflict returns the error for a write that lost a race with another writer or broke uniqueness.
func Conflict(message string) *Error { return &Error{Code: ECONFLICT, Message: message} }

// ErrorCode returns the code of err, EINTERNAL for errors that are not *Error, and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	}
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// Invalid collects field errors while a form is checked. The zero value is ready to use.
type Invalid struct {
	Fields map[string]string
}

// Add records message key msg for field, keeping the first message per field.
func (v *Invalid) Add(field, msg string) {
	if v.Fields == nil {
		v.Fields = map[string]string{}
	}
	if _, ok := v.Fields[field]; !ok {
		v.Fields[field] = msg
	}
}

// Err returns an EINVALID *Error carrying the field errors, or nil when there are none.
func (v *Invalid) Err() error {
	if len(v.Fields) == 0 {
		return nil
	}
	return &Error{Code: EINVALID, Message: "error.invalid_form", Fields: v.Fields}
}

// FieldErrors returns the per-field message keys of err, or nil.
func FieldErrors(err error) map[string]string {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}
