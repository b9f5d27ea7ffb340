// Package static holds the panel's front-end files (own CSS and JS plus the
// pinned, vendored htmx and Plotly builds) inside the binary, and serves them
// under content-hashed URLs so browsers may cache them forever: a changed file
// gets a new URL, so no page ever sees a stale script next to fresh HTML.
//
// Typical wiring:
//
//	assets, err := static.New()
//	// ...
//	mux.Handle("GET "+static.Prefix, assets.Handler()) // no http.StripPrefix
//	// in templates: <script src="{{asset "js/app.js"}}" defer></script>
//	funcs := template.FuncMap{"asset": assets.URL}
package static

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// files is everything the browser may load. Markdown files (the vendor
// README with versions and licences) are embedded by the pattern but are
// never served: they are for people reading the repository.
//
//go:embed css icons js vendor
var files embed.FS

// Prefix is the URL path under which Handler expects to be mounted. URL
// returns paths that start with it, and Handler strips it itself, so the
// route table mounts the handler at exactly this pattern without
// http.StripPrefix.
const Prefix = "/static/"

// hashLen is how many hex characters of the SHA-256 of a file go into its URL:
// 40 bits is plenty to tell versions of one file apart.
const hashLen = 10

// Cache-Control values: hashed URLs never change content, so they are cached
// for a year; plain URLs must be revalidated (the ETag makes that cheap).
const (
	cacheImmutable = "public, max-age=31536000, immutable"
	cacheRevalid   = "no-cache"
)

// asset is one embedded file with everything needed to serve it. Nothing of the file's bytes is
// copied to the heap up front: the hash is computed the first time a page asks for the file's URL
// or a browser asks for it, and the plain bytes are read straight from the binary when served.
// An idle server therefore holds neither Plotly's megabytes in its heap nor its pages in memory.
type asset struct {
	name         string // "css/app.css"
	contentType  string
	compressible bool

	hashOnce sync.Once
	hash     string // "abc123def0"
	hashed   string // "css/app.abc123def0.css"

	gzOnce sync.Once
	gz     []byte // nil when gzip would not make the file smaller
}

// ensureHash computes the file's content hash once.
func (a *asset) ensureHash() {
	a.hashOnce.Do(func() {
		body, err := files.ReadFile(a.name)
		if err != nil {
			// The embedded tree was walked at start-up; a read cannot fail afterwards.
			panic(fmt.Sprintf("static: read embedded %s: %v", a.name, err))
		}
		sum := sha256.Sum256(body)
		a.hash = hex.EncodeToString(sum[:])[:hashLen]
		a.hashed = hashedName(a.name, a.hash)
	})
}

// gzipped returns the gzip encoding of the file, compressing it on first use
// and keeping the result, so each file is compressed at most once per process
// (Plotly alone is several megabytes: doing it lazily keeps start-up and the
// tests of every other package fast). It returns nil when compression does
// not pay.
func (a *asset) gzipped() []byte {
	a.gzOnce.Do(func() {
		body, err := files.ReadFile(a.name)
		if err != nil {
			return
		}
		var buf bytes.Buffer
		zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		if err != nil {
			return
		}
		if _, err := zw.Write(body); err != nil {
			return
		}
		if err := zw.Close(); err != nil {
			return
		}
		if buf.Len() < len(body) {
			a.gz = bytes.Clone(buf.Bytes())
		}
	})
	return a.gz
}

// table is the immutable index of all embedded files. It is built once per
// process because the embedded bytes cannot change; every Assets shares it.
type table struct {
	byName map[string]*asset // "css/app.css"
	names  []string          // sorted
}

// loadTable indexes every embedded file once per process.
var loadTable = sync.OnceValues(buildTable)

// looksHashed matches a name that has a hash before its extension ("app.0123456789.css").
var looksHashed = regexp.MustCompile(`\.[0-9a-f]{` + strconv.Itoa(hashLen) + `}(\.[^./]+)$`)

func buildTable() (*table, error) {
	t := &table{byName: map[string]*asset{}}
	err := fs.WalkDir(files, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || strings.EqualFold(path.Ext(name), ".md") {
			return nil
		}
		// A file whose own name looks hashed could be shadowed by (or shadow) the hashed URL of
		// another file, and one URL would mean two files.
		if looksHashed.MatchString(name) {
			return fmt.Errorf("%s: a file name must not look like a hashed URL", name)
		}
		ctype, compressible := contentType(name)
		t.byName[name] = &asset{name: name, contentType: ctype, compressible: compressible}
		t.names = append(t.names, name)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("static: read embedded files: %w", err)
	}
	slices.Sort(t.names)
	return t, nil
}

// lookup finds the file a request path names: a hashed URL of the current content (immutable)
// or a plain name (revalidated).
func (t *table) lookup(name string) (a *asset, immutable bool) {
	if m := looksHashed.FindStringSubmatchIndex(name); m != nil {
		plain := name[:m[0]] + name[m[2]:m[3]]
		if f := t.byName[plain]; f != nil {
			f.ensureHash()
			if f.hashed == name {
				return f, true
			}
		}
	}
	return t.byName[name], false
}

// hashedName puts the hash before the last extension:
// "vendor/htmx-2.0.11.min.js" → "vendor/htmx-2.0.11.min.abc123def0.js".
func hashedName(name, hash string) string {
	ext := path.Ext(name)
	return strings.TrimSuffix(name, ext) + "." + hash + ext
}

// contentTypes is our own table so the answer does not depend on the host's
// mime.types (some map .js to application/javascript or worse).
var contentTypes = map[string]string{
	".css":   "text/css; charset=utf-8",
	".js":    "text/javascript; charset=utf-8",
	".mjs":   "text/javascript; charset=utf-8",
	".json":  "application/json",
	".map":   "application/json",
	".svg":   "image/svg+xml",
	".txt":   "text/plain; charset=utf-8",
	".png":   "image/png",
	".jpg":   "image/jpeg",
	".jpeg":  "image/jpeg",
	".gif":   "image/gif",
	".webp":  "image/webp",
	".ico":   "image/x-icon",
	".woff2": "font/woff2",
	".woff":  "font/woff",
}

// contentType returns the Content-Type for name and whether gzip helps it
// (text formats do; images and fonts are compressed already).
func contentType(name string) (ctype string, compressible bool) {
	ext := strings.ToLower(path.Ext(name))
	ctype, ok := contentTypes[ext]
	if !ok {
		ctype = mime.TypeByExtension(ext)
	}
	if ctype == "" {
		ctype = "application/octet-stream"
	}
	compressible = strings.HasPrefix(ctype, "text/") ||
		strings.HasPrefix(ctype, "application/json") ||
		strings.HasPrefix(ctype, "image/svg+xml")
	return ctype, compressible
}

// Assets serves the embedded files under content-hashed URLs.
//
// Templates get URLs from URL (bound as a template function); the route table
// mounts Handler at Prefix. An Assets is safe for concurrent use.
type Assets struct {
	t *table
}

// New indexes the embedded files: every file is hashed (SHA-256, first 10 hex
// characters) the first time New runs in a process; later calls reuse that
// index. It fails only if the embedded tree is unreadable or two URLs collide.
func New() (*Assets, error) {
	t, err := loadTable()
	if err != nil {
		return nil, err
	}
	return &Assets{t: t}, nil
}

// URL returns the content-hashed URL of an embedded file, e.g.
// "css/app.css" → "/static/css/app.abc123def0.css".
//
// It panics on an unknown name: a template that references a missing file is
// a programming error that must fail loudly (html/template turns the panic
// into an execution error naming the template), never a silent 404 in the
// browser.
func (a *Assets) URL(name string) string {
	f, ok := a.t.byName[name]
	if !ok {
		panic(fmt.Sprintf("static: unknown asset %q", name))
	}
	f.ensureHash()
	return Prefix + f.hashed
}

// Names returns the names of all served files ("css/app.css",
// "vendor/htmx-2.0.11.min.js", ...), sorted. The caller may modify the slice.
func (a *Assets) Names() []string {
	return slices.Clone(a.t.names)
}

// Handler serves the embedded files. Mount it at Prefix ("/static/") without
// http.StripPrefix: it strips the prefix itself and answers 404 for paths
// outside it.
//
//   - /static/<name with hash> (as returned by URL): the file, with
//     Cache-Control "public, max-age=31536000, immutable".
//   - /static/<plain name>: the file with Cache-Control "no-cache", for
//     callers that cannot know the hash (revalidated through the ETag).
//   - a name with a stale or wrong hash, a directory or an unknown file: 404.
//
// Text files are sent gzip-compressed (compressed once, then kept) when the
// request accepts gzip; such responses carry "Vary: Accept-Encoding". Every
// response has an explicit Content-Type and "X-Content-Type-Options: nosniff";
// files carry a strong ETag and conditional and range requests are honoured.
// Only GET and HEAD are allowed.
func (a *Assets) Handler() http.Handler {
	return http.HandlerFunc(a.serve)
}

func (a *Assets) serve(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		h.Set("Allow", "GET, HEAD")
		http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
		return
	}
	name, ok := strings.CutPrefix(r.URL.Path, Prefix)
	if !ok {
		http.NotFound(w, r)
		return
	}
	f, immutable := a.t.lookup(name)
	if f == nil {
		http.NotFound(w, r)
		return
	}
	f.ensureHash()
	cache := cacheRevalid
	if immutable {
		cache = cacheImmutable
	}

	h.Set("Content-Type", f.contentType)
	h.Set("Cache-Control", cache)
	if f.compressible {
		h.Set("Vary", "Accept-Encoding")
		if acceptsGzip(r.Header.Get("Accept-Encoding")) {
			if gz := f.gzipped(); gz != nil {
				// A different representation needs a different strong ETag.
				serveGzip(w, r, gz, `"`+f.hash+`-gz"`)
				return
			}
		}
	}
	h.Set("ETag", `"`+f.hash+`"`)
	// A zero modification time keeps Last-Modified out: the ETag is the
	// validator, and embedded files have no meaningful time. ServeContent
	// handles If-None-Match, ranges and HEAD.
	body, err := files.Open(f.name)
	if err != nil {
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
		return
	}
	defer body.Close()
	// Embedded files are io.ReadSeekers over the binary's own bytes: nothing is copied.
	http.ServeContent(w, r, f.name, time.Time{}, body.(io.ReadSeeker))
}

// serveGzip writes a precompressed body. http.ServeContent is not used for it
// because it would answer ranges of the compressed bytes and leave out
// Content-Length; here ranges are ignored (a full 200 is always a valid
// answer) and only If-None-Match is honoured.
func serveGzip(w http.ResponseWriter, r *http.Request, gz []byte, etag string) {
	h := w.Header()
	h.Set("ETag", etag)
	if etagListMatches(r.Header.Get("If-None-Match"), etag) {
		h.Del("Content-Type")
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Encoding", "gzip")
	h.Set("Content-Length", strconv.Itoa(len(gz)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(gz) // a failed write means the client went away
	}
}

// etagListMatches applies the weak comparison of If-None-Match (RFC 9110
// 13.1.2): "*" or any listed tag equal to etag once a W/ prefix is dropped.
func etagListMatches(header, etag string) bool {
	for tag := range strings.SplitSeq(header, ",") {
		tag = strings.TrimPrefix(strings.TrimSpace(tag), "W/")
		if tag == "*" || tag == etag {
			return true
		}
	}
	return false
}

// acceptsGzip reports whether an Accept-Encoding header value allows gzip:
// "gzip" or "*" listed with a non-zero quality, and gzip not refused with q=0.
func acceptsGzip(header string) bool {
	gzQ, starQ := -1.0, -1.0 // -1: not mentioned
	for part := range strings.SplitSeq(header, ",") {
		coding, params, _ := strings.Cut(part, ";")
		q := 1.0
		for p := range strings.SplitSeq(params, ";") {
			k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
			if ok && strings.EqualFold(strings.TrimSpace(k), "q") {
				f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
				if err != nil {
					f = 0
				}
				q = f
			}
		}
		switch strings.ToLower(strings.TrimSpace(coding)) {
		case "gzip", "x-gzip":
			gzQ = q
		case "*":
			starQ = q
		}
	}
	if gzQ >= 0 {
		return gzQ > 0
	}
	return starQ > 0
}

// ReadFile returns the bytes of an embedded file (the service worker is served from the site's
// root, where its scope covers the whole panel, not under Prefix).
func ReadFile(name string) ([]byte, error) { return files.ReadFile(name) }
