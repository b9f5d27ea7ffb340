package visits_test

import (
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"highvibe/app/apptest"
	"highvibe/app/media/mediatest"
	"highvibe/app/visits"
)

// phonePhoto is a JPEG of about size bytes, as a phone camera writes one: a real picture, then
// the rest of the camera's bytes (here filler after the picture's end, which decoders skip).
func phonePhoto(size int) []byte {
	b := mediatest.JPEG(1200, 900)
	return append(b, bytes.Repeat([]byte{0xA5}, size-len(b))...)
}

// heicPhoto is the start of an iPhone camera's HEIC file: an ISO box "ftyp" with the heic brand.
var heicPhoto = append([]byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"), bytes.Repeat([]byte{0}, 4096)...)

// sendOutcome posts the typed fields and one photo; pace, when not nil, writes the photo's bytes.
func sendOutcome(f *calFix, id int64, lang, name string, data []byte, pace func(w io.Writer, data []byte) error) *apptest.Resp {
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		for _, kv := range typedOnSite {
			_ = mw.WriteField(kv[0], kv[1])
		}
		fw, _ := mw.CreateFormFile("upload", name)
		var err error
		if pace != nil {
			err = pace(fw, data)
		} else {
			_, err = fw.Write(data)
		}
		if err != nil {
			pw.CloseWithError(err)
			return
		}
		pw.CloseWithError(mw.Close())
	}()
	req, _ := http.NewRequest("POST", f.e.URL+fmt.Sprintf("/app/visits/%d/outcome?lang=%s", id, lang), pr)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return f.op.Do(req)
}

// A phone camera's photo (9 MB) is kept with the outcome. Before, each photo was held to
// WhatsApp's 5 MB image limit, though these photos never leave the panel, and a site visit's
// photos were refused.
func TestOutcomeKeepsAPhoneCameraPhoto(t *testing.T) {
	t.Parallel()
	f := calSetup(t)
	v := f.book(t, f.conv, time.Now().Add(2*time.Hour).Truncate(time.Minute), f.op.UserID)
	f.confirm(t, v.ID)
	if r := sendOutcome(f, v.ID, "tr", "IMG_4711.jpg", phonePhoto(9<<20), nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("a 9 MB photo: %d\n%.2000s", r.StatusCode, r.Body)
	}
	if got := f.visit(t, v.ID); got.Status != visits.StatusDone || len(got.Photos) != 1 {
		t.Fatalf("after a 9 MB photo: %+v", got)
	}
}

// The photo input lists the types the panel shows, so an iPhone converts its HEIC photos to JPEG
// as it sends them (it does not for image/*); a HEIC file that still arrives is refused naming
// its format, in the person's language, with what was typed kept and nothing stored.
func TestOutcomeRefusesHEICByName(t *testing.T) {
	t.Parallel()
	f := calSetup(t)
	v := f.book(t, f.conv, time.Now().Add(2*time.Hour).Truncate(time.Minute), f.op.UserID)
	f.confirm(t, v.ID)
	doc := f.op.Get(fmt.Sprintf("/app/visits/%d/outcome?lang=en", v.ID)).Doc(t)
	accept := doc.Find(`input[name="upload"]`).AttrOr("accept", "")
	if accept == "" || strings.Contains(accept, "*") || strings.Contains(accept, "heic") || strings.Contains(accept, "heif") {
		t.Errorf("the photo input accepts %q: an iPhone would send HEIC as it is", accept)
	}
	att0, _ := stored(t, f)
	for lang, want := range map[string]string{"tr": "HEIC biçiminde", "en": "HEIC format", "ar": "HEIC"} {
		r := sendOutcome(f, v.ID, lang, "IMG_4712.HEIC", heicPhoto, nil)
		if r.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("%s: a HEIC photo: %d\n%.2000s", lang, r.StatusCode, r.Body)
		}
		doc := r.Doc(t)
		if msg := doc.Find("#upload-error").Text(); !strings.Contains(msg, want) {
			t.Errorf("%s: the refusal %q does not name the format (%q)", lang, msg, want)
		}
		if a, n := doc.Find(`input[name="area"]`).AttrOr("value", ""), doc.Find(`textarea[name="notes"]`).Text(); a != typedOnSite[1][1] || n != typedOnSite[4][1] {
			t.Errorf("%s: came back as area %q, notes %q", lang, a, n)
		}
	}
	if got := f.visit(t, v.ID); got.Status != visits.StatusConfirmed || got.OutcomeNotes != "" {
		t.Fatalf("a refused outcome stored: %+v", got)
	}
	if a, _ := stored(t, f); a != att0 {
		t.Errorf("attachments %d→%d", att0, a)
	}
}

// paced writes data in chunks of size, one every gap: an upload over a slow uplink (or, with one
// byte a chunk, a sender that trickles to hold the connection).
func paced(size int, gap time.Duration) func(w io.Writer, data []byte) error {
	return func(w io.Writer, data []byte) error {
		for len(data) > 0 {
			n := min(size, len(data))
			if _, err := w.Write(data[:n]); err != nil {
				return err
			}
			data = data[n:]
			time.Sleep(gap) // the pace of the uplink is what the test is about
		}
		return nil
	}
}

// A photo that keeps arriving, slowly, takes several times the form timeout and is kept: an upload
// earns time with the bytes that arrive. Before, the form timeout cut every upload at the same
// moment, however much of it had arrived, and a site's photos over mobile data never got through.
func TestOutcomeSlowButMovingUploadArrives(t *testing.T) {
	t.Parallel()
	// A second, not less: a stall is measured on the server, so a loaded machine (the whole suite
	// on two cores) that leaves the handler unscheduled for a few hundred milliseconds between two
	// reads would otherwise look like a sender that stopped, and cut an upload that never did.
	const timeout = time.Second
	f := calSetupWith(t, apptest.Options{NoJobs: true, FormReadTimeout: timeout})
	v := f.book(t, f.conv, time.Now().Add(2*time.Hour).Truncate(time.Minute), f.op.UserID)
	f.confirm(t, v.ID)
	start := time.Now()
	// 2 MB at about 640 KB/s: a weak mobile uplink, far above the rate that earns time.
	r := sendOutcome(f, v.ID, "tr", "IMG_4713.jpg", phonePhoto(2<<20), paced(16<<10, 25*time.Millisecond))
	took := time.Since(start)
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("a slow upload that kept moving (%s): %d\n%.1000s", took.Round(time.Millisecond), r.StatusCode, r.Body)
	}
	if took < 5*timeout/2 {
		t.Fatalf("the upload took only %s: it did not test a body slower than the form timeout (%s)", took, timeout)
	}
	if got := f.visit(t, v.ID); got.Status != visits.StatusDone || len(got.Photos) != 1 {
		t.Fatalf("after a slow upload: %+v", got)
	}
}

// A sender that trickles a byte at a time earns no time and is cut off near the form timeout, like
// any stalled body; the form comes back with what was typed.
func TestOutcomeTricklingUploadIsCutOff(t *testing.T) {
	t.Parallel()
	const timeout = 300 * time.Millisecond
	f := calSetupWith(t, apptest.Options{NoJobs: true, FormReadTimeout: timeout})
	v := f.book(t, f.conv, time.Now().Add(2*time.Hour).Truncate(time.Minute), f.op.UserID)
	f.confirm(t, v.ID)
	start := time.Now()
	r := sendOutcome(f, v.ID, "tr", "IMG_4714.jpg", phonePhoto(1<<20), paced(1, 10*time.Millisecond))
	took := time.Since(start)
	if r.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("a trickling upload: %d after %s", r.StatusCode, took)
	}
	if took > 10*timeout { // far below what 1 MB at 100 bytes a second would take
		t.Errorf("a trickling upload was held %s, want it cut near the form timeout (%s)", took.Round(time.Millisecond), timeout)
	}
	if msg := r.Doc(t).Find("#upload-error").Text(); !strings.Contains(msg, "tam olarak ulaşmadı") {
		t.Errorf("message %q", msg)
	}
	if got := f.visit(t, v.ID); got.Status != visits.StatusConfirmed {
		t.Fatalf("a cut outcome stored: %+v", got)
	}
}
