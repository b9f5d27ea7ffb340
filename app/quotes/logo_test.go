package quotes_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"highvibe/app/apptest"
	"highvibe/app/media/mediatest"
)

func uploadLogo(c *apptest.Client, name string, data []byte) *apptest.Resp {
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	fw, _ := w.CreateFormFile("logo", name)
	fw.Write(data)
	w.Close()
	req, _ := http.NewRequest("POST", c.E.URL+"/app/quotes/settings/logo", &b)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return c.Do(req)
}

// TestQuoteLogo: the owner uploads a logo for the quote PDF; what is not an image (whatever its
// name), too large, or over the media quota is refused in the owner's language with nothing
// stored; the kept logo is a PNG without the photo's metadata, drawn on the PDF; removing it
// takes its bytes out of the media database and the PDF goes back to the initials.
func TestQuoteLogo(t *testing.T) {
	f := setup(t)
	id := newQuote(t, f.op, f.conv, nil)
	pdfPath := "/app/quotes/" + strconv.FormatInt(id, 10) + "/pdf"
	images := func() int { return bytes.Count([]byte(f.op.Get(pdfPath).Body), []byte("/Subtype /Image")) }
	if n := images(); n != 0 {
		t.Fatalf("a PDF without a logo has %d images", n)
	}
	if r := uploadLogo(f.op, "logo.png", mediatest.PNG(40, 20)); r.StatusCode != http.StatusForbidden {
		t.Fatalf("an operator uploaded a logo: %d", r.StatusCode)
	}
	mdbBlobs := func() int {
		mdb, err := f.e.Server.Mgr.Media(t.Context(), "acme")
		if err != nil {
			t.Fatal(err)
		}
		var n int
		_ = mdb.Read.QueryRow(`SELECT count(*) FROM blobs`).Scan(&n)
		return n
	}
	for _, c := range []struct {
		name   string
		data   []byte
		status int
		say    string
	}{
		{"logo.png", mediatest.HTML(), 422, "Logo JPEG, PNG, WebP ya da GIF görseli olmalı"},
		{"logo.png", mediatest.PDF(), 422, "Logo JPEG, PNG, WebP ya da GIF görseli olmalı"},
		{"logo.png", nil, 422, "Logo için bir görsel dosyası seçin."},
		{"logo.jpg", append(mediatest.JPEG(10, 10), make([]byte, 2<<20)...), 413, "Logo çok büyük: en çok 2 MB"},
	} {
		r := uploadLogo(f.owner, c.name, c.data)
		if r.StatusCode != c.status || !strings.Contains(r.Body, c.say) {
			t.Errorf("%d bytes as %s: %d, want %d with %q", len(c.data), c.name, r.StatusCode, c.status, c.say)
		}
	}
	if n := mdbBlobs(); n != 0 {
		t.Fatalf("refused logos stored %d blobs", n)
	}
	f.e.Set("acme", map[string]string{"media_quota_mb": "0"})
	if r := uploadLogo(f.owner, "logo.png", mediatest.PNG(40, 20)); r.StatusCode != 422 || !strings.Contains(r.Body, "Fotoğraf ve dosya alanı dolu") {
		t.Errorf("over the quota: %d", r.StatusCode)
	}
	f.e.Set("acme", map[string]string{"media_quota_mb": "10"})

	if r := uploadLogo(f.owner, "logo.png", mediatest.PNG(1600, 400)); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("upload: %d %s", r.StatusCode, r.Body)
	}
	page := f.owner.Get("/app/quotes/settings")
	src, ok := page.Doc(t).Find("img[data-logo]").Attr("src")
	if !ok || !strings.HasPrefix(src, "/app/quotes/settings/logo?v=") {
		t.Fatalf("the settings page shows no logo")
	}
	logo := f.owner.Get(src)
	if logo.StatusCode != 200 || logo.Header.Get("Content-Type") != "image/png" || logo.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Fatalf("logo: %d %s", logo.StatusCode, logo.Header.Get("Content-Type"))
	}
	if strings.Contains(logo.Body, mediatest.GPSMark) || strings.Contains(logo.Body, "eXIf") {
		t.Error("the kept logo carries the photo's metadata")
	}
	if r := f.viewer.Get(src); r.StatusCode != http.StatusForbidden {
		t.Errorf("a viewer read the settings logo: %d", r.StatusCode)
	}
	if n := images(); n != 1 {
		t.Fatalf("the PDF has %d images, want the logo", n)
	}
	// A second logo replaces the first; the first's bytes go.
	if r := uploadLogo(f.owner, "logo.jpg", mediatest.JPEG(300, 100)); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("second upload: %d", r.StatusCode)
	}
	if n := mdbBlobs(); n != 1 {
		t.Errorf("%d blobs after replacing the logo, want 1", n)
	}
	if r := f.owner.Post("/app/quotes/settings/logo/delete", nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("remove: %d", r.StatusCode)
	}
	if n := mdbBlobs(); n != 0 {
		t.Errorf("%d blobs after removing the logo", n)
	}
	if r := f.owner.Get(src); r.StatusCode != http.StatusNotFound {
		t.Errorf("removed logo still served: %d", r.StatusCode)
	}
	if n := images(); n != 0 {
		t.Errorf("the PDF still has %d images", n)
	}
	if p := f.owner.Get("/app/quotes/settings"); p.Doc(t).Find("[data-no-logo]").Length() != 1 {
		t.Error("the settings page does not say there is no logo")
	}
	// The customer's page of a sent quote shows the logo too, through its own link only.
	sent := approvedQuote(t, f, f.conv)
	if r := f.op.Post("/app/quotes/"+strconv.FormatInt(sent, 10)+"/send", nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("send: %d", r.StatusCode)
	}
	link := "/q/acme." + f.str(t, `SELECT token FROM quotes WHERE id = ?`, sent)
	cust := f.e.Client()
	if p := cust.Get(link); p.Doc(t).Find("img[data-logo]").Length() != 0 {
		t.Error("the customer's page shows a logo the business does not have")
	}
	if r := uploadLogo(f.owner, "logo.png", mediatest.PNG(300, 100)); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("upload: %d", r.StatusCode)
	}
	if src, _ := cust.Get(link).Doc(t).Find("img[data-logo]").Attr("src"); src != link+"/logo" {
		t.Errorf("the customer's page shows the logo from %q", src)
	}
	if r := cust.Get(link + "/logo"); r.StatusCode != 200 || r.Header.Get("Content-Type") != "image/png" || !strings.HasPrefix(r.Body, "\x89PNG") {
		t.Errorf("public logo: %d %s", r.StatusCode, r.Header.Get("Content-Type"))
	}
	// Asked in English, the Turkish quote writes its numbers the English way too.
	if p := cust.Get(link + "?lang=en"); !strings.Contains(p.Body, ">8%<") || !strings.Contains(p.Body, "₺220,397.76") || strings.Contains(p.Body, "%8") {
		t.Error("the English customer's page writes the percentages the Turkish way")
	}
	if r := cust.Get("/q/acme.aaaaaaaaaaaaaaaaaaaaaaaa/logo"); r.StatusCode != http.StatusNotFound {
		t.Errorf("a guessed link's logo: %d", r.StatusCode)
	}
}
