// Package fault is the one error type rooms return when something is wrong with a request rather
// than with the server: it carries a kind (not found, conflict, invalid with field errors,
// forbidden, …) and a catalog key for the message, never an HTTP status or a sentence. The web
// package turns it into an HTML page, an htmx fragment or RFC 9457 problem details in the
// viewer's language (web.WriteProblem, Renderer.Fail), so a store can say "conflict" without
// knowing HTTP, and a handler never maps errors by hand. Any error that is not a *Error (or does
// not wrap one) is an internal error: logged once and shown as a friendly 500.
package fault

import (
	"errors"
	"fmt"
)

// Kind says what went wrong in terms the caller can act on; the web package maps it to a status.
type Kind uint8

// The kinds. The zero Kind is KindInternal, so an error that says nothing is treated as the server's
// fault, never as the caller's.
const (
	KindInternal     Kind = iota // 500: a bug or a broken dependency; logged
	KindNotFound                 // 404: the thing does not exist in this tenant
	KindConflict                 // 409: the request clashes with the current state (duplicate, changed meanwhile, immutable)
	KindInvalid                  // 422: the input is well-formed but wrong; see Error.Fields
	KindMalformed                // 400: the input could not be read at all
	KindUnauthorized             // 401: no valid sign-in or key
	KindForbidden                // 403: signed in, but not allowed
	KindTooLarge                 // 413: the body or batch is over a limit
	KindRateLimited              // 429: too many requests; retry later
	KindUnavailable              // 503: a dependency is busy or switched off; retry later
)

var kindNames = [...]string{
	KindInternal:     "internal",
	KindNotFound:     "not_found",
	KindConflict:     "conflict",
	KindInvalid:      "invalid",
	KindMalformed:    "malformed",
	KindUnauthorized: "unauthorized",
	KindForbidden:    "forbidden",
	KindTooLarge:     "too_large",
	KindRateLimited:  "rate_limited",
	KindUnavailable:  "unavailable",
}

// String is the kind's machine word ("not_found"); it is the default `code` of a problem and the
// last part of its `type`.
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "internal"
}

// FieldError is one invalid field: its form or JSON name and the catalog key (with arguments) of
// what is wrong with it.
type FieldError struct {
	Field string
	Key   string
	Args  []any
}

// Fields collects field errors during validation; the first error of a field wins.
type Fields []FieldError

// Add records key as field's error unless the field already has one.
func (f *Fields) Add(field, key string, args ...any) {
	for _, e := range *f {
		if e.Field == field {
			return
		}
	}
	*f = append(*f, FieldError{Field: field, Key: key, Args: args})
}

// Err is nil when no field failed and a KindInvalid error carrying the fields otherwise, so
// validation ends with `return fields.Err()`.
func (f Fields) Err() error {
	if len(f) == 0 {
		return nil
	}
	return &Error{Kind: KindInvalid, Fields: f}
}

// Error is a request error with a kind and a message key. Key and Args are a catalog message
// (empty: the generic message of the kind's status); Code, when set, is a more specific machine
// word than the kind for API callers ("bad_query"); Err is the cause, kept for logs and
// errors.Is but never shown.
type Error struct {
	Kind   Kind
	Key    string
	Args   []any
	Fields Fields
	Code   string
	Err    error
}

// Error is the cause's text when there is one (what logs and the CLI should read), else the
// kind, key and fields.
func (e *Error) Error() string {
	if e.Err != nil {
		return e.Err.Error()
	}
	s := e.Kind.String()
	if e.Key != "" {
		s += " (" + e.Key + ")"
	}
	for _, f := range e.Fields {
		s += fmt.Sprintf(" %s: %s;", f.Field, f.Key)
	}
	return s
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Wrap records cause and returns e, for `return fault.Conflict("crm.err.sku_taken").Wrap(err)`.
func (e *Error) Wrap(cause error) *Error { e.Err = cause; return e }

// WithCode sets the machine word API callers see in place of the kind's, and returns e.
func (e *Error) WithCode(code string) *Error { e.Code = code; return e }

// New returns an error of kind with the message key and its arguments.
func New(kind Kind, key string, args ...any) *Error {
	return &Error{Kind: kind, Key: key, Args: args}
}

// NotFound: the thing does not exist (in this tenant).
func NotFound(key string, args ...any) *Error { return New(KindNotFound, key, args...) }

// Conflict: the request clashes with what is stored (a duplicate, a change in the meantime, a
// row that may no longer change).
func Conflict(key string, args ...any) *Error { return New(KindConflict, key, args...) }

// InvalidField: one field is wrong; use Fields for several.
func InvalidField(field, key string, args ...any) *Error {
	return &Error{Kind: KindInvalid, Fields: Fields{{Field: field, Key: key, Args: args}}}
}

// Malformed: the input could not be parsed.
func Malformed(key string, args ...any) *Error { return New(KindMalformed, key, args...) }

// Unauthorized: no valid sign-in or key.
func Unauthorized(key string, args ...any) *Error { return New(KindUnauthorized, key, args...) }

// TooLarge: the body or batch is over a limit.
func TooLarge(key string, args ...any) *Error { return New(KindTooLarge, key, args...) }

// Forbidden: the caller may not do this.
func Forbidden(key string, args ...any) *Error { return New(KindForbidden, key, args...) }

// RateLimited: too many requests; the handler sets Retry-After.
func RateLimited(key string, args ...any) *Error { return New(KindRateLimited, key, args...) }

// Unavailable: a dependency is busy or switched off.
func Unavailable(key string, args ...any) *Error { return New(KindUnavailable, key, args...) }

// Faulter is implemented by errors that are not an *Error but know which request error they
// are: a Sentinel (immutable, comparable with errors.Is) or a store's own typed error (such as
// crm.ErrBadReference, which import code inspects with errors.As). As, KindOf and KeyOf see
// through it.
type Faulter interface {
	Fault() *Error
}

// As returns the request error of the first *Error or Faulter in err's chain, or nil when err is
// an internal error.
func As(err error) *Error {
	for err != nil {
		switch e := err.(type) {
		case *Error:
			return e
		case Faulter:
			if f := e.Fault(); f != nil {
				return f
			}
		}
		err = errors.Unwrap(err)
	}
	return nil
}

// KindOf is the kind of err's request error, KindInternal when it has none (nil too).
func KindOf(err error) Kind {
	if e := As(err); e != nil {
		return e.Kind
	}
	return KindInternal
}

// KeyOf is the catalog key and arguments of err's request error; "" when it has none (the
// renderer then uses the generic message of the status).
func KeyOf(err error) (key string, args []any) {
	if e := As(err); e != nil {
		return e.Key, e.Args
	}
	return "", nil
}

// FieldKeys returns field → catalog key of err's field errors (nil when it has none), for forms
// that translate their messages while rendering.
func FieldKeys(err error) map[string]string {
	e := As(err)
	if e == nil || len(e.Fields) == 0 {
		return nil
	}
	m := make(map[string]string, len(e.Fields))
	for _, f := range e.Fields {
		m[f.Field] = f.Key
	}
	return m
}

// Sentinel returns a new sentinel error of kind with the message key (may be empty) and text
// msg (for logs and the CLI), for packages whose callers compare with errors.Is
// (platform.ErrExists, tenantdb.ErrNotFound): each call is a distinct, immutable value, unlike a
// shared *Error whose fields anyone could change.
func Sentinel(kind Kind, key, msg string) error { return &sentinel{kind: kind, key: key, msg: msg} }

type sentinel struct {
	kind     Kind
	key, msg string
}

func (s *sentinel) Error() string { return s.msg }

// Fault is a fresh request error for the sentinel, so nobody can change the sentinel itself.
func (s *sentinel) Fault() *Error { return &Error{Kind: s.kind, Key: s.key} }
