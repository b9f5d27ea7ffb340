package export

import (
	"archive/zip"
	"bufio"
	"compress/flate"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"
)

// xlsxWriter writes an Office Open XML workbook (one sheet) as a zip stream while the rows come:
// the small fixed parts first, then the sheet's XML row by row through a deflate stream, so
// nothing but the current row and the compressor's window is held.
//
// Why not excelize's StreamWriter: it also writes row by row, but into a temporary file that is
// only zipped and sent when the whole sheet is done — a 1,000,000-row export would send nothing
// for its whole run and need the sheet twice on disk. The part of the format an export needs
// (inline strings, numbers, one bold header style) is small; the tests read the files back with
// excelize.
type xlsxWriter struct {
	zw    *zip.Writer
	sheet *bufio.Writer
	loc   *time.Location
	row   int
	ref   []byte
	// early holds the first rows (the header and up to widthRows more) until the columns' widths
	// are known: <cols> has to come before the rows in the sheet. nil once they are written.
	early [][]any
}

// widthRows is how many rows after the header decide the columns' widths.
const widthRows = 20

// Column widths, in characters of the default font: a moment ("19.06.2026 15:04") and a day
// ("19.06.2026") need more than Excel's default of 8.43, which shows such a cell as "########"
// until the reader widens the column by hand; a text column is as wide as its header and its
// first texts, within textWidth.
const (
	momentWidth = 17
	dayWidth    = 11
	minWidth    = 10
	textWidth   = 50
)

// maxCell is the most characters a cell of Excel may hold, counted as Excel counts them: in UTF-16
// code units, so an emoji or another character beyond the Basic Multilingual Plane takes two.
// Longer text is cut with "…" (Excel offers to "repair" a file with a longer cell).
const maxCell = 32767

// cellText is s cut to fit one cell (maxCell), at a character boundary, ending in "…" when cut.
func cellText(s string) string {
	if len(s) <= maxCell { // a UTF-16 code unit takes at least one byte of UTF-8
		return s
	}
	units, cut := 0, -1
	for i, r := range s {
		w := utf16.RuneLen(r)
		if w < 0 { // broken UTF-8: one replacement character
			w = 1
		}
		if units+w > maxCell-1 && cut < 0 {
			cut = i // where the text stops when "…" has to follow
		}
		if units += w; units > maxCell {
			return s[:cut] + "…"
		}
	}
	return s
}

// Cell styles (styles.xml's cellXfs): plain, the bold header row, a day and a moment. Days and
// moments are date cells in Excel's built-in formats 14 and 22, which Excel shows in its reader's
// own short date (and time) format, so a Turkish spreadsheet shows 19.06.2026 and can group and
// filter them by month.
const (
	stylePlain = iota
	styleHeader
	styleDay
	styleMoment
)

// excelEpoch is day 0 of Excel's 1900 date system as its serial numbers count (the 30th, not the
// 31st, because Excel counts a 29 February 1900 that never was; exact for every date after it).
var excelEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

// serial is the Excel serial number of the wall-clock time t shows: whole days since excelEpoch
// and the time of day as a fraction.
func serial(t time.Time) string {
	wall := time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, time.UTC)
	secs := int64(wall.Sub(excelEpoch) / time.Second)
	days, rest := secs/86400, secs%86400
	if rest == 0 {
		return strconv.FormatInt(days, 10)
	}
	return strconv.FormatFloat(float64(days)+float64(rest)/86400, 'f', -1, 64)
}

func newXLSX(w io.Writer, st Style) (*xlsxWriter, error) {
	zw := zip.NewWriter(w)
	zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(out, flate.BestSpeed)
	})
	parts := []struct{ name, body string }{
		{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
			`<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
			`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
			`<Default Extension="xml" ContentType="application/xml"/>` +
			`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` +
			`<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>` +
			`<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>` +
			`</Types>`},
		{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
			`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>` +
			`</Relationships>`},
		{"xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
			`<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">` +
			`<sheets><sheet name="` + xmlEscape(sheetName(st.Sheet)) + `" sheetId="1" r:id="rId1"/></sheets></workbook>`},
		{"xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
			`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>` +
			`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>` +
			`</Relationships>`},
		// The cell styles stylePlain, styleHeader, styleDay and styleMoment.
		{"xl/styles.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
			`<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` +
			`<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>` +
			`<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>` +
			`<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>` +
			`<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>` +
			`<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>` +
			`<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="22" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>` +
			`</styleSheet>`},
	}
	for _, p := range parts {
		f, err := zw.Create(p.name)
		if err != nil {
			return nil, err
		}
		if _, err := io.WriteString(f, p.body); err != nil {
			return nil, err
		}
	}
	f, err := zw.Create("xl/worksheets/sheet1.xml")
	if err != nil {
		return nil, err
	}
	sw := bufio.NewWriterSize(f, 32<<10)
	rtl := ""
	if st.RTL { // an Arabic workbook opens with its first column on the right
		rtl = ` rightToLeft="1"`
	}
	sw.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
		`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetViews><sheetView` + rtl + ` workbookViewId="0">` +
		`<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>`)
	return &xlsxWriter{zw: zw, sheet: sw, loc: st.Loc, early: [][]any{}}, nil
}

// width is how many characters of the default font cell value v needs to show whole.
func width(v any) int {
	switch x := v.(type) {
	case time.Time:
		if x.IsZero() {
			return 0
		}
		return momentWidth
	case Day:
		if x == "" {
			return 0
		}
		return dayWidth
	case string:
		line, _, _ := strings.Cut(x, "\n")
		return min(utf8.RuneCountInString(line)+1, textWidth)
	}
	return 0 // numbers: Excel's General format shortens them to fit
}

// startSheet writes the columns' widths, decided from the rows held so far, then those rows.
func (x *xlsxWriter) startSheet() error {
	var widths []int
	for _, r := range x.early {
		for i, v := range r {
			if i >= len(widths) {
				widths = append(widths, minWidth)
			}
			widths[i] = max(widths[i], width(v))
		}
	}
	w := x.sheet
	if len(widths) > 0 {
		w.WriteString(`<cols>`)
		for i, n := range widths {
			c := strconv.Itoa(i + 1)
			w.WriteString(`<col min="` + c + `" max="` + c + `" width="` + strconv.Itoa(n+1) + `" customWidth="1"/>`)
		}
		w.WriteString(`</cols>`)
	}
	w.WriteString(`<sheetData>`)
	early := x.early
	x.early = nil
	for _, r := range early {
		if err := x.Row(r); err != nil {
			return err
		}
	}
	return nil
}

// sheetName makes s a valid sheet name: at most 31 characters, none of : \ / ? * [ ].
func sheetName(s string) string {
	s = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`:\/?*[]`, r) {
			return '_'
		}
		return r
	}, s)
	if s == "" {
		s = "Sheet1"
	}
	if utf8.RuneCountInString(s) > 31 {
		s = string([]rune(s)[:31])
	}
	return s
}

// colName is the column letters of the zero-based column i (0 → A, 26 → AA).
func colName(b []byte, i int) []byte {
	if i >= 26 {
		b = colName(b, i/26-1)
	}
	return append(b, byte('A'+i%26))
}

func (x *xlsxWriter) Row(values []any) error {
	if x.early != nil {
		x.early = append(x.early, slices.Clone(values))
		if len(x.early) <= widthRows {
			return nil
		}
		return x.startSheet()
	}
	x.row++
	w := x.sheet
	rn := strconv.Itoa(x.row)
	w.WriteString(`<row r="` + rn + `">`)
	for i, v := range values {
		x.ref = append(colName(x.ref[:0], i), rn...)
		style := ""
		if x.row == 1 {
			style = ` s="` + strconv.Itoa(styleHeader) + `"`
		}
		switch n := v.(type) {
		case int64, int, float64:
			s, _ := text(n, x.loc)
			w.WriteString(`<c r="` + string(x.ref) + `"` + style + `><v>` + s + `</v></c>`)
			continue
		case time.Time:
			if !n.IsZero() {
				w.WriteString(`<c r="` + string(x.ref) + `" s="` + strconv.Itoa(styleMoment) + `"><v>` + serial(n.In(x.loc)) + `</v></c>`)
			}
			continue
		case Day:
			if d, err := time.Parse(time.DateOnly, string(n)); err == nil {
				w.WriteString(`<c r="` + string(x.ref) + `" s="` + strconv.Itoa(styleDay) + `"><v>` + serial(d) + `</v></c>`)
				continue
			}
		}
		s, _ := text(v, x.loc)
		if s == "" {
			continue
		}
		s = cellText(s)
		w.WriteString(`<c r="` + string(x.ref) + `" t="inlineStr"` + style + `><is><t xml:space="preserve">`)
		writeXMLText(w, s)
		w.WriteString(`</t></is></c>`)
	}
	_, err := w.WriteString(`</row>`)
	return err
}

func (x *xlsxWriter) Close() error {
	if x.early != nil {
		if err := x.startSheet(); err != nil {
			return err
		}
	}
	x.sheet.WriteString(`</sheetData></worksheet>`)
	if err := x.sheet.Flush(); err != nil {
		return err
	}
	return x.zw.Close()
}

func xmlEscape(s string) string {
	var b strings.Builder
	writeXMLText(&b, s)
	return b.String()
}

// writeXMLText writes s as XML character data: the five special characters escaped, and the
// characters XML 1.0 cannot carry at all (control characters other than tab and newlines,
// broken UTF-8) left out.
func writeXMLText(w io.StringWriter, s string) {
	start := 0
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		var rep string
		switch {
		case r == '<':
			rep = "&lt;"
		case r == '>':
			rep = "&gt;"
		case r == '&':
			rep = "&amp;"
		case r == '"':
			rep = "&quot;"
		case r == utf8.RuneError && size == 1, r < 0x20 && r != '\t' && r != '\n' && r != '\r', r == 0xFFFE, r == 0xFFFF:
			rep = ""
		default:
			i += size
			continue
		}
		w.WriteString(s[start:i])
		w.WriteString(rep)
		i += size
		start = i
	}
	w.WriteString(s[start:])
}
