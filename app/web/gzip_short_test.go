package web

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestGzipLeavesShortJSONAlone: a JSON answer under minGzip (a webhook's acknowledgement) goes out
// as it is, with its length; a long one is still compressed.
func TestGzipLeavesShortJSONAlone(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		body string
		gzip bool
	}{{"accepted", false}, {strings.Repeat("x", 2*minGzip), true}} {
		h := Gzip(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			JSON(w, http.StatusOK, map[string]string{"status": tc.body})
		}))
		req := httptest.NewRequest(http.MethodPost, "/api/webhooks/whatsapp/", nil)
		req.Header.Set("Accept-Encoding", "gzip")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if got := w.Header().Get("Content-Encoding") == "gzip"; got != tc.gzip {
			t.Errorf("%d-byte answer: gzip %v, want %v", len(tc.body), got, tc.gzip)
		}
		if !tc.gzip && (w.Header().Get("Content-Length") != "22" || w.Body.String() != `{"status":"`+tc.body+`"}`+"\n") {
			t.Errorf("short answer: length %q, body %q", w.Header().Get("Content-Length"), w.Body.String())
		}
	}
}
