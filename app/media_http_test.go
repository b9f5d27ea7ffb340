package app_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"image"
	_ "image/jpeg"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"

	"highvibe/app/apptest"
	"highvibe/app/inbox"
	"highvibe/app/media/mediatest"
)

// multipartBody builds a multipart form with one file part and plain fields.
func multipartBody(t *testing.T, filename string, data []byte, fields map[string]string) (string, *bytes.Buffer) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for k, v := range fields {
		_ = w.WriteField(k, v)
	}
	if filename != "" {
		fw, err := w.CreateFormFile("file", filename)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(data)
	}
	w.Close()
	return w.FormDataContentType(), &b
}

func postFile(c *apptest.Client, path, filename string, data []byte, fields map[string]string) *apptest.Resp {
	c.E.T.Helper()
	ct, body := multipartBody(c.E.T.(*testing.T), filename, data, fields)
	req, _ := http.NewRequest("POST", c.E.URL+path, body)
	req.Header.Set("Content-Type", ct)
	return c.Do(req)
}

// widgetThread starts a webchat conversation on tenant slug and returns the visitor token and the
// conversation id.
func widgetThread(t *testing.T, e *apptest.Env, slug, text string) (string, int64) {
	t.Helper()
	r := e.Client().PostJSON("/widget/api/"+slug+"/messages", []byte(fmt.Sprintf(`{"text":%q}`, text)), nil)
	if r.StatusCode != 201 {
		t.Fatalf("widget post: %d %s", r.StatusCode, r.Body)
	}
	var out struct {
		Token string `json:"token"`
		Conv  int64  `json:"conversation_id"`
	}
	_ = json.Unmarshal([]byte(r.Body), &out)
	return out.Token, out.Conv
}

func countRows(t *testing.T, e *apptest.Env, slug, q string) int {
	t.Helper()
	var n int
	if err := e.DB(slug).Read.QueryRow(q).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestMediaServedOnlyToItsTenantWithoutLocation: a photo the operator sends is kept, shown as a
// thumbnail, served with a strict type, nosniff and a disposition, without its GPS block except to
// the owner asking for the original; another tenant's user gets 404 for the same id, and the widget
// visitor reaches it only by a valid signed link.
func TestMediaServedOnlyToItsTenantWithoutLocation(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme")
	e.Tenant("beta")
	op := e.User("acme", "ayse", "operator")
	owner := e.User("acme", "olga", "owner")
	other := e.User("beta", "bora", "owner")
	token, conv := widgetThread(t, e, "acme", "Merhaba, bahçe için fiyat?")
	photo := mediatest.JPEG(900, 600)
	r := postFile(op, fmt.Sprintf("/app/inbox/%d/attach", conv), "bahçe fotoğrafı.jpg", photo, map[string]string{"body": "Örnek taş"})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("attach: %d %s", r.StatusCode, r.Body)
	}
	var id int64
	if err := e.DB("acme").Read.QueryRow(`SELECT id FROM attachments WHERE conversation_id = ? AND status = 'stored'`, conv).Scan(&id); err != nil {
		t.Fatalf("no stored attachment: %v", err)
	}
	page := op.Get(fmt.Sprintf("/app/inbox/%d/", conv))
	doc := page.Doc(t)
	if src, _ := doc.Find(".msg-photo img").Attr("src"); src != fmt.Sprintf("/app/media/%d?v=thumb", id) {
		t.Errorf("bubble thumbnail src %q", src)
	}
	if doc.Find(".msg-file-original").Length() != 0 {
		t.Error("an operator is offered the original with location data")
	}
	if owner.Get(fmt.Sprintf("/app/inbox/%d/", conv)).Doc(t).Find(".msg-file-original").Length() != 1 {
		t.Error("the owner is not offered the original")
	}
	full := op.Get(fmt.Sprintf("/app/media/%d", id))
	h := full.Header
	if full.StatusCode != 200 || h.Get("Content-Type") != "image/jpeg" || h.Get("X-Content-Type-Options") != "nosniff" ||
		!strings.HasPrefix(h.Get("Content-Disposition"), "inline;") || !strings.Contains(h.Get("Content-Disposition"), "filename*=utf-8''bah%C3%A7e") {
		t.Fatalf("full size: %d %v", full.StatusCode, h)
	}
	if strings.Contains(full.Body, mediatest.GPSMark) || strings.Contains(full.Body, mediatest.PlaceMark) {
		t.Error("the operator got the photo's location data")
	}
	if img, _, err := image.Decode(strings.NewReader(full.Body)); err != nil || img.Bounds().Dx() != 900 {
		t.Errorf("served photo does not decode whole: %v", err)
	}
	if r := op.Get(fmt.Sprintf("/app/media/%d?original=1", id)); strings.Contains(r.Body, mediatest.GPSMark) {
		t.Error("an operator asking ?original=1 got the location data")
	}
	if r := owner.Get(fmt.Sprintf("/app/media/%d?original=1&download=1", id)); !strings.Contains(r.Body, mediatest.GPSMark) ||
		!strings.HasPrefix(r.Header.Get("Content-Disposition"), "attachment;") {
		t.Errorf("the owner's original: %v", r.Header)
	}
	if r := op.Get(fmt.Sprintf("/app/media/%d?v=thumb", id)); r.StatusCode != 200 || r.Header.Get("Content-Type") != "image/jpeg" || len(r.Body) >= len(photo) {
		t.Errorf("thumbnail: %d %s %d bytes", r.StatusCode, r.Header.Get("Content-Type"), len(r.Body))
	}
	// Another tenant's user: the id names nothing in their file.
	if r := other.Get(fmt.Sprintf("/app/media/%d", id)); r.StatusCode != 404 || strings.Contains(r.Body, "JFIF") {
		t.Errorf("cross-tenant media: %d", r.StatusCode)
	}
	if r := e.Client().Get(fmt.Sprintf("/app/media/%d", id)); r.StatusCode == 200 {
		t.Error("an anonymous visitor got the file")
	}

	// The visitor's thread lists the photo with signed, short-lived links.
	lr := e.Client().Get("/widget/api/acme/messages?token=" + url.QueryEscape(token))
	var thread struct {
		Messages []struct {
			Text  string `json:"text"`
			Files []struct {
				URL, ThumbURL, Name string
			} `json:"files"`
		} `json:"messages"`
	}
	_ = json.Unmarshal([]byte(lr.Body), &thread)
	var link string
	for _, m := range thread.Messages {
		for _, f := range m.Files {
			link = f.URL
		}
	}
	if link == "" {
		t.Fatalf("the visitor's thread carries no file link: %s", lr.Body)
	}
	vr := e.Client().Get(link)
	if vr.StatusCode != 200 || vr.Header.Get("Content-Type") != "image/jpeg" || strings.Contains(vr.Body, mediatest.GPSMark) {
		t.Fatalf("signed link: %d %v", vr.StatusCode, vr.Header)
	}
	u, _ := url.Parse(link)
	q := u.Query()
	first := "A" // a changed first character (the signature may already start with A)
	if strings.HasPrefix(q.Get("sig"), "A") {
		first = "B"
	}
	bad := map[string]string{
		"tampered signature":               strings.Replace(link, "sig="+q.Get("sig"), "sig="+first+q.Get("sig")[1:], 1),
		"other file":                       strings.Replace(link, "/media/"+strconv.FormatInt(id, 10), "/media/"+strconv.FormatInt(id+1, 10), 1),
		"other tenant":                     strings.Replace(link, "/acme/", "/beta/", 1),
		"expired":                          strings.Replace(link, "exp="+q.Get("exp"), "exp=1700000000", 1),
		"no signature":                     u.Path,
		"thumbnail by full-size signature": link + "&v=thumb",
	}
	for name, l := range bad {
		if r := e.Client().Get(l); r.StatusCode != 404 {
			t.Errorf("%s: %d", name, r.StatusCode)
		}
	}
}

// TestWidgetPhotoUploadChecksBytesAndLimits: a visitor's photo is checked by its bytes (an HTML page
// renamed .jpg is refused), by size, by its canvas (a decompression bomb) and by the tenant's quota, with the same consent rule as a
// message; a refused upload stores nothing. A good photo reaches the operator's conversation.
func TestWidgetPhotoUploadChecksBytesAndLimits(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme")
	e.Set("acme", map[string]string{"consent_required": "true", "privacy_notice": "KVKK metni"})
	anon := e.Client()
	scenarios := []struct {
		name, file string
		data       []byte
		fields     map[string]string
		status     int
		code       string
	}{
		{"html renamed jpg", "photo.jpg", mediatest.HTML(), map[string]string{"consent": "true"}, 422, "bad_type"},
		{"svg", "logo.jpg", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), map[string]string{"consent": "true"}, 422, "bad_type"},
		{"pdf is not a photo", "plan.pdf", mediatest.PDF(), map[string]string{"consent": "true"}, 422, "bad_type"},
		{"over the photo limit", "big.jpg", append(mediatest.JPEG(10, 10), make([]byte, 5<<20)...), map[string]string{"consent": "true"}, 413, "too_large"},
		{"a 400-megapixel canvas in 100 bytes", "bomb.png", mediatest.HugePNG(20000, 20000), map[string]string{"consent": "true"}, 422, "too_many_pixels"},
		{"no file", "", nil, map[string]string{"consent": "true"}, 422, "empty"},
		{"no consent", "photo.jpg", mediatest.JPEG(50, 50), nil, 422, "consent_required"},
	}
	for _, s := range scenarios {
		r := postFile(anon, "/widget/api/acme/media?lang=tr", s.file, s.data, s.fields)
		var out struct{ Detail, Code string }
		_ = json.Unmarshal([]byte(r.Body), &out)
		if r.StatusCode != s.status || out.Code != s.code || out.Detail == "" || strings.Contains(out.Detail, "widget.err") {
			t.Errorf("%s: %d %s", s.name, r.StatusCode, r.Body)
		}
	}
	if n := countRows(t, e, "acme", `SELECT count(*) FROM messages`); n != 0 {
		t.Fatalf("refused uploads stored %d messages", n)
	}
	if n := countRows(t, e, "acme", `SELECT count(*) FROM attachments`); n != 0 {
		t.Fatalf("refused uploads stored %d attachments", n)
	}
	op := e.User("acme", "ayse", "operator")
	photo := mediatest.JPEG(640, 480)
	r := postFile(anon, "/widget/api/acme/media", "IMG_2041.jpg", photo, map[string]string{"consent": "true", "text": "Eski zemin"})
	if r.StatusCode != 201 {
		t.Fatalf("good photo: %d %s", r.StatusCode, r.Body)
	}
	var out struct {
		Token string `json:"token"`
		Conv  int64  `json:"conversation_id"`
		Att   int64  `json:"attachment_id"`
	}
	_ = json.Unmarshal([]byte(r.Body), &out)
	if out.Token == "" || out.Att == 0 {
		t.Fatalf("answer %s", r.Body)
	}
	var consent string
	_ = e.DB("acme").Read.QueryRow(`SELECT coalesce(l.consent_version,'') FROM leads l JOIN conversations c ON c.lead_id = l.id WHERE c.id = ?`, out.Conv).Scan(&consent)
	if consent == "" {
		t.Error("the photo's first post did not record the consent")
	}
	doc := op.Get(fmt.Sprintf("/app/inbox/%d/", out.Conv)).Doc(t)
	if doc.Find(fmt.Sprintf(`.msg-inbound img[src="/app/media/%d?v=thumb"]`, out.Att)).Length() != 1 || !strings.Contains(doc.Find(".msg-inbound").Text(), "Eski zemin") {
		t.Errorf("the operator does not see the visitor's photo")
	}
	// A second photo by the same visitor joins the thread.
	if r := postFile(anon, "/widget/api/acme/media", "b.png", mediatest.PNG(30, 30), map[string]string{"token": out.Token}); r.StatusCode != 201 {
		t.Fatalf("second photo: %d %s", r.StatusCode, r.Body)
	}
	// The quota: 0 MB keeps nothing more.
	e.Set("acme", map[string]string{"media_quota_mb": "0"})
	r = postFile(anon, "/widget/api/acme/media?lang=en", "c.jpg", mediatest.JPEG(70, 70), map[string]string{"token": out.Token})
	if r.StatusCode != 422 || !strings.Contains(r.Body, `"quota"`) {
		t.Errorf("over quota: %d %s", r.StatusCode, r.Body)
	}
	if n := countRows(t, e, "acme", `SELECT count(*) FROM attachments`); n != 2 {
		t.Errorf("%d attachments, want 2", n)
	}
}

// TestComposerRefusesWhatIsNotAPhotoOrPDF: the operator's attach form refuses other files in the
// operator's language and stores nothing; the settings page shows the quota in use.
func TestComposerRefusesWhatIsNotAPhotoOrPDF(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	owner := e.User("acme", "olga", "owner")
	owner.Header.Set("Accept-Language", "tr")
	_, conv := widgetThread(t, e, "acme", "Merhaba")
	r := postFile(owner, fmt.Sprintf("/app/inbox/%d/attach", conv), "teklif.pdf", mediatest.HTML(), nil)
	if r.StatusCode != 422 || !strings.Contains(r.Body, "Bu tür dosya burada kabul edilmiyor") {
		t.Fatalf("html as pdf: %d", r.StatusCode)
	}
	if n := countRows(t, e, "acme", `SELECT count(*) FROM messages WHERE direction = 'outbound' AND author_kind = 'user'`); n != 0 {
		t.Fatalf("a refused file stored %d messages", n)
	}
	if r := postFile(owner, fmt.Sprintf("/app/inbox/%d/attach", conv), "teklif.pdf", mediatest.PDF(), nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("pdf: %d %s", r.StatusCode, r.Body)
	}
	doc := owner.Get(fmt.Sprintf("/app/inbox/%d/", conv)).Doc(t)
	if got := doc.Find(".msg-outbound .msg-file-name").Text(); got != "teklif.pdf" {
		t.Errorf("document bubble shows %q", got)
	}
	if doc.Find(".msg-outbound:has(.msg-files) .msg-body").Length() != 0 {
		t.Error("the placeholder text shows next to the file")
	}
	set := owner.Get("/app/settings/").Doc(t)
	if set.Find("#media").Length() != 1 || !strings.Contains(set.Find("#media").Text(), "1 dosya") {
		t.Errorf("settings media section: %q", set.Find("#media").Text())
	}
	if r := owner.Post("/app/settings/profile", url.Values{"media_quota_mb": {"-3"}}); r.StatusCode != 422 {
		t.Errorf("negative quota: %d", r.StatusCode)
	}
}

// TestErasingALeadTakesItsFiles: the owner erases a person's files from the person's files page
// (a reason and a confirmation are required, else nothing goes); their photos and thumbnails
// leave the media database for good — the bytes are in neither the database file nor its log —
// while a photo another person also sent stays for them, and the action log names who and why.
func TestErasingALeadTakesItsFiles(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	shared := mediatest.JPEG(60, 60)
	post := func(name string, data []byte) int64 {
		r := postFile(e.Client(), "/widget/api/acme/media", name, data, nil)
		var out struct {
			Conv int64 `json:"conversation_id"`
		}
		_ = json.Unmarshal([]byte(r.Body), &out)
		if r.StatusCode != 201 {
			t.Fatalf("%d %s", r.StatusCode, r.Body)
		}
		return out.Conv
	}
	c1 := post("p.jpg", shared)
	c2 := post("p.jpg", shared)
	own := mediatest.PNG(20, 20)
	// The erased person also sent a photo of their own in the same visit.
	var lead1, lead2 int64
	_ = e.DB("acme").Read.QueryRow(`SELECT lead_id FROM conversations WHERE id = ?`, c1).Scan(&lead1)
	_ = e.DB("acme").Read.QueryRow(`SELECT lead_id FROM conversations WHERE id = ?`, c2).Scan(&lead2)
	op := e.User("acme", "olga", "operator")
	ctx := context.Background()
	prep, err := e.Handlers.Media.Prepare(ctx, "acme", own, "own.png", false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Handlers.InboxService.AddMessage(ctx, "acme", e.DB("acme"), c1, inbox.Outgoing{Direction: "inbound", Body: "[image: own.png]",
		Attach: func(ctx context.Context, tx *sql.Tx, id int64, cv *inbox.Conversation) error {
			_, err := prep.Attach(ctx, tx, id, cv.ID, cv.LeadID, cv.Channel)
			return err
		}}, ""); err != nil {
		t.Fatal(err)
	}
	owner := e.User("acme", "talha", "owner")
	page := "/app/media/lead/" + strconv.FormatInt(lead1, 10) + "/"
	if r := op.Get(page); r.StatusCode != http.StatusForbidden {
		t.Fatalf("an operator opened the erase page: %d", r.StatusCode)
	}
	if p := owner.Get("/app/inbox/" + strconv.FormatInt(c1, 10) + "/"); !strings.Contains(p.Body, page+"?conversation=") {
		t.Error("the conversation does not link the person's files for the owner")
	}
	if p := owner.Get(page); p.StatusCode != 200 || p.Doc(t).Find("#lead-files tbody tr").Length() != 2 || !strings.Contains(p.Body, "Saklanan dosya: 2 (") {
		t.Fatalf("files page: %d", p.StatusCode)
	}
	mdb, _ := e.Server.Mgr.Media(ctx, "acme")
	path := e.Server.Mgr.MediaPath("acme")
	// Windows of the own photo's bytes: at least one is found in the files before the erasure.
	onDisk := func() int {
		var all []byte
		for _, f := range []string{path, path + "-wal"} {
			b, _ := os.ReadFile(f)
			all = append(all, b...)
		}
		n := 0
		for i := 0; i+32 <= len(own); i += 32 {
			if bytes.Contains(all, own[i:i+32]) {
				n++
			}
		}
		return n
	}
	if onDisk() == 0 {
		t.Fatal("the own photo is not found on disk before erasing (the check could not fail)")
	}
	erase := page[:len(page)-1] + "/erase"
	for _, form := range []url.Values{{"reason": {"Müşteri istedi"}}, {"confirm": {"yes"}}, {"reason": {strings.Repeat("x", 501)}, "confirm": {"yes"}}} {
		if r := owner.Post(erase, form); r.StatusCode != 422 {
			t.Errorf("erase with %v: %d, want 422", form, r.StatusCode)
		}
	}
	if r := owner.Post(erase, url.Values{"reason": {"Müşteri istedi"}}); !strings.Contains(r.Body, "Dosyaların kalıcı olarak silineceğini onaylamak için kutuyu işaretleyin.") {
		t.Error("the missing confirmation is not said in Turkish")
	}
	if n := countRows(t, e, "acme", fmt.Sprintf(`SELECT count(*) FROM attachments WHERE lead_id = %d`, lead1)); n != 2 {
		t.Fatalf("a refused erase removed files: %d left", n)
	}
	if r := op.Post(erase, url.Values{"reason": {"x"}, "confirm": {"yes"}}); r.StatusCode != http.StatusForbidden {
		t.Fatalf("an operator erased: %d", r.StatusCode)
	}
	r := owner.Post(erase+"?conversation="+strconv.FormatInt(c1, 10), url.Values{"reason": {"Müşteri 2 Aralık'ta telefonla silinmesini istedi"}, "confirm": {"yes"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("erase: %d %s", r.StatusCode, r.Body)
	}
	if got := owner.Get(r.Header.Get("Location")); !strings.Contains(got.Body, "Silinen dosya: 2.") || got.Doc(t).Find("[data-no-files]").Length() != 1 {
		t.Error("the page does not say the files are gone")
	}
	if n := countRows(t, e, "acme", fmt.Sprintf(`SELECT count(*) FROM attachments WHERE lead_id = %d`, lead1)); n != 0 {
		t.Errorf("%d attachments of the erased lead left", n)
	}
	var blobs int
	_ = mdb.Read.QueryRow(`SELECT count(*) FROM blobs`).Scan(&blobs)
	if blobs != 2 { // the shared photo and its thumbnail, still named by the other person's message
		t.Errorf("%d blobs after erasing, want 2", blobs)
	}
	if n := onDisk(); n != 0 {
		t.Errorf("%d pieces of the erased photo are still in the media database files", n)
	}
	var who, why string
	_ = e.DB("acme").Read.QueryRow(`SELECT actor_name, input_excerpt FROM action_logs WHERE action_type = 'files_erased'`).Scan(&who, &why)
	if who != "talha" || why != "Müşteri 2 Aralık'ta telefonla silinmesini istedi" {
		t.Errorf("action log: %q %q", who, why)
	}
	if r := e.Client().Get("/app/media/1"); r.StatusCode == 200 {
		t.Error("a file served without a session")
	}
	if _, err := e.Handlers.Media.EraseLead(ctx, "acme", e.DB("acme"), lead2, nil); err != nil {
		t.Fatal(err)
	}
	_ = mdb.Read.QueryRow(`SELECT count(*) FROM blobs`).Scan(&blobs)
	if blobs != 0 {
		t.Errorf("%d blobs after erasing both senders of the shared photo, want 0", blobs)
	}
}
