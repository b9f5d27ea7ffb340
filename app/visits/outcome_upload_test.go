package visits_test

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"highvibe/app/apptest"
	"highvibe/app/visits"
)

// typedOnSite is what an operator types on site before adding the photos, in the form's order.
var typedOnSite = [][2]string{{"status", "done"}, {"area", "42,5"}, {"surface", "Eski şap, çatlaklı"},
	{"access", "Bahçe kapısından, anahtar komşuda"}, {"notes", "Avlunun kuzey köşesi çökük; 3 basamak.\nÖlçü lazerle alındı."}}

// postOutcome sends the outcome form as a phone does: the text fields first, then the files (the
// DOM's order), streamed so a large body is not held twice in memory.
func postOutcome(f *calFix, id int64, lang string, files []outcomeFile) *apptest.Resp {
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		for _, kv := range typedOnSite {
			_ = mw.WriteField(kv[0], kv[1])
		}
		for _, fl := range files {
			fw, _ := mw.CreateFormFile("upload", fl.name)
			if fl.data != nil {
				_, _ = fw.Write(fl.data)
			}
			for n := fl.size; n > 0; {
				chunk := min(n, int64(len(filler)))
				if _, err := fw.Write(filler[:chunk]); err != nil {
					pw.CloseWithError(err)
					return
				}
				n -= chunk
			}
		}
		pw.CloseWithError(mw.Close())
	}()
	req, _ := http.NewRequest("POST", f.e.URL+fmt.Sprintf("/app/visits/%d/outcome?lang=%s", id, lang), pr)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return f.op.Do(req)
}

// outcomeFile is data, or size bytes of filler.
type outcomeFile struct {
	name string
	data []byte
	size int64
}

var filler = bytes.Repeat([]byte{0xA5}, 1<<20)

// stored counts what an outcome may store: attachments and messages of the tenant.
func stored(t *testing.T, f *calFix) (attachments, messages int) {
	t.Helper()
	db := f.e.DB("acme").Read
	if err := db.QueryRow(`SELECT (SELECT COUNT(*) FROM attachments), (SELECT COUNT(*) FROM messages)`).Scan(&attachments, &messages); err != nil {
		t.Fatal(err)
	}
	return
}

// A site visit's outcome whose photos are over the limit comes back with every field as typed,
// says which limit was met (in MB, in the person's language) and stores nothing: no outcome, no
// attachment, no note. Before, the body was parsed all or nothing, and the refused form came back
// with area, surface and notes empty. The same form within the limit stores everything.
func TestOutcomeOverTheLimitKeepsWhatWasTyped(t *testing.T) {
	t.Parallel()
	f := calSetup(t)
	v := f.book(t, f.conv, time.Now().Add(2*time.Hour).Truncate(time.Minute), f.op.UserID)
	f.confirm(t, v.ID)
	att0, msg0 := stored(t, f)

	sixOK := make([]outcomeFile, 6)
	for i := range sixOK {
		sixOK[i] = outcomeFile{name: fmt.Sprintf("IMG_%04d.jpg", i+1), size: 11 << 20}
	}
	scenarios := []struct {
		name, lang string
		files      []outcomeFile
		want       []string // in the upload field's message
	}{
		{"together over 60 MB", "tr", sixOK, []string{"toplamda 60 MB"}},
		{"one photo over 15 MB", "en", []outcomeFile{{name: "IMG_0001.jpg", size: 1 << 20}, {name: "IMG_0002.jpg", size: 15<<20 + 1}, {name: "IMG_0003.jpg", size: 16 << 20}},
			[]string{"at most 15 MB", "IMG_0002.jpg", "IMG_0003.jpg"}},
		{"seven small photos", "ar", []outcomeFile{{name: "1.jpg", size: 10}, {name: "2.jpg", size: 10}, {name: "3.jpg", size: 10}, {name: "4.jpg", size: 10},
			{name: "5.jpg", size: 10}, {name: "6.jpg", size: 10}, {name: "7.jpg", size: 10}}, []string{"6 صور", "(اختيرت 7)"}},
	}
	for _, sc := range scenarios {
		r := postOutcome(f, v.ID, sc.lang, sc.files)
		if r.StatusCode != http.StatusRequestEntityTooLarge {
			t.Fatalf("%s: %d, want 413\n%.2000s", sc.name, r.StatusCode, r.Body)
		}
		doc := r.Doc(t)
		got := map[string]string{
			"status":  doc.Find(`input[name="status"][checked]`).AttrOr("value", ""),
			"area":    doc.Find(`input[name="area"]`).AttrOr("value", ""),
			"surface": doc.Find(`input[name="surface"]`).AttrOr("value", ""),
			"access":  doc.Find(`textarea[name="access"]`).Text(),
			"notes":   doc.Find(`textarea[name="notes"]`).Text(),
		}
		for _, kv := range typedOnSite {
			if got[kv[0]] != kv[1] {
				t.Errorf("%s: %s came back as %q, typed %q", sc.name, kv[0], got[kv[0]], kv[1])
			}
		}
		msg := doc.Find("#upload-error").Text()
		for _, w := range sc.want {
			if !strings.Contains(msg, w) {
				t.Errorf("%s: the message %q does not say %q", sc.name, msg, w)
			}
		}
		if got := f.visit(t, v.ID); got.Status != visits.StatusConfirmed || got.Surface != "" || got.OutcomeNotes != "" {
			t.Fatalf("%s: a refused outcome stored: %+v", sc.name, got)
		}
		if a, m := stored(t, f); a != att0 || m != msg0 {
			t.Fatalf("%s: attachments %d→%d, messages %d→%d", sc.name, att0, a, msg0, m)
		}
	}

	// Within the limit, everything is kept: the text, the outcome and the photo.
	img := image.NewRGBA(image.Rect(0, 0, 40, 30))
	for i := range img.Pix {
		img.Pix[i] = byte(i * 3)
	}
	var pic bytes.Buffer
	if err := png.Encode(&pic, img); err != nil {
		t.Fatal(err)
	}
	if r := postOutcome(f, v.ID, "tr", []outcomeFile{{name: "avlu.png", data: pic.Bytes()}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("within the limit: %d\n%.2000s", r.StatusCode, r.Body)
	}
	got := f.visit(t, v.ID)
	if got.Status != visits.StatusDone || got.MeasuredAreaDM2 != 4250 || got.Surface != typedOnSite[2][1] || got.AccessNotes != typedOnSite[3][1] ||
		got.OutcomeNotes != typedOnSite[4][1] || len(got.Photos) != 1 {
		t.Fatalf("within the limit stored: %+v", got)
	}
	if a, _ := stored(t, f); a != att0+1 {
		t.Errorf("attachments %d→%d, want one more", att0, a)
	}
}

// Browsers send a form's parts in the order of its fields: the photos' file input comes after
// every field typed by hand, so a refusal over the photos' size still has the text to redraw.
func TestOutcomeFormPutsTheFileInputLast(t *testing.T) {
	t.Parallel()
	f := calSetup(t)
	v := f.book(t, f.conv, time.Now().Add(2*time.Hour).Truncate(time.Minute), f.op.UserID)
	f.confirm(t, v.ID)
	doc := f.op.Get(fmt.Sprintf("/app/visits/%d/outcome?lang=en", v.ID)).Doc(t)
	var names []string
	doc.Find("form.outcome-form").Find("input[name], textarea[name], select[name]").Each(func(_ int, s *goquery.Selection) {
		names = append(names, s.AttrOr("name", ""))
	})
	if len(names) == 0 || names[len(names)-1] != "upload" {
		t.Fatalf("fields in order: %v, want the file input last", names)
	}
}

// A phone whose connection stalls while the photos are on their way still gets the form back with
// what it typed (the text went first) and a message that the photos did not arrive, and nothing is
// stored. The read deadline that cuts the body off also cancels the request's context; before, the
// form could not be drawn and the answer was a 500.
func TestOutcomeStalledUploadKeepsWhatWasTyped(t *testing.T) {
	t.Parallel()
	f := calSetupWith(t, apptest.Options{NoJobs: true, FormReadTimeout: 300 * time.Millisecond})
	v := f.book(t, f.conv, time.Now().Add(2*time.Hour).Truncate(time.Minute), f.op.UserID)
	f.confirm(t, v.ID)
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	done := make(chan struct{})
	defer close(done)
	go func() {
		for _, kv := range typedOnSite {
			_ = mw.WriteField(kv[0], kv[1])
		}
		fw, _ := mw.CreateFormFile("upload", "IMG_0001.jpg")
		_, _ = fw.Write(filler[:4096])
		<-done // the rest never comes while the server waits
		pw.Close()
	}()
	req, _ := http.NewRequest("POST", f.e.URL+fmt.Sprintf("/app/visits/%d/outcome?lang=tr", v.ID), pr)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	r := f.op.Do(req)
	if r.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("a stalled upload: %d\n%.2000s", r.StatusCode, r.Body)
	}
	doc := r.Doc(t)
	if a, n := doc.Find(`input[name="area"]`).AttrOr("value", ""), doc.Find(`textarea[name="notes"]`).Text(); a != typedOnSite[1][1] || n != typedOnSite[4][1] {
		t.Errorf("came back as area %q, notes %q", a, n)
	}
	if msg := doc.Find("#upload-error").Text(); !strings.Contains(msg, "tam olarak ulaşmadı") {
		t.Errorf("message %q", msg)
	}
	if got := f.visit(t, v.ID); got.Status != visits.StatusConfirmed || got.OutcomeNotes != "" {
		t.Fatalf("a stalled outcome stored: %+v", got)
	}
}
