package guidance

import (
	"errors"
	"strconv"
	"strings"
)

var errMissing = errors.New("missing")

// ErrMissing is wrapped by errors for a required field that is absent or empty.
var ErrMissing = errMissing

// A FieldError reports a bad value in one metadata field.
type FieldError struct {
	Field string // the field's name as written in front matter, e.g. "status"
	Err   error
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Err.Error() }
func (e *FieldError) Unwrap() error { return e.Err }

// An Error reports why a guidance file could not be loaded. Its message names
// the file and, where known, the line and field:
//
//	guidance/sepsis.md:4: status: unknown status "aproved" (want draft, approved, superseded or withdrawn)
type Error struct {
	File  string // path of the file as given to the loader
	Line  int    // 1-based line number, or 0 if not known
	Field string // metadata field, or "" if the error is not about one field
	Err   error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		b.WriteString(":")
		b.WriteString(strconv.Itoa(e.Line))
	}
	b.WriteString(": ")
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	if e.Err != nil {
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// wrapFileError turns err into an *Error for file at line. A *FieldError
// inside err supplies the field name.
func wrapFileError(file string, line int, err error) error {
	if err == nil {
		return nil
	}
	var fe *FieldError
	if errors.As(err, &fe) {
		return &Error{File: file, Line: line, Field: fe.Field, Err: fe.Err}
	}
	var ge *Error
	if errors.As(err, &ge) {
		return err
	}
	return &Error{File: file, Line: line, Err: err}
}
