package static

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"path"
	"regexp"
	"strings"
	"testing"
)

func newAssets(t *testing.T) *Assets {
	t.Helper()
	a, err := New()
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return a
}

// get sends one request through the handler and returns the recorded response.
func get(t *testing.T, h http.Handler, method, url string, header map[string]string) *http.Response {
	t.Helper()
	req := httptest.NewRequest(method, url, nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

func readAll(t *testing.T, r io.Reader) []byte {
	t.Helper()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("read body: %v", err)
	}
	return b
}

// vendorName returns the served name under vendor/ matching re, failing if
// there is not exactly one.
func vendorName(t *testing.T, a *Assets, re *regexp.Regexp) (name string, version string) {
	t.Helper()
	for _, n := range a.Names() {
		if m := re.FindStringSubmatch(n); m != nil {
			if name != "" {
				t.Fatalf("two files match %s: %s and %s", re, name, n)
			}
			name, version = n, m[1]
		}
	}
	if name == "" {
		t.Fatalf("no served file matches %s; names: %v", re, a.Names())
	}
	return name, version
}

var (
	reHTMX   = regexp.MustCompile(`^vendor/htmx-(2\.0\.\d+)\.min\.js$`)
	reSSE    = regexp.MustCompile(`^vendor/htmx-ext-sse-(2\.\d+\.\d+)\.min\.js$`)
	rePlotly = regexp.MustCompile(`^vendor/plotly-2d-(\d+\.\d+\.\d+)\.min\.js$`)
	rePlot3D = regexp.MustCompile(`^vendor/plotly-gl3d-(\d+\.\d+\.\d+)\.min\.js$`)
	reHashed = regexp.MustCompile(`^/static/(.+)\.([0-9a-f]{10})(\.[a-z0-9]+)$`)
)

func TestNamesListTheFilesTemplatesNeed(t *testing.T) {
	a := newAssets(t)
	names := a.Names()
	for _, want := range []string{"css/app.css", "js/app.js", "js/widget.js"} {
		found := false
		for _, n := range names {
			found = found || n == want
		}
		if !found {
			t.Errorf("Names() lacks %q: %v", want, names)
		}
	}
	vendorName(t, a, reHTMX)
	vendorName(t, a, reSSE)
	vendorName(t, a, rePlotly)
	vendorName(t, a, rePlot3D)
	for _, n := range names {
		if strings.HasSuffix(n, ".md") {
			t.Errorf("Names() serves documentation file %q", n)
		}
	}
	// Names returns a copy: changing it must not change the index.
	names[0] = "changed"
	if a.Names()[0] == "changed" {
		t.Error("Names() exposes its internal slice")
	}
}

func TestEveryFileHasHashedURLServedImmutable(t *testing.T) {
	a := newAssets(t)
	h := a.Handler()
	wantType := map[string]string{
		".css": "text/css; charset=utf-8",
		".js":  "text/javascript; charset=utf-8",
		".svg": "image/svg+xml",
		".png": "image/png",
	}
	seen := map[string]string{}
	for _, name := range a.Names() {
		url := a.URL(name)
		m := reHashed.FindStringSubmatch(url)
		if m == nil {
			t.Errorf("URL(%q) = %q, want /static/<base>.<10 hex>.<ext>", name, url)
			continue
		}
		if got := m[1] + m[3]; got != name {
			t.Errorf("URL(%q) = %q: stripping the hash gives %q", name, url, got)
		}
		if other, dup := seen[url]; dup {
			t.Errorf("%q and %q share URL %q", name, other, url)
		}
		seen[url] = name

		res := get(t, h, http.MethodGet, url, nil)
		body := readAll(t, res.Body)
		if res.StatusCode != http.StatusOK {
			t.Errorf("GET %s: status %d", url, res.StatusCode)
			continue
		}
		want, err := files.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(body, want) {
			t.Errorf("GET %s: body differs from embedded file (%d vs %d bytes)", url, len(body), len(want))
		}
		if got := res.Header.Get("Cache-Control"); got != "public, max-age=31536000, immutable" {
			t.Errorf("GET %s: Cache-Control %q", url, got)
		}
		if got, want := res.Header.Get("Content-Type"), wantType[path.Ext(name)]; got != want {
			t.Errorf("GET %s: Content-Type %q, want %q", url, got, want)
		}
		if got := res.Header.Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("GET %s: X-Content-Type-Options %q", url, got)
		}
		if got := res.Header.Get("ETag"); got != `"`+m[2]+`"` {
			t.Errorf("GET %s: ETag %q, want the hash %q", url, got, m[2])
		}
		// Text is sent gzipped when asked for, so caches must keep both forms; images are not.
		wantVary := "Accept-Encoding"
		if path.Ext(name) == ".png" {
			wantVary = ""
		}
		if got := res.Header.Get("Vary"); got != wantVary {
			t.Errorf("GET %s: Vary %q, want %q", url, got, wantVary)
		}
		if res.Header.Get("Content-Encoding") != "" {
			t.Errorf("GET %s without Accept-Encoding: got Content-Encoding %q", url, res.Header.Get("Content-Encoding"))
		}
	}
}

func TestURLIsStableAndChangesWithContent(t *testing.T) {
	a, b := newAssets(t), newAssets(t)
	if a.URL("css/app.css") != b.URL("css/app.css") {
		t.Error("two Assets give different URLs for one file")
	}
	if h1, h2 := hashedName("x/a.css", "0123456789"), hashedName("x/a.css", "9876543210"); h1 == h2 {
		t.Error("hashedName ignores the hash")
	}
	if got := hashedName("vendor/htmx-2.0.11.min.js", "abcdef0123"); got != "vendor/htmx-2.0.11.min.abcdef0123.js" {
		t.Errorf("hashedName = %q", got)
	}
	if got := hashedName("LICENSE", "abcdef0123"); got != "LICENSE.abcdef0123" {
		t.Errorf("hashedName without extension = %q", got)
	}
}

func TestUnhashedPathIsServedNoCache(t *testing.T) {
	a := newAssets(t)
	res := get(t, a.Handler(), http.MethodGet, "/static/js/app.js", nil)
	body := readAll(t, res.Body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d", res.StatusCode)
	}
	if got := res.Header.Get("Cache-Control"); got != "no-cache" {
		t.Errorf("Cache-Control %q, want no-cache", got)
	}
	if want, _ := files.ReadFile("js/app.js"); !bytes.Equal(body, want) {
		t.Error("body differs from embedded js/app.js")
	}
}

func TestNotFound(t *testing.T) {
	a := newAssets(t)
	h := a.Handler()
	good := a.URL("css/app.css")
	m := reHashed.FindStringSubmatch(good)
	wrong := "/static/" + m[1] + ".0000000000" + m[3]
	if wrong == good {
		wrong = "/static/" + m[1] + ".1111111111" + m[3]
	}
	for _, url := range []string{
		wrong,                            // stale or made-up hash
		"/static/" + m[1] + ".zz" + m[3], // not a hash at all
		"/static/css/missing.css",        // unknown file
		"/static/css/",                   // directory: no listings
		"/static/",                       // root
		"/static/vendor/README.md",       // documentation is not served
		"/css/app.css",                   // outside the mount point
		"/static/../static/css/app.css",  // not a clean path
	} {
		res := get(t, h, http.MethodGet, url, nil)
		if res.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: status %d, want 404", url, res.StatusCode)
		}
		if got := res.Header.Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("GET %s: X-Content-Type-Options %q", url, got)
		}
		if got := res.Header.Get("Cache-Control"); strings.Contains(got, "immutable") {
			t.Errorf("GET %s: a 404 must not be cached as immutable (%q)", url, got)
		}
	}
}

func TestMethods(t *testing.T) {
	a := newAssets(t)
	url := a.URL("css/app.css")
	res := get(t, a.Handler(), http.MethodPost, url, nil)
	if res.StatusCode != http.StatusMethodNotAllowed || res.Header.Get("Allow") != "GET, HEAD" {
		t.Errorf("POST: status %d, Allow %q", res.StatusCode, res.Header.Get("Allow"))
	}
	res = get(t, a.Handler(), http.MethodHead, url, nil)
	body := readAll(t, res.Body)
	if res.StatusCode != http.StatusOK || len(body) != 0 || res.Header.Get("Content-Length") == "" {
		t.Errorf("HEAD: status %d, %d body bytes, Content-Length %q", res.StatusCode, len(body), res.Header.Get("Content-Length"))
	}
}

func TestGzipWhenAccepted(t *testing.T) {
	a := newAssets(t)
	h := a.Handler()
	names := []string{"css/app.css", "js/app.js"}
	for _, re := range []*regexp.Regexp{reHTMX, reSSE, rePlotly, rePlot3D} {
		n, _ := vendorName(t, a, re)
		names = append(names, n)
	}
	for _, name := range names {
		url := a.URL(name)
		res := get(t, h, http.MethodGet, url, map[string]string{"Accept-Encoding": "br, gzip;q=0.8, deflate"})
		raw := readAll(t, res.Body)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: status %d", url, res.StatusCode)
		}
		if got := res.Header.Get("Content-Encoding"); got != "gzip" {
			t.Fatalf("GET %s: Content-Encoding %q, want gzip", url, got)
		}
		if got := res.Header.Get("Vary"); got != "Accept-Encoding" {
			t.Errorf("GET %s: Vary %q", url, got)
		}
		if got := res.Header.Get("Cache-Control"); got != "public, max-age=31536000, immutable" {
			t.Errorf("GET %s: Cache-Control %q", url, got)
		}
		if got := res.Header.Get("Content-Type"); !strings.HasPrefix(got, "text/") {
			t.Errorf("GET %s: Content-Type %q", url, got)
		}
		etag := res.Header.Get("ETag")
		if !strings.HasSuffix(etag, `-gz"`) {
			t.Errorf("GET %s: gzip response ETag %q must differ from the identity one", url, etag)
		}
		if got := res.Header.Get("Content-Length"); got == "" {
			t.Errorf("GET %s: no Content-Length", url)
		}
		zr, err := gzip.NewReader(bytes.NewReader(raw))
		if err != nil {
			t.Fatalf("GET %s: not gzip: %v", url, err)
		}
		plain := readAll(t, zr)
		want, _ := files.ReadFile(name)
		if !bytes.Equal(plain, want) {
			t.Errorf("GET %s: gunzipped body differs from the embedded file", url)
		}
		if len(raw) >= len(want) {
			t.Errorf("GET %s: gzip (%d bytes) not smaller than the file (%d)", url, len(raw), len(want))
		}
		// The same representation again is revalidated, not resent.
		res = get(t, h, http.MethodGet, url, map[string]string{"Accept-Encoding": "gzip", "If-None-Match": etag})
		if res.StatusCode != http.StatusNotModified {
			t.Errorf("GET %s with If-None-Match %s: status %d, want 304", url, etag, res.StatusCode)
		}
	}
}

func TestConditionalIdentity(t *testing.T) {
	a := newAssets(t)
	url := a.URL("js/app.js")
	etag := get(t, a.Handler(), http.MethodGet, url, nil).Header.Get("ETag")
	res := get(t, a.Handler(), http.MethodGet, url, map[string]string{"If-None-Match": etag})
	if res.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match %s: status %d, want 304", etag, res.StatusCode)
	}
}

func TestAcceptsGzip(t *testing.T) {
	scenarios := []struct {
		header string
		want   bool
	}{
		{"", false},
		{"gzip", true},
		{"GZIP", true},
		{"gzip, deflate, br", true},
		{"br;q=1.0, gzip;q=0.5", true},
		{"deflate, br", false},
		{"gzip;q=0", false},
		{"gzip;q=0.000", false},
		{"*", true},
		{"*;q=0", false},
		{"*, gzip;q=0", false},
		{"identity", false},
		{"x-gzip", true},
		{"gzip ; q=0.3", true},
	}
	for _, s := range scenarios {
		if got := acceptsGzip(s.header); got != s.want {
			t.Errorf("acceptsGzip(%q) = %v, want %v", s.header, got, s.want)
		}
	}
}

func TestURLPanicsOnUnknownName(t *testing.T) {
	a := newAssets(t)
	for _, name := range []string{"css/nope.css", "", "/static/css/app.css", "vendor/README.md"} {
		func() {
			defer func() {
				r := recover()
				if r == nil {
					t.Errorf("URL(%q) did not panic", name)
					return
				}
				if msg, _ := r.(string); !strings.Contains(msg, "unknown asset") {
					t.Errorf("URL(%q) panicked with %v", name, r)
				}
			}()
			a.URL(name)
		}()
	}
}

// The file name is what templates and the README promise; the bytes must be
// that release.
func TestVendoredVersionsMatchFileNames(t *testing.T) {
	a := newAssets(t)
	name, version := vendorName(t, a, reHTMX)
	body, _ := files.ReadFile(name)
	if !bytes.Contains(body, []byte(`version:"`+version+`"`)) {
		t.Errorf("%s does not contain version:%q", name, version)
	}
	// The 2-D bundle holds the trace types of the KPI page's 2-D charts and no 3-D code; the
	// 3-D bundle, loaded when a 3-D chart scrolls into view, holds scatter3d.
	for re, traces := range map[*regexp.Regexp][]string{rePlotly: {"funnel", "heatmap", "indicator", "scatterpolar"}, rePlot3D: {"scatter3d"}} {
		name, version = vendorName(t, a, re)
		body, _ = files.ReadFile(name)
		if !bytes.Contains(body[:min(len(body), 512)], []byte("minified) v"+version+"\n")) {
			t.Errorf("%s banner does not name plotly.js v%s", name, version)
		}
		for _, tr := range traces {
			if !bytes.Contains(body, []byte(`"`+tr+`"`)) {
				t.Errorf("%s lacks the %s trace", name, tr)
			}
		}
		if re == rePlotly && bytes.Contains(body, []byte(`"scatter3d"`)) {
			t.Errorf("%s holds 3-D traces", name)
		}
	}
	name, _ = vendorName(t, a, reSSE)
	body, _ = files.ReadFile(name)
	if !bytes.Contains(body, []byte(`defineExtension("sse"`)) {
		t.Errorf("%s is not the htmx SSE extension", name)
	}
	readme, err := files.ReadFile("vendor/README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, re := range []*regexp.Regexp{reHTMX, reSSE, rePlotly, rePlot3D} {
		n, v := vendorName(t, a, re)
		if !bytes.Contains(readme, []byte(path.Base(n))) || !bytes.Contains(readme, []byte(v)) {
			t.Errorf("vendor/README.md does not name %s (version %s)", path.Base(n), v)
		}
	}
}

// Budgets from the brief: own files stay small so panel pages stay light.
func TestOwnFilesStaySmall(t *testing.T) {
	for name, limit := range map[string]int{"css/app.css": 25 << 10, "js/app.js": 11 << 10} {
		body, err := files.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if len(body) > limit {
			t.Errorf("%s is %d bytes, budget %d", name, len(body), limit)
		}
	}
}

// Our own scripts must at least parse; node is optional on a developer box.
func TestOwnScriptsParse(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node not installed: syntax check skipped")
	}
	for _, name := range []string{"js/app.js", "js/boost.js", "js/charts.js", "js/ports.js", "js/widget.js"} {
		body, _ := files.ReadFile(name)
		cmd := exec.Command(node, "--check", "-")
		cmd.Stdin = bytes.NewReader(body)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("%s does not parse: %v\n%s", name, err, out)
		}
	}
}

func TestGzipEdgeCases(t *testing.T) {
	a := newAssets(t)
	h := a.Handler()
	url := a.URL("css/app.css")
	want, _ := files.ReadFile("css/app.css")

	// Refused gzip: identity bytes, still Vary.
	res := get(t, h, http.MethodGet, url, map[string]string{"Accept-Encoding": "gzip;q=0, identity"})
	if body := readAll(t, res.Body); res.Header.Get("Content-Encoding") != "" || !bytes.Equal(body, want) {
		t.Errorf("gzip;q=0: Content-Encoding %q, identity body %v", res.Header.Get("Content-Encoding"), bytes.Equal(body, want))
	}
	if res.Header.Get("Vary") != "Accept-Encoding" {
		t.Errorf("identity response lacks Vary: %q", res.Header.Get("Vary"))
	}

	// HEAD with gzip: headers of the gzip response, no body.
	res = get(t, h, http.MethodHead, url, map[string]string{"Accept-Encoding": "gzip"})
	if body := readAll(t, res.Body); res.StatusCode != http.StatusOK || len(body) != 0 ||
		res.Header.Get("Content-Encoding") != "gzip" || res.Header.Get("Content-Length") == "" {
		t.Errorf("HEAD gzip: status %d, %d body bytes, encoding %q, length %q", res.StatusCode, len(body),
			res.Header.Get("Content-Encoding"), res.Header.Get("Content-Length"))
	}

	// A range request with gzip gets the whole compressed file.
	res = get(t, h, http.MethodGet, url, map[string]string{"Accept-Encoding": "gzip", "Range": "bytes=0-9"})
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Encoding") != "gzip" {
		t.Errorf("Range with gzip: status %d, encoding %q", res.StatusCode, res.Header.Get("Content-Encoding"))
	}
	etag := res.Header.Get("ETag")

	// Weak and listed validators match (If-None-Match uses weak comparison).
	for _, inm := range []string{"W/" + etag, `"nope", ` + etag, "*"} {
		res = get(t, h, http.MethodGet, url, map[string]string{"Accept-Encoding": "gzip", "If-None-Match": inm})
		if res.StatusCode != http.StatusNotModified {
			t.Errorf("If-None-Match %s: status %d, want 304", inm, res.StatusCode)
		}
	}
	// The identity ETag does not validate the gzip representation.
	identity := get(t, h, http.MethodGet, url, nil).Header.Get("ETag")
	res = get(t, h, http.MethodGet, url, map[string]string{"Accept-Encoding": "gzip", "If-None-Match": identity})
	if res.StatusCode != http.StatusOK {
		t.Errorf("identity ETag on gzip request: status %d, want 200", res.StatusCode)
	}
}
