package export

import (
	"bytes"
	"context"
	"encoding/csv"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

func writeAll(t *testing.T, format string, rows [][]any) []byte {
	t.Helper()
	var b bytes.Buffer
	fw, err := NewWriter(format, &b, Style{Loc: time.UTC, Sheet: "Müşteriler"})
	if err != nil {
		t.Fatal(err)
	}
	err = write(context.Background(), fw, []string{"Ad", "Telefon", "Tutar", "Not"}, func(ctx context.Context, emit Emit) error {
		for _, r := range rows {
			if err := emit(r...); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

var tricky = [][]any{
	{"Şükrü Öztürk", "+90 532 123 45 67", int64(-1500), "=HYPERLINK(\"http://x\",\"click\")"},
	{"İpek \"Çağ\" Işık", "05321234567", 12.5, "line one\nline two, with comma"},
	{"@admin", "-2", int64(0), "\tTAB first"},
	{"a<b>&'c\x01", "", nil, time.Date(2026, 12, 3, 9, 30, 0, 0, time.UTC)},
}

func TestCSVIsExcelSafeUTF8(t *testing.T) {
	t.Parallel()
	out := writeAll(t, "csv", tricky)
	if !bytes.HasPrefix(out, []byte("\xEF\xBB\xBF")) {
		t.Fatalf("no UTF-8 byte-order mark: % x", out[:8])
	}
	recs, err := csv.NewReader(bytes.NewReader(out[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"Ad", "Telefon", "Tutar", "Not"},
		{"Şükrü Öztürk", "'+90 532 123 45 67", "-1500", "'=HYPERLINK(\"http://x\",\"click\")"},
		{"İpek \"Çağ\" Işık", "05321234567", "12.5", "line one\nline two, with comma"},
		{"'@admin", "'-2", "0", "'\tTAB first"},
		{"a<b>&'c\x01", "", "", "2026-12-03 09:30"},
	}
	if len(recs) != len(want) {
		t.Fatalf("%d records, want %d: %q", len(recs), len(want), recs)
	}
	for i := range want {
		for j := range want[i] {
			if recs[i][j] != want[i][j] {
				t.Errorf("row %d col %d = %q, want %q", i, j, recs[i][j], want[i][j])
			}
		}
	}
	// A numeric cell is never defused: a negative amount stays a number.
	if strings.Contains(string(out), "'-1500") {
		t.Error("a negative number was prefixed")
	}
}

func TestXLSXReadsBack(t *testing.T) {
	t.Parallel()
	out := writeAll(t, "xlsx", tricky)
	f, err := excelize.OpenReader(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) != 1 || sheets[0] != "Müşteriler" {
		t.Fatalf("sheets %q", sheets)
	}
	rows, err := f.GetRows("Müşteriler")
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"Ad", "Telefon", "Tutar", "Not"},
		{"Şükrü Öztürk", "+90 532 123 45 67", "-1500", "=HYPERLINK(\"http://x\",\"click\")"},
		{"İpek \"Çağ\" Işık", "05321234567", "12.5", "line one\nline two, with comma"},
		{"@admin", "-2", "0", "\tTAB first"},
		{"a<b>&'c", "", "", "12/3/26 09:30"}, // a date cell, as excelize renders format 22
	}
	if len(rows) != len(want) {
		t.Fatalf("%d rows: %q", len(rows), rows)
	}
	for i := range want {
		for j := range want[i] {
			got := ""
			if j < len(rows[i]) {
				got = rows[i][j]
			}
			if got != want[i][j] {
				t.Errorf("row %d col %d = %q, want %q", i, j, got, want[i][j])
			}
		}
	}
	// Text is stored as text (never a formula) and numbers as numbers.
	if fm, _ := f.GetCellFormula("Müşteriler", "D2"); fm != "" {
		t.Errorf("D2 became a formula: %q", fm)
	}
	if ct, _ := f.GetCellType("Müşteriler", "C2"); ct != excelize.CellTypeNumber && ct != excelize.CellTypeUnset {
		t.Errorf("C2 type %v, want a number", ct)
	}
	if ct, _ := f.GetCellType("Müşteriler", "B3"); ct != excelize.CellTypeInlineString {
		t.Errorf("B3 (a phone with a leading zero) type %v, want text", ct)
	}
}

// TestDaysAndMomentsAreDateCells: a moment and a Day are date cells (Excel's serial numbers, in
// the built-in formats that follow the reader's own date format), the moment at its wall-clock
// time in the file's zone; text that is not a day stays text; an Arabic file's sheet opens right
// to left and nothing else does.
func TestDaysAndMomentsAreDateCells(t *testing.T) {
	t.Parallel()
	ist := time.FixedZone("TRT", 3*3600)
	for _, rtl := range []bool{false, true} {
		var b bytes.Buffer
		fw, err := NewWriter("xlsx", &b, Style{Loc: ist, Sheet: "Siparişler", RTL: rtl})
		if err != nil {
			t.Fatal(err)
		}
		err = write(context.Background(), fw, []string{"Gün", "An", "Not"}, func(ctx context.Context, emit Emit) error {
			return emit(Day("2026-06-19"), time.Date(2026, 12, 3, 6, 30, 0, 0, time.UTC), Day("19/06/2026"))
		})
		if err != nil {
			t.Fatal(err)
		}
		f, err := excelize.OpenReader(bytes.NewReader(b.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			cell   string
			raw    float64
			format int
		}{{"A2", 46192, 14}, {"B2", 46359 + 9.5/24, 22}} {
			v, _ := f.GetCellValue("Siparişler", c.cell, excelize.Options{RawCellValue: true})
			got, err := strconv.ParseFloat(v, 64)
			if err != nil || math.Abs(got-c.raw) > 1e-9 {
				t.Errorf("%s = %q, want the serial %v", c.cell, v, c.raw)
			}
			idx, _ := f.GetCellStyle("Siparişler", c.cell)
			if st, err := f.GetStyle(idx); err != nil || st.NumFmt != c.format {
				t.Errorf("%s has number format %v (%v), want %d", c.cell, st, err, c.format)
			}
		}
		if ct, _ := f.GetCellType("Siparişler", "C2"); ct != excelize.CellTypeInlineString {
			t.Errorf("a day that is not one (19/06/2026) is type %v, want text", ct)
		}
		view, err := f.GetSheetView("Siparişler", 0)
		if err != nil || (view.RightToLeft != nil && *view.RightToLeft) != rtl {
			t.Errorf("sheet view right to left = %v (%v), want %v", view.RightToLeft, err, rtl)
		}
		f.Close()
	}
}

// TestCSVInTheReadersHabit: where decimals follow a comma, cells are separated by ";" and a
// decimal is written "12,5", so a double-clicked file opens in columns; a cell holding ";" is
// quoted; whole numbers, days and times are the same either way.
func TestCSVInTheReadersHabit(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	fw, _ := NewWriter("csv", &b, Style{Loc: time.UTC, Semicolon: true})
	err := write(context.Background(), fw, []string{"Ad", "Tutar", "Adet", "Gün", "Not"}, func(ctx context.Context, emit Emit) error {
		return emit("Şükrü", 1500.5, int64(-3), Day("2026-06-19"), "a; b, c")
	})
	if err != nil {
		t.Fatal(err)
	}
	body := strings.TrimPrefix(b.String(), "\uFEFF")
	if want := "Ad;Tutar;Adet;Gün;Not\nŞükrü;1500,5;-3;2026-06-19;\"a; b, c\"\n"; body != want {
		t.Errorf("semicolon CSV:\n%q\nwant\n%q", body, want)
	}
}

func TestColumnNames(t *testing.T) {
	t.Parallel()
	for i, want := range map[int]string{0: "A", 25: "Z", 26: "AA", 27: "AB", 51: "AZ", 52: "BA", 701: "ZZ", 702: "AAA"} {
		if got := string(colName(nil, i)); got != want {
			t.Errorf("colName(%d) = %s, want %s", i, got, want)
		}
	}
}

func TestSheetNameAndLongCell(t *testing.T) {
	t.Parallel()
	if got := sheetName("a/b:c[d]?*e\\ and a very long name beyond"); got != "a_b_c_d___e_ and a very long na" {
		t.Errorf("sheetName = %q", got)
	}
	long := strings.Repeat("ğ", maxCell+10)
	out := writeAll(t, "xlsx", [][]any{{long, "", int64(1), ""}})
	f, err := excelize.OpenReader(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	v, _ := f.GetCellValue("Müşteriler", "A2")
	if n := len([]rune(v)); n != maxCell || !strings.HasSuffix(v, "…") {
		t.Errorf("a cell over Excel's limit: %d characters", n)
	}
}

// TestLongCellCountsAsExcelDoes: Excel counts a cell's characters in UTF-16 code units, so an
// emoji takes two of the 32,767; a WhatsApp thread full of them is cut to fit that count (a cell
// past it makes Excel offer to "repair" the file), never inside an emoji, and text that fits
// exactly is left whole.
func TestLongCellCountsAsExcelDoes(t *testing.T) {
	t.Parallel()
	units := func(s string) int { return len(utf16.Encode([]rune(s))) }
	thread := strings.Repeat("Teşekkürler 🙏 ", 3000) // 14 code units a time, 42,000 in all
	exact := strings.Repeat("a", maxCell-2) + "😀"    // exactly the limit
	out := writeAll(t, "xlsx", [][]any{{thread, exact}})
	f, err := excelize.OpenReader(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	v, _ := f.GetCellValue("Müşteriler", "A2")
	if n := units(v); n > maxCell || n < maxCell-1 || !strings.HasSuffix(v, "…") || !utf8.ValidString(v) || !strings.HasPrefix(thread, strings.TrimSuffix(v, "…")) {
		t.Errorf("a thread of emoji over Excel's limit: %d UTF-16 code units, ends %q", n, v[max(0, len(v)-20):])
	}
	if v, _ := f.GetCellValue("Müşteriler", "B2"); v != exact {
		t.Errorf("a cell of exactly %d code units was changed to %d", maxCell, units(v))
	}
}
