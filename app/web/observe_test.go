package web

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

type observed struct {
	route  string
	status int
	code   string
}

// TestObserveSeesPatternStatusAndCode: behind the same chain as the server (Base, Observe, Gzip,
// then the mux), every answered request is reported once with the mux's pattern (never the
// path), its status, the JSON error code through the gzip writer, 500 for a panic, and an empty
// route when no pattern matched.
func TestObserveSeesPatternStatusAndCode(t *testing.T) {
	var mu sync.Mutex
	got := map[string]observed{}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /items/{id}/", func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "item") })
	mux.HandleFunc("POST /hook/", func(w http.ResponseWriter, r *http.Request) {
		JSONError(w, r, nil, http.StatusForbidden, "bad_signature", "no")
	})
	mux.HandleFunc("GET /boom", func(w http.ResponseWriter, r *http.Request) { panic("boom") })
	var h http.Handler = mux
	h = Chain(h,
		Base(slog.New(slog.NewTextHandler(io.Discard, nil)), func(w http.ResponseWriter, r *http.Request, status int) { w.WriteHeader(status) }),
		Observe(func(route string, status int, code string, d time.Duration) {
			mu.Lock()
			defer mu.Unlock()
			if d <= 0 {
				t.Errorf("%s: duration %v", route, d)
			}
			got[route] = observed{route, status, code}
		}),
		Gzip,
	)
	srv := httptest.NewServer(h)
	defer srv.Close()
	do := func(method, path string) {
		req, _ := http.NewRequest(method, srv.URL+path, nil)
		req.Header.Set("Accept-Encoding", "gzip")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
	}
	do("GET", "/items/42/")
	do("POST", "/hook/")
	do("GET", "/boom")
	do("GET", "/nowhere")
	mu.Lock()
	defer mu.Unlock()
	for _, want := range []observed{
		{"GET /items/{id}/", 200, ""},
		{"POST /hook/", 403, "bad_signature"},
		{"GET /boom", 500, ""},
		{"", 404, ""},
	} {
		if got[want.route] != want {
			t.Errorf("route %q observed as %+v, want %+v", want.route, got[want.route], want)
		}
	}
	if len(got) != 4 {
		t.Errorf("observed %d routes, want 4: %+v", len(got), got)
	}
}
