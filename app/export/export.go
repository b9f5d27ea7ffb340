// Package export writes a list of the panel as a CSV or XLSX file while it is read (guide:
// 49-exports-and-kvkk.md): a room hands it the list's column names and a function that emits the
// rows matching the page's filters, and the rows go to the browser one by one — memory stays the
// same at ten rows or a million. Every export is written to the action log (who, which list,
// which filters, which format) before the first byte is sent.
//
// The package writes no table of its own: it is a library the rooms' export handlers call, and it
// records through audit.Log.
package export

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode"

	"highvibe/app/audit"
	"highvibe/app/fault"
	"highvibe/app/i18n"
	"highvibe/app/web"
)

// Formats are the file formats an export can be written in.
var Formats = []string{"csv", "xlsx"}

// Emit hands one row to the file being written; the values are strings, int64, int, float64, bool,
// time.Time (written in the tenant's zone) or Day. An error ends the export.
type Emit func(values ...any) error

// Day is a calendar day written "2006-01-02" (an invoice's issue date, a day of a timesheet): a
// date cell in XLSX, which a spreadsheet shows in its reader's own date format and can group by
// month; the same text in CSV.
type Day string

// Rows feeds a file: it calls emit once per row, in the order the file should have them.
type Rows func(ctx context.Context, emit Emit) error

// Table is what one export writes.
type Table struct {
	List    string   // the list's code: "conversations", "customers", … (file name, action log)
	Columns []string // the header row, in the viewer's language
	// Filters are the list filters in force, as the page's query had them (action log; empty
	// values dropped).
	Filters url.Values
}

// Writer is a file format being written row by row.
type Writer interface {
	Row(values []any) error
	Close() error
}

// Style is how a file is laid out for the person who asked for it.
type Style struct {
	Loc   *time.Location // the zone times are shown in
	Sheet string         // the XLSX sheet's name (the list's name in the reader's language)
	// Semicolon: CSV cells are separated by ";" and decimals written after a comma, as a
	// spreadsheet set up in a language that writes "12,5" (Turkish, German, French, Spanish)
	// expects when the file is opened with a double click; otherwise "," and "12.5".
	Semicolon bool
	RTL       bool // the XLSX sheet opens right to left (Arabic)
}

// StyleFor is the style of a file for a reader of the panel: their language's spreadsheet habits,
// the tenant's zone, the list's name in their words.
func StyleFor(c *web.Ctx, list string) Style {
	return Style{Loc: c.Zone(), Sheet: c.T("export.sheet." + list), Semicolon: c.P.DecimalComma(), RTL: i18n.Dir(c.Lang) == "rtl"}
}

// NewWriter returns the writer of format (one of Formats) on w, laid out as st says.
func NewWriter(format string, w io.Writer, st Style) (Writer, error) {
	if st.Loc == nil {
		st.Loc = time.UTC
	}
	switch format {
	case "csv":
		return newCSV(w, st), nil
	case "xlsx":
		return newXLSX(w, st)
	}
	return nil, fault.Malformed("export.err.format")
}

// ContentType is the media type of format.
func ContentType(format string) string {
	if format == "xlsx" {
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	return "text/csv; charset=utf-8"
}

// Format reads ?format= (csv when absent); ok is false for anything else.
func Format(r *http.Request) (string, bool) {
	f := r.URL.Query().Get("format")
	if f == "" {
		return "csv", true
	}
	return f, slices.Contains(Formats, f)
}

// Send answers r with t as a file of the format named in ?format=: the export is recorded in the
// action log first (nothing is sent when that fails), then the rows are written as rows emits
// them. An error before the first row is rendered as an error page; after it the file is cut
// short (the browser shows a failed download) and the error is logged.
func Send(w http.ResponseWriter, r *http.Request, rd *web.Renderer, t Table, rows Rows) {
	c := web.From(r)
	format, ok := Format(r)
	if !ok {
		rd.Fail(w, r, fault.Malformed("export.err.format"))
		return
	}
	filters := map[string]string{}
	keys := make([]string, 0, len(t.Filters))
	for k, vs := range t.Filters {
		if !isFilter(k) || len(vs) == 0 || vs[0] == "" {
			continue
		}
		filters[k] = vs[0]
		keys = append(keys, k)
	}
	sort.Strings(keys)
	summary := t.List + " · " + format
	for _, k := range keys {
		summary += " · " + k + "=" + filters[k]
	}
	actor := ""
	if c.User != nil {
		actor = c.User.Username
	}
	if err := audit.Log(r.Context(), c.DB, audit.Entry{Provider: "export", ActionType: "list_exported", Summary: summary,
		ModelName: "human-review", ActorUserID: c.UserID(), ActorName: actor,
		Payload: map[string]any{"list": t.List, "format": format, "filters": filters}}); err != nil {
		rd.Fail(w, r, err)
		return
	}
	stamp := time.Now().In(c.Zone()).Format("2006-01-02-1504")
	name := fmt.Sprintf("%s-%s-%s.%s", c.Tenant.Slug, t.List, stamp, format)
	h := w.Header()
	h.Set("Content-Type", ContentType(format))
	// The file is saved under the list's name in the reader's words (RFC 6266's filename*, which
	// every current browser reads), the list's code being the fallback for older ones.
	st := StyleFor(c, t.List)
	own := fmt.Sprintf("%s-%s-%s.%s", c.Tenant.Slug, fileWord(c.Lang, st.Sheet), stamp, format)
	h.Set("Content-Disposition", `attachment; filename="`+name+`"; filename*=UTF-8''`+url.PathEscape(own))
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	fw, err := NewWriter(format, w, st)
	if err != nil {
		rd.Fail(w, r, err)
		return
	}
	err = write(r.Context(), fw, t.Columns, rows)
	if err != nil {
		// Headers (and maybe rows) are out: the download is cut short rather than closed cleanly,
		// so a partial file is never taken for a whole one.
		if rd.Log != nil && r.Context().Err() == nil {
			rd.Log.Error("export failed", "req", c.ReqID, "tenant", c.Tenant.Slug, "list", t.List, "err", err)
		}
		panic(http.ErrAbortHandler)
	}
}

// fileWord is a list's name as part of a file name: lower case in its language (Turkish keeps its
// dotted and dotless i apart), spaces as hyphens, nothing a file system or a download dialog refuses.
func fileWord(lang, s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r == ' ':
			return '-'
		case unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-':
			return r
		}
		return -1
	}, s)
	if lang == "tr" {
		return strings.ToLowerSpecial(unicode.TurkishCase, s)
	}
	return strings.ToLower(s)
}

// write writes the header and every row, flushing now and then so the browser sees progress.
func write(ctx context.Context, fw Writer, cols []string, rows Rows) error {
	hdr := make([]any, len(cols))
	for i, s := range cols {
		hdr[i] = s
	}
	if err := fw.Row(hdr); err != nil {
		return err
	}
	if err := rows(ctx, func(values ...any) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		return fw.Row(values)
	}); err != nil {
		return err
	}
	return fw.Close()
}

// notFilters are the query keys of a list page that choose no records: the file format, the
// language, and the page's place in the list — the inbox's and leads' cursor, the CRM lists' after,
// the tickets' before. An export holds the whole list whatever page it was asked from, so these
// are neither carried into its link nor kept as its filters in the action log (a file of every
// order was logged "with the list's filters" when asked from the second page).
var notFilters = []string{"format", "lang", "cursor", "after", "before"}

func isFilter(k string) bool { return !slices.Contains(notFilters, k) }

// FilterValues keeps the query's non-empty values except paging and language: what an export
// link carries from the list page.
func FilterValues(q url.Values) url.Values {
	out := url.Values{}
	for k, vs := range q {
		if !isFilter(k) || len(vs) == 0 || strings.TrimSpace(vs[0]) == "" {
			continue
		}
		out.Set(k, vs[0])
	}
	return out
}

// Base is the address of list path's export with the page's filters, ending in "?" or "&" so a
// template appends "format=csv" (the export-links partial).
func Base(path string, q url.Values) string {
	v := FilterValues(q)
	if len(v) == 0 {
		return path + "?"
	}
	return path + "?" + v.Encode() + "&"
}

// Link is the address of an export of list page path with the page's filters, in format.
func Link(path string, q url.Values, format string) string {
	v := FilterValues(q)
	v.Set("format", format)
	return path + "?" + v.Encode()
}

// Moments gives the cell of a time stored as Unix milliseconds, in loc (the tenant's zone): the
// time itself (the writers format it), or an empty cell for 0 — never set.
func Moments(loc *time.Location) func(ms int64) any {
	return func(ms int64) any {
		if ms == 0 {
			return ""
		}
		return time.UnixMilli(ms).In(loc)
	}
}
