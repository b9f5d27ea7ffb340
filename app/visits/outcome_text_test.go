package visits_test

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"highvibe/app/visits"
)

// The outcome form sent as multipart (photos come along) with text that is not UTF-8, or holds a
// NUL, is refused like any plain form (400, in the person's language) and stores nothing: the
// check of plain forms runs before the handler, but a multipart body is parsed by the handler
// under its own size limit, and such text used to be stored as sent.
func TestOutcomeMultipartRefusesTextThatIsNotUTF8(t *testing.T) {
	t.Parallel()
	f := calSetup(t)
	v := f.book(t, f.conv, time.Now().Add(2*time.Hour).Truncate(time.Minute), f.op.UserID)
	f.confirm(t, v.ID)
	for _, bad := range []string{"toprak\xff", "toprak\x00zemin"} {
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		for k, val := range map[string]string{"status": "done", "area": "12,5", "surface": bad, "notes": "Avlu"} {
			_ = mw.WriteField(k, val)
		}
		_ = mw.Close()
		req, _ := http.NewRequest("POST", f.e.URL+fmt.Sprintf("/app/visits/%d/outcome?lang=tr", v.ID), &body)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		r := f.op.Do(req)
		if r.StatusCode != http.StatusBadRequest || !strings.Contains(r.Body, "okunamayan karakterler") {
			t.Errorf("surface %q: %d, want 400 with the Turkish message", bad, r.StatusCode)
		}
	}
	if got := f.visit(t, v.ID); got.Status != visits.StatusConfirmed || got.Surface != "" {
		t.Errorf("a refused outcome stored: status %s, surface %q", got.Status, got.Surface)
	}
}
