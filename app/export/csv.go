package export

import (
	"bufio"
	"encoding/csv"
	"io"
	"strconv"
	"strings"
	"time"
)

// csvWriter writes RFC 4180 CSV in UTF-8 with a byte-order mark, which is how Excel knows the
// file is UTF-8 (without it Turkish letters come out as mojibake). Cells are separated the way a
// spreadsheet in the reader's language reads a double-clicked file (Style.Semicolon): Excel
// splits on the list separator of the computer's regional settings, ";" wherever decimals are
// written after a comma, so a comma-separated file opened in Turkish Excel put every row into its
// first column. Text cells that a spreadsheet would take for a formula are defused (see Defuse).
type csvWriter struct {
	buf   *bufio.Writer
	w     *csv.Writer
	loc   *time.Location
	comma bool // decimals after a comma
	rec   []string
	n     int
}

func newCSV(w io.Writer, st Style) *csvWriter {
	buf := bufio.NewWriterSize(w, 64<<10)
	buf.WriteString("\uFEFF")
	cw := csv.NewWriter(buf)
	if st.Semicolon {
		cw.Comma = ';'
	}
	return &csvWriter{buf: buf, w: cw, loc: st.Loc, comma: st.Semicolon}
}

// Defuse keeps a spreadsheet from running a text cell as a formula (CSV injection): a value
// starting with = + - @ (or a tab or carriage return, which some spreadsheets skip before
// looking) gets a leading apostrophe, which Excel and LibreOffice show as plain text.
func Defuse(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}

// defuseSplits defuses each piece of s that a spreadsheet reading the file with the other
// separator would make a cell of. Excel splits a double-clicked CSV on its computer's list
// separator, and when that is not the file's (a ";" file on a computer set up for ",", or the
// reverse) it splits at every such character, inside quotes too, and starts new rows at line
// breaks: the text after a "," or ";" or a line break of one cell becomes a cell of its own, and
// ran as a formula when it began with = + - or @ (a customer named `Ali;=HYPERLINK(…)`). An
// apostrophe goes before such a piece's first character (after any spaces), as Defuse puts one
// before a cell's.
func defuseSplits(s string) string {
	if !strings.ContainsAny(s, "=+-@") || !strings.ContainsAny(s, ",;\n\r\t") {
		return s
	}
	var b strings.Builder
	started := false // b holds s up to i
	split := false   // just after a separator or a line break, spaces skipped
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case ch == ',' || ch == ';' || ch == '\n' || ch == '\r' || ch == '\t':
			split = true
		case ch == ' ' && split:
		case split && (ch == '=' || ch == '+' || ch == '-' || ch == '@'):
			if !started {
				b.Grow(len(s) + 8)
				b.WriteString(s[:i])
				started = true
			}
			b.WriteByte('\'')
			split = false
		default:
			split = false
		}
		if started {
			b.WriteByte(ch)
		}
	}
	if !started {
		return s
	}
	return b.String()
}

// text is a value as a CSV cell: numbers as Go writes them (a dot for decimals), times in the
// tenant's zone, text defused.
func text(v any, loc *time.Location) (s string, isText bool) {
	switch x := v.(type) {
	case nil:
		return "", false
	case string:
		return x, true
	case Day:
		return string(x), false
	case int64:
		return strconv.FormatInt(x, 10), false
	case int:
		return strconv.Itoa(x), false
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), false
	case bool:
		if x {
			return "1", false
		}
		return "0", false
	case time.Time:
		if x.IsZero() {
			return "", false
		}
		return x.In(loc).Format("2006-01-02 15:04"), false
	}
	return "", false
}

func (c *csvWriter) Row(values []any) error {
	c.rec = c.rec[:0]
	for _, v := range values {
		s, isText := text(v, c.loc)
		switch {
		case isText:
			s = defuseSplits(Defuse(s))
		case c.comma:
			if _, ok := v.(float64); ok {
				s = strings.Replace(s, ".", ",", 1)
			}
		}
		c.rec = append(c.rec, s)
	}
	if err := c.w.Write(c.rec); err != nil {
		return err
	}
	// csv.Writer buffers into buf; buf hands 64 KB at a time to the response.
	c.n++
	if c.n%4096 == 0 {
		c.w.Flush()
		return c.w.Error()
	}
	return nil
}

func (c *csvWriter) Close() error {
	c.w.Flush()
	if err := c.w.Error(); err != nil {
		return err
	}
	return c.buf.Flush()
}
