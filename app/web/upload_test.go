package web

import (
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"unicode/utf8"
)

// ReadUpload keeps every text field whatever the files do: a file over the limit for one, files
// over the limit together, too long a text, a body over the most it reads or one that stops
// arriving. Each case is told apart, and the text read before (and, where the body goes on,
// after) the files is there.
func TestReadUploadKeepsTheText(t *testing.T) {
	// The files the scenarios keep go to a directory of the test's own, which is empty again at the
	// end: each kept file is removed as a handler removes it (Upload.RemoveAll). Before, the kept
	// files of every run stayed in the machine's temporary directory.
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	defer func() {
		if left, _ := filepath.Glob(filepath.Join(tmp, "upload-*")); len(left) > 0 {
			t.Errorf("%d temporary files left: %v", len(left), left)
		}
	}()
	lim := UploadLimits{FileMax: 100, FilesMax: 250, MaxFiles: 3, TextMax: 16, BodyMax: 4 << 10}
	type part struct {
		name, file string
		size       int
		text       string
	}
	scenarios := []struct {
		name  string
		parts []part
		stall bool // the body stops with a read deadline after its parts
		check func(t *testing.T, u *Upload)
	}{
		{"within", []part{{name: "notes", text: "Avlu"}, {name: "upload", file: "a.jpg", size: 100}, {name: "upload", file: "b.jpg", size: 100}},
			false, func(t *testing.T, u *Upload) {
				if len(u.Files) != 2 || u.Over || u.Cut || len(u.TooLarge) != 0 || u.Value.Get("notes") != "Avlu" {
					t.Errorf("%+v", u)
				}
			}},
		{"one too large, text after it", []part{{name: "notes", text: "Avlu"}, {name: "upload", file: "a.jpg", size: 101}, {name: "upload", file: "b.jpg", size: 5},
			{name: "upload", file: "c.jpg", size: 900}, {name: "after", text: "sonra"}},
			false, func(t *testing.T, u *Upload) {
				if !reflect.DeepEqual(u.TooLarge, []string{"a.jpg", "c.jpg"}) || len(u.Files) != 0 || u.Cut || u.Value.Get("after") != "sonra" || u.Count != 3 {
					t.Errorf("%+v", u)
				}
			}},
		{"together too large", []part{{name: "notes", text: "Avlu"}, {name: "upload", file: "a.jpg", size: 100}, {name: "upload", file: "b.jpg", size: 100},
			{name: "upload", file: "c.jpg", size: 60}}, false, func(t *testing.T, u *Upload) {
			if !u.Over || u.Cut || len(u.Files) != 0 || u.Value.Get("notes") != "Avlu" {
				t.Errorf("%+v", u)
			}
		}},
		{"a text too long", []part{{name: "notes", text: strings.Repeat("ç", 9)}}, false, func(t *testing.T, u *Upload) {
			if v := u.Value.Get("notes"); !reflect.DeepEqual(u.Long, []string{"notes"}) || !utf8.ValidString(v) || v != strings.Repeat("ç", 8) {
				t.Errorf("%+v", u)
			}
		}},
		{"body over its most", []part{{name: "notes", text: "Avlu"}, {name: "upload", file: "a.jpg", size: 8 << 10}, {name: "after", text: "lost"}},
			false, func(t *testing.T, u *Upload) {
				if !u.Cut || !u.Over || u.Value.Get("notes") != "Avlu" || u.Value.Has("after") {
					t.Errorf("%+v", u)
				}
			}},
		{"body stops arriving", []part{{name: "notes", text: "Avlu"}, {name: "upload", file: "a.jpg", size: 50}}, true, func(t *testing.T, u *Upload) {
			if !u.Cut || !u.Slow || u.Over || u.Value.Get("notes") != "Avlu" {
				t.Errorf("%+v", u)
			}
		}},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			var buf bytes.Buffer
			mw := multipart.NewWriter(&buf)
			for _, p := range sc.parts {
				if p.file == "" {
					_ = mw.WriteField(p.name, p.text)
					continue
				}
				fw, _ := mw.CreateFormFile(p.name, p.file)
				_, _ = fw.Write(bytes.Repeat([]byte{'x'}, p.size))
			}
			var body io.Reader = &buf
			if sc.stall {
				body = io.MultiReader(bytes.NewReader(buf.Bytes()[:buf.Len()-len(mw.Boundary())-8]), stalled{})
			} else {
				_ = mw.Close()
			}
			r := httptest.NewRequest("POST", "/x", body)
			r.Header.Set("Content-Type", mw.FormDataContentType())
			u, err := ReadUpload(httptest.NewRecorder(), r, lim)
			if err != nil {
				t.Fatal(err)
			}
			defer u.RemoveAll() // as a handler does: the kept files are temporary files
			sc.check(t, u)
		})
	}
}

// stalled is a body whose sender went quiet until the read deadline.
type stalled struct{}

func (stalled) Read([]byte) (int, error) { return 0, os.ErrDeadlineExceeded }

// Text no keyboard types is refused as in a plain form.
func TestReadUploadRefusesUnreadableText(t *testing.T) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.WriteField("notes", "toprak\xff")
	_ = mw.Close()
	r := httptest.NewRequest("POST", "/x", &buf)
	r.Header.Set("Content-Type", mw.FormDataContentType())
	if _, err := ReadUpload(httptest.NewRecorder(), r, UploadLimits{FileMax: 10, FilesMax: 10, TextMax: 64, BodyMax: 1 << 10}); err == nil {
		t.Fatal("text that is not UTF-8 was read as any other")
	}
}

// Photos from a phone camera are large: a form of four 15 MB photos must not sit in memory while
// the handler works through it (a server busy with a few such forms would hold hundreds of MB).
// ReadUpload keeps them in temporary files, read back one at a time and deleted by RemoveAll.
// Before, every kept file was a []byte of the Upload, and the heap grew by the whole form.
func TestReadUploadKeepsFilesOnDisk(t *testing.T) {
	const size, n = 15 << 20, 4
	lim := UploadLimits{FileMax: size, FilesMax: n * size, MaxFiles: n, TextMax: 1 << 10, BodyMax: 2*n*size + 1<<20}
	type result struct {
		grew  int64
		sizes []int64
		paths []string
		same  bool
		err   error
	}
	got := make(chan result, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		u, err := ReadUpload(w, r, lim)
		if err != nil {
			got <- result{err: err}
			return
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		res := result{grew: int64(after.HeapAlloc) - int64(before.HeapAlloc), same: true}
		for _, f := range u.Files {
			res.sizes = append(res.sizes, f.Size)
			res.paths = append(res.paths, f.path)
			b, err := f.Bytes()
			if err != nil || int64(len(b)) != f.Size || b[0] != byte(len(res.sizes)) {
				res.same = false
			}
		}
		u.RemoveAll()
		got <- res
	}))
	defer srv.Close()
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		_ = mw.WriteField("notes", "Avlu")
		chunk := make([]byte, 1<<20)
		for i := 1; i <= n; i++ {
			fw, _ := mw.CreateFormFile("upload", fmt.Sprintf("IMG_%d.jpg", i))
			for j := range chunk {
				chunk[j] = byte(i)
			}
			for k := 0; k < size>>20; k++ {
				_, _ = fw.Write(chunk)
			}
		}
		pw.CloseWithError(mw.Close())
	}()
	resp, err := http.Post(srv.URL, mw.FormDataContentType(), pr)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	res := <-got
	if res.err != nil {
		t.Fatal(res.err)
	}
	if len(res.sizes) != n || !res.same {
		t.Fatalf("kept %v (content as sent: %v), want %d files of %d bytes", res.sizes, res.same, n, size)
	}
	if res.grew > 8<<20 {
		t.Errorf("the heap grew by %d MB while the upload was held, want the files on disk", res.grew>>20)
	}
	for _, p := range res.paths {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("%s still there after RemoveAll (%v)", p, err)
		}
	}
}
