package quotes_test

import (
	"net/http"
	"strings"
	"testing"
)

// A quote status in the list's address that is not one is named above the list as ignored, and
// the list shows every quote, instead of silently reading it as "all".
func TestQuotesStatusNotUnderstoodIsSaid(t *testing.T) {
	t.Parallel()
	f := setup(t)
	newQuote(t, f.op, f.conv, nil)
	r := f.op.Get("/app/quotes/?status=gönderildi")
	if r.StatusCode != http.StatusOK {
		t.Fatalf("status %d", r.StatusCode)
	}
	d := r.Doc(t)
	if n := d.Find("#quotes tbody tr").Length(); n != 1 {
		t.Errorf("%d quotes, want the one there is", n)
	}
	if note := d.Find(`.ignored-filters [data-ignored-filter="status"]`).Text(); !strings.Contains(note, "gönderildi") || !strings.Contains(note, "yok sayıldı") {
		t.Errorf("no line saying the status filter was ignored: %q", note)
	}
	if d := f.op.Get("/app/quotes/?status=draft").Doc(t); d.Find(".ignored-filters").Length() != 0 {
		t.Errorf("a read status is said to be ignored: %q", d.Find(".ignored-filters").Text())
	}
}
