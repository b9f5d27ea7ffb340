package web

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http/httptest"
	"os"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// ReadUpload keeps every text field whatever the files do: a file over the limit for one, files
// over the limit together, too long a text, a body over the most it reads or one that stops
// arriving. Each case is told apart, and the text read before (and, where the body goes on,
// after) the files is there.
func TestReadUploadKeepsTheText(t *testing.T) {
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
