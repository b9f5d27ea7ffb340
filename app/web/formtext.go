package web

import (
	"mime"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"highvibe/app/fault"
)

// CheckFormText refuses a form whose text no keyboard types: bytes that are not UTF-8, or a NUL,
// in a field's name or value (fault.Malformed, key error.form_text). Every page is UTF-8, so a
// browser never sends them; a script that did stored text the quote PDF could not draw (a 500),
// that CSV files carried as broken bytes and JSON answers replaced. Tabs and new lines pass.
//
// It reads only application/x-www-form-urlencoded bodies (and the query of such a request):
// multipart forms are parsed by their handlers under their own size limits. A body that cannot be
// parsed at all (too large, broken escapes) is a plain malformed request, as it was when the
// handler read it first.
func CheckFormText(r *http.Request) error {
	if r.Method == http.MethodGet || r.Method == http.MethodHead || r.Body == nil || r.Body == http.NoBody {
		return nil
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/x-www-form-urlencoded" {
		return nil
	}
	if err := r.ParseForm(); err != nil {
		return fault.Malformed("").Wrap(err)
	}
	for k, vs := range r.Form {
		if unreadable(k) {
			return fault.Malformed("error.form_text")
		}
		for _, v := range vs {
			if unreadable(v) {
				return fault.Malformed("error.form_text")
			}
		}
	}
	return nil
}

func unreadable(s string) bool { return !utf8.ValidString(s) || strings.IndexByte(s, 0) >= 0 }

// CheckMultipartText is CheckFormText for a multipart form its handler has parsed under its own
// size limit (ParseMultipartForm): the text fields' names and values; files are the media room's.
func CheckMultipartText(r *http.Request) error {
	if r.MultipartForm == nil {
		return nil
	}
	return CheckText(r.MultipartForm.Value)
}

// CheckText is CheckFormText for fields a handler read itself (ReadUpload, ParseMultipartForm).
func CheckText(fields map[string][]string) error {
	for k, vs := range fields {
		if unreadable(k) {
			return fault.Malformed("error.form_text")
		}
		for _, v := range vs {
			if unreadable(v) {
				return fault.Malformed("error.form_text")
			}
		}
	}
	return nil
}

// CheckFormIDs refuses a form whose named fields carry something other than a record's number
// where the page offered a choice of records (an assignee, a client, a ticket, the ids of a bulk
// action): "abc", "-1" or "2.5" is not a choice the page drew, and read as 0 it quietly meant
// "nobody" or "none" and the save went through (or, in a bulk action, the rest did). An empty
// value (the page's "none" or "unassigned") and 0 pass; the handler checks the number names a
// record. fault.Malformed, key error.form_choice: a 400 in the viewer's language, nothing stored.
func CheckFormIDs(f map[string][]string, names ...string) error {
	for _, name := range names {
		for _, v := range f[name] {
			if v = strings.TrimSpace(v); v == "" {
				continue
			}
			if n, err := strconv.ParseInt(v, 10, 64); err != nil || n < 0 {
				return fault.Malformed("error.form_choice")
			}
		}
	}
	return nil
}
