package quotes

import (
	"bytes"
	_ "embed"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/go-pdf/fpdf"

	"highvibe/app/i18n"
)

// The PDF's font: DejaVu Sans (regular and bold), embedded in the binary and subset into each PDF.
// It covers Turkish (ç ğ ı İ ö ş ü), the other Latin languages, the ₺ sign and Arabic
// presentation forms. Licence: fonts/LICENSE-DejaVu.txt (Bitstream Vera licence with DejaVu's
// public-domain changes: free to embed and redistribute unmodified).
var (
	//go:embed fonts/DejaVuSans.ttf
	fontRegular []byte
	//go:embed fonts/DejaVuSans-Bold.ttf
	fontBold []byte
)

// Business is the sender of a quote: name, free-text details (address, phone, tax number) and
// the logo (PNG bytes as the media room keeps it; nil = the initials mark).
type Business struct {
	Name    string
	Details string
	Logo    []byte
	// Zone is the business's time zone: the quote's date and its approval are the days they were
	// in it (nil: UTC). The validity is a calendar day already and is written as stored.
	Zone *time.Location
	// Today is the business's day the PDF is made on (Today); a revision past its validity day
	// then says at its top that it has expired. 0: not checked.
	Today int64
}

// pdfDoc wraps fpdf with the quote's language: labels come from the catalog, Arabic text is
// shaped and put in visual order, and x positions are mirrored for right-to-left.
type pdfDoc struct {
	f   *fpdf.Fpdf
	p   *i18n.Printer
	rtl bool
}

const (
	pageW  = 210.0
	margin = 14.0
	inner  = pageW - 2*margin
)

// txt prepares text for drawing: shaped and reordered in an Arabic document, and any run of
// Arabic in another document too.
func (d *pdfDoc) txt(s string) string {
	if d.rtl || strings.IndexFunc(s, isRTLRune) >= 0 {
		return visualRTL(s)
	}
	return s
}

// lineTxt is txt for a line of free text (payment, warranty, note): a line written wholly in a
// left-to-right script keeps its own order on a right-to-left page, as a browser shows it with
// dir="auto" — a Turkish sentence's full stop stays at its end instead of moving to the far side.
func (d *pdfDoc) lineTxt(s string) string {
	if d.rtl && strings.IndexFunc(s, isRTLRune) < 0 && strings.IndexFunc(s, unicode.IsLetter) >= 0 {
		return s
	}
	return d.txt(s)
}

// x mirrors a left offset (from the left margin) of a box of width w for right-to-left pages.
func (d *pdfDoc) x(off, w float64) float64 {
	if d.rtl {
		return pageW - margin - off - w
	}
	return margin + off
}

// align mirrors "L" and "R".
func (d *pdfDoc) align(a string) string {
	if !d.rtl {
		return a
	}
	switch a {
	case "L":
		return "R"
	case "R":
		return "L"
	}
	return a
}

func (d *pdfDoc) cell(off, w, h float64, s, align string, bold bool, size float64) {
	style := ""
	if bold {
		style = "B"
	}
	d.f.SetFont("dejavu", style, size)
	d.f.SetX(d.x(off, w))
	d.f.CellFormat(w, h, d.txt(drawable(s)), "", 0, d.align(align), false, 0, "")
}

// drawable is s with any bytes that are not UTF-8 (stored text a form of the past let through)
// replaced by U+FFFD: fpdf's UTF-16 conversion reads past the end of a broken sequence and panics.
func drawable(s string) string { return strings.ToValidUTF8(s, "\uFFFD") }

// para writes a wrapped paragraph across the full width (line by line, so Arabic lines are each
// reordered on their own).
func (d *pdfDoc) para(s string, size float64) {
	d.f.SetFont("dejavu", "", size)
	for _, raw := range strings.Split(strings.TrimSpace(drawable(s)), "\n") {
		lines := d.f.SplitText(raw, inner)
		if len(lines) == 0 {
			lines = []string{""}
		}
		for _, l := range lines {
			d.f.SetX(margin)
			d.f.CellFormat(inner, size*0.5, d.lineTxt(l), "", 1, d.align("L"), false, 0, "")
		}
	}
}

func initials(name string) string {
	var out []rune
	for _, w := range strings.Fields(name) {
		r := []rune(w)
		if len(r) > 0 && unicode.IsLetter(r[0]) {
			out = append(out, unicode.ToUpper(r[0]))
		}
		if len(out) == 2 {
			break
		}
	}
	if len(out) == 0 {
		return "HV"
	}
	return string(out)
}

// PDF renders a revision as an A4 PDF in the quote's language: the business's mark, name and
// details, the customer, the lines with their KDV, the totals, validity, the payment and warranty
// texts and who approved it; one past its validity day (b.Today) says so at its top, above
// everything else. Rendering is in-process (github.com/go-pdf/fpdf) with the embedded
// font; the output is the same bytes for the same quote (fixed dates inside the file).
func PDF(q *Quote, b Business) ([]byte, error) {
	p := i18n.For(q.Language)
	f := fpdf.New("P", "mm", "A4", "")
	f.SetCompression(true)
	f.AddUTF8FontFromBytes("dejavu", "", fontRegular)
	f.AddUTF8FontFromBytes("dejavu", "B", fontBold)
	stamp := time.UnixMilli(q.UpdatedAt).UTC()
	f.SetCreationDate(stamp)
	f.SetModificationDate(stamp)
	f.SetTitle(drawable(q.Number), true)
	f.SetAuthor(drawable(b.Name), true)
	f.SetCreator("HighVibe", true)
	f.SetMargins(margin, margin, margin)
	f.SetAutoPageBreak(true, 18)
	d := &pdfDoc{f: f, p: p, rtl: i18n.Dir(q.Language) == "rtl"}
	money := func(v int64) string { return p.Money(Major(v), q.Currency) }
	date := func(ms int64) string { return p.Date(time.UnixMilli(ms).UTC()) }
	zone := b.Zone
	if zone == nil {
		zone = time.UTC
	}
	day := func(ms int64) string { return p.Date(time.UnixMilli(ms).In(zone)) } // an instant's day at the business

	f.SetFooterFunc(func() {
		f.SetY(-13)
		d.f.SetTextColor(110, 110, 110)
		d.cell(0, inner, 5, p.T("quotes.pdf.footer", q.Number, q.Revision, f.PageNo()), "C", false, 7.5)
		d.f.SetTextColor(0, 0, 0)
	})
	f.AddPage()

	// An expired quote says so before anything else, across the page, in the quote's language.
	top := margin
	if b.Today != 0 && q.ExpiredBy(b.Today) {
		f.SetFont("dejavu", "B", 10)
		lines := f.SplitText(drawable(p.T("quotes.pdf.expired", date(q.ValidUntil))), inner-8)
		h := 5.5*float64(len(lines)) + 4
		f.SetFillColor(180, 35, 35)
		f.Rect(margin, margin, inner, h, "F")
		f.SetTextColor(255, 255, 255)
		f.SetY(margin + 2)
		for _, l := range lines {
			d.cell(4, inner-8, 5.5, l, "C", true, 10)
			f.Ln(5.5)
		}
		f.SetTextColor(0, 0, 0)
		top = margin + h + 5
	}

	// The business's mark: its logo, else its initials on a coloured square.
	markW := d.logo(b.Logo, top)
	if markW == 0 {
		markW = 16
		f.SetFillColor(23, 35, 58)
		f.Rect(d.x(0, 16), top, 16, 16, "F")
		f.SetTextColor(255, 255, 255)
		f.SetY(top + 3)
		d.cell(0, 16, 10, initials(b.Name), "C", true, 13)
		f.SetTextColor(0, 0, 0)
	}
	textOff := markW + 4
	textW := inner - 66 - textOff
	f.SetY(top)
	d.cell(textOff, textW, 7, b.Name, "L", true, 14)
	f.Ln(7)
	for _, l := range strings.Split(strings.TrimSpace(b.Details), "\n") {
		if strings.TrimSpace(l) == "" {
			continue
		}
		d.cell(textOff, textW, 4.2, strings.TrimSpace(l), "L", false, 8.5)
		f.Ln(4.2)
	}
	// The quote's own block on the other side.
	f.SetY(top)
	d.cell(inner-66, 66, 8, p.T("quotes.pdf.title"), "R", true, 18)
	f.Ln(8)
	for _, kv := range [][2]string{
		{p.T("quotes.pdf.number"), q.Number},
		{p.T("quotes.pdf.revision"), fmt.Sprint(q.Revision)},
		{p.T("quotes.pdf.date"), day(q.UpdatedAt)},
		{p.T("quotes.pdf.valid_until"), date(q.ValidUntil)},
	} {
		d.cell(inner-66, 30, 4.8, kv[0], "R", false, 8.5)
		d.cell(inner-34, 34, 4.8, kv[1], "R", true, 8.5)
		f.Ln(4.8)
	}
	f.SetY(max(f.GetY(), top+34) + 2)
	f.SetDrawColor(200, 200, 200)
	f.Line(margin, f.GetY(), pageW-margin, f.GetY())
	f.Ln(3)
	d.cell(0, 30, 5, p.T("quotes.pdf.to"), "L", false, 9)
	d.cell(30, inner-30, 5, q.CustomerName, "L", true, 10)
	f.Ln(9)

	// Lines.
	type col struct {
		off, w float64
		label  string
		align  string
	}
	cols := []col{{0, 8, "#", "L"}, {8, 66, p.T("quotes.pdf.item"), "L"}, {74, 20, p.T("quotes.pdf.qty"), "R"},
		{94, 12, p.T("quotes.pdf.unit"), "L"}, {106, 26, p.T("quotes.pdf.unit_price"), "R"}, {132, 14, p.T("quotes.pdf.discount"), "R"},
		{146, 12, p.T("quotes.pdf.vat"), "R"}, {158, 24, p.T("quotes.pdf.amount"), "R"}}
	f.SetFillColor(238, 241, 246)
	f.Rect(margin, f.GetY(), inner, 7, "F")
	y := f.GetY() + 1
	for _, c := range cols {
		f.SetY(y)
		d.cell(c.off, c.w, 5, c.label, c.align, true, 7.5)
	}
	f.SetY(y + 7)
	pp := &publicPage{Q: q, Lang: q.Language}
	for i, l := range q.Lines {
		name, qty, unit, price := l.Name, pp.Qty(l.Quantity), i18n.Unit(l.Unit), money(l.UnitPrice)
		if l.Kind == "allowance" {
			name = l.Name + " — " + l.Reason
			qty, unit, price = pp.Rate(l.Percent), "", ""
		}
		disc := ""
		if l.Discount > 0 {
			disc = pp.Rate(l.Discount)
		}
		// The item may wrap; the row is as tall as its lines.
		f.SetFont("dejavu", "", 8.5)
		wrapped := f.SplitText(name, 64)
		if len(wrapped) == 0 {
			wrapped = []string{""}
		}
		h := 5.0 * float64(len(wrapped))
		if f.GetY()+h > 297-30 {
			f.AddPage()
		}
		y := f.GetY()
		for j, w := range wrapped {
			f.SetY(y + 5*float64(j))
			d.cell(8, 66, 5, w, "L", false, 8.5)
		}
		for _, v := range []struct {
			c int
			s string
		}{{0, fmt.Sprint(i + 1)}, {2, qty}, {3, unit}, {4, price}, {5, disc}, {6, pp.Rate(l.VATRate)}, {7, money(l.Gross)}} {
			f.SetY(y)
			d.cell(cols[v.c].off, cols[v.c].w, 5, v.s, cols[v.c].align, false, 8.5)
		}
		f.SetY(y + h + 0.8)
		f.SetDrawColor(230, 230, 230)
		f.Line(margin, f.GetY(), pageW-margin, f.GetY())
		f.Ln(0.8)
	}
	f.Ln(3)
	// Totals.
	rows := [][2]string{{p.T("quotes.pdf.subtotal"), money(q.Totals.Subtotal)}}
	if q.Totals.Discount > 0 {
		rows = append(rows, [2]string{p.T("quotes.pdf.discount_total"), money(q.Totals.Less())})
	}
	rows = append(rows, [2]string{p.T("quotes.pdf.net"), money(q.Totals.Net)}, [2]string{p.T("quotes.pdf.vat_total"), money(q.Totals.VAT)})
	for _, r := range rows {
		d.cell(inner-90, 56, 5.5, r[0], "R", false, 9)
		d.cell(inner-34, 34, 5.5, r[1], "R", false, 9)
		f.Ln(5.5)
	}
	f.SetFillColor(23, 35, 58)
	f.SetTextColor(255, 255, 255)
	f.Rect(d.x(inner-90, 90), f.GetY()+0.5, 90, 8, "F")
	f.SetY(f.GetY() + 1.5)
	d.cell(inner-90, 56, 6, p.T("quotes.pdf.grand_total"), "R", true, 10.5)
	d.cell(inner-34, 34, 6, money(q.Totals.Grand), "R", true, 10.5)
	f.SetTextColor(0, 0, 0)
	f.Ln(12)

	for _, s := range [][2]string{{p.T("quotes.pdf.payment"), q.PaymentText}, {p.T("quotes.pdf.warranty"), q.WarrantyText}, {p.T("quotes.pdf.note"), q.Note}} {
		if strings.TrimSpace(s[1]) == "" {
			continue
		}
		d.cell(0, inner, 5.5, s[0], "L", true, 9.5)
		f.Ln(5.5)
		d.para(s[1], 8.5)
		f.Ln(2.5)
	}
	f.Ln(2)
	f.SetTextColor(90, 90, 90)
	d.para(p.T("quotes.pdf.validity", date(q.ValidUntil)), 8)
	if q.ApprovedAt != 0 {
		d.para(p.T("quotes.pdf.approved", q.ApprovedByName, day(q.ApprovedAt)), 8)
	}
	f.SetTextColor(0, 0, 0)
	var buf bytes.Buffer
	if err := f.Output(&buf); err != nil {
		return nil, fmt.Errorf("quotes: pdf: %w", err)
	}
	return buf.Bytes(), nil
}

// Logo box on the PDF: at most logoH high and logoMaxW wide, keeping the image's proportions.
const (
	logoH    = 16.0
	logoMaxW = 44.0
)

// logo draws the business's logo at the top corner (the right one on a right-to-left page), top
// mm from the page's top edge, and returns its width, or 0 when there is none or it cannot be
// read (the initials stand in).
func (d *pdfDoc) logo(png []byte, top float64) float64 {
	if len(png) == 0 {
		return 0
	}
	info := d.f.RegisterImageOptionsReader("logo", fpdf.ImageOptions{ImageType: "PNG"}, bytes.NewReader(png))
	if !d.f.Ok() || info == nil || info.Width() <= 0 || info.Height() <= 0 {
		d.f.ClearError()
		return 0
	}
	w, h := logoH*info.Width()/info.Height(), logoH
	if w > logoMaxW {
		w, h = logoMaxW, logoMaxW*info.Height()/info.Width()
	}
	d.f.ImageOptions("logo", d.x(0, w), top+(logoH-h)/2, w, h, false, fpdf.ImageOptions{ImageType: "PNG"}, 0, "")
	return w
}
