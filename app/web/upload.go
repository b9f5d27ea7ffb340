package web

import (
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"unicode/utf8"

	"highvibe/app/fault"
)

// A form that carries files next to what a person typed (a site visit's outcome with the photos
// taken on site) must never lose the typing because of the files. ParseMultipartForm under a
// MaxBytesReader is all or nothing: one photo too many and every field comes back empty. ReadUpload
// reads the body as a stream instead, part by part in the order the browser sent them (the DOM's
// order: the form puts its text before its file input), keeps every text field, keeps files while
// they fit, and past a limit stops keeping files but goes on reading, so text sent after them and
// the names of the other files over the limit are still known. What went wrong is in the answer's
// fields, for the handler to redraw the form with the text as typed and say which limit it met.

// UploadLimits bound one upload form.
type UploadLimits struct {
	FileMax  int64 // the largest one file kept
	FilesMax int64 // all kept files together
	MaxFiles int   // how many files at most (0: no count)
	TextMax  int64 // the longest text field read; the rest of a longer one is skipped (Long)
	BodyMax  int64 // the most read of the body at all; past it the rest is left unread (Cut)
}

// UploadFile is one file as sent, kept in a temporary file while the request lasts: six photos
// from a phone camera are tens of megabytes, and a server handling a few such forms at once must
// not hold them all in memory. Read it one at a time (Bytes) and let it go before the next.
type UploadFile struct {
	Field, Name string
	Size        int64
	path        string
}

// Bytes reads the file's content.
func (f UploadFile) Bytes() ([]byte, error) { return os.ReadFile(f.path) }

// Upload is what ReadUpload read of a form.
type Upload struct {
	Value    url.Values   // every text field read, as sent (a Long one cut at TextMax)
	Files    []UploadFile // the files kept, in the order sent; none once a limit was met
	TooLarge []string     // names of the files over FileMax, in the order sent
	Count    int          // how many non-empty files were sent (as far as the body was read)
	Over     bool         // the files together are over FilesMax (or the body over BodyMax)
	Long     []string     // names of the text fields longer than TextMax
	Cut      bool         // the body was not read to its end: fields after the cut are missing
	Slow     bool         // ... because it did not arrive within the read deadline
	temps    []string
}

// RemoveAll deletes the temporary files of the upload; ReadUpload's caller defers it.
func (u *Upload) RemoveAll() {
	for _, p := range u.temps {
		_ = os.Remove(p)
	}
	u.temps = nil
}

// drop forgets the kept files and deletes them: the form is refused anyway.
func (u *Upload) drop() {
	u.Files = nil
	u.RemoveAll()
}

// spool copies at most max+1 bytes of src into a new temporary file. It returns the file's path
// ("" when nothing was written) and how many bytes were copied.
func (u *Upload) spool(src io.Reader, max int64) (string, int64, error) {
	f, err := os.CreateTemp("", "upload-*")
	if err != nil {
		return "", 0, err
	}
	u.temps = append(u.temps, f.Name())
	n, err := io.Copy(f, io.LimitReader(src, max+1))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return f.Name(), n, err
}

// maxTextParts bounds the text fields of one upload form (a form of checkboxes may send many).
const maxTextParts = 1000

// ReadUpload reads a multipart/form-data body under lim. It returns an error only for a body that
// is not multipart, or text no keyboard types (fault.Malformed, as CheckFormText); every other
// failure is told in the Upload, with what was read before it. Files are kept on disk, never in
// memory; the caller defers Upload.RemoveAll.
func ReadUpload(w http.ResponseWriter, r *http.Request, lim UploadLimits) (*Upload, error) {
	r.Body = http.MaxBytesReader(w, r.Body, lim.BodyMax)
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, fault.Malformed("").Wrap(err)
	}
	u := &Upload{Value: url.Values{}}
	var kept int64
	texts := 0
	cut := func(err error) {
		u.Cut = true
		var big *http.MaxBytesError
		var ne net.Error
		switch {
		case errors.As(err, &big):
			u.Over = true
		case errors.As(err, &ne) && ne.Timeout():
			u.Slow = true
		}
	}
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			cut(err)
			break
		}
		name := p.FormName()
		if name == "" {
			if _, err := io.Copy(io.Discard, p); err != nil {
				cut(err)
				break
			}
			continue
		}
		if p.FileName() == "" {
			if texts++; texts > maxTextParts {
				u.Cut = true
				break
			}
			b, err := io.ReadAll(io.LimitReader(p, lim.TextMax+1))
			if err == nil && int64(len(b)) > lim.TextMax {
				b = trimRunes(b[:lim.TextMax])
				u.Long = append(u.Long, name)
				_, err = io.Copy(io.Discard, p)
			}
			if err != nil {
				cut(err)
				break
			}
			u.Value.Add(name, string(b))
			continue
		}
		keep := len(u.TooLarge) == 0 && !u.Over && (lim.MaxFiles == 0 || u.Count < lim.MaxFiles)
		var path string
		var n int64
		if keep {
			path, n, err = u.spool(p, lim.FileMax)
		} else {
			// Refused anyway: only the size matters now (which photos are over the limit).
			n, err = io.Copy(io.Discard, io.LimitReader(p, lim.FileMax+1))
		}
		if err == nil && n > lim.FileMax {
			u.Count++
			u.TooLarge = append(u.TooLarge, p.FileName())
			u.drop()
			_, err = io.Copy(io.Discard, p)
		} else if n > 0 {
			u.Count++
			if kept += n; kept > lim.FilesMax {
				u.Over = true
			}
			if keep && !u.Over && (lim.MaxFiles == 0 || u.Count <= lim.MaxFiles) {
				u.Files = append(u.Files, UploadFile{Field: name, Name: p.FileName(), Size: n, path: path})
			} else {
				u.drop()
			}
		}
		if err != nil {
			cut(err)
			break
		}
	}
	if err := CheckText(u.Value); err != nil {
		u.RemoveAll()
		return nil, err
	}
	return u, nil
}

// trimRunes drops a rune cut in two at the end of b.
func trimRunes(b []byte) []byte {
	for i := 0; i < utf8.UTFMax-1 && len(b) > 0; i++ {
		if r, size := utf8.DecodeLastRune(b); r != utf8.RuneError || size != 1 {
			break
		}
		b = b[:len(b)-1]
	}
	return b
}
