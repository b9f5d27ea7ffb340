package whatsapp_test

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"highvibe/app/apptest"
	"highvibe/app/jobs"
	"highvibe/app/media"
	"highvibe/app/media/mediatest"
)

// graph is a fake Graph API serving media as the Cloud API does: GET /<media-id> answers the
// metadata with a short-lived URL, GET on that URL the bytes; both need the bearer token. The
// answers are the shapes Meta documents (recorded from the Cloud API reference).
type graph struct {
	srv   *httptest.Server
	mu    sync.Mutex
	files map[string][]byte // media id → bytes
	mimes map[string]string
	fail  map[string]int // media id → how many more downloads answer 500
	calls []string
}

const graphToken = "EAAG-test-token"

func newGraph(t *testing.T) *graph {
	g := &graph{files: map[string][]byte{}, mimes: map[string]string{}, fail: map[string]int{}}
	g.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		g.mu.Lock()
		defer g.mu.Unlock()
		g.calls = append(g.calls, r.Method+" "+r.URL.Path)
		if r.Header.Get("Authorization") != "Bearer "+graphToken {
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, `{"error":{"message":"Invalid OAuth access token.","type":"OAuthException","code":190}}`)
			return
		}
		if id, ok := strings.CutPrefix(r.URL.Path, "/lookaside/"); ok {
			if g.fail[id] > 0 {
				g.fail[id]--
				w.WriteHeader(http.StatusInternalServerError)
				return
			}
			w.Header().Set("Content-Type", g.mimes[id])
			w.Write(g.files[id])
			return
		}
		id := strings.TrimPrefix(r.URL.Path, "/v21.0/")
		b, ok := g.files[id]
		if !ok {
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprintf(w, `{"error":{"message":"Unsupported get request. Object with ID '%s' does not exist","type":"GraphMethodException","code":100,"error_subcode":33}}`, id)
			return
		}
		fmt.Fprintf(w, `{"url":"%s/lookaside/%s","mime_type":%q,"sha256":"%s","file_size":%d,"id":%q,"messaging_product":"whatsapp"}`,
			g.srv.URL, id, g.mimes[id], media.Sum(b), len(b), id)
	}))
	t.Cleanup(g.srv.Close)
	return g
}

func (g *graph) put(id, mime string, b []byte) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.files[id], g.mimes[id] = b, mime
}

func mediaMsg(from, wamid, typ, mediaID, mime, extra string) string {
	return fmt.Sprintf(`{"from":%q,"id":%q,"timestamp":"1735689600","type":%q,%q:{"mime_type":%q,"sha256":"x","id":%q%s}}`,
		from, wamid, typ, typ, mime, mediaID, extra)
}

// mediaFixture is a WhatsApp tenant whose Graph API is the fake.
func mediaFixture(t *testing.T) (*fixture, *graph) {
	g := newGraph(t)
	f := setup(t, map[string]string{"whatsapp_access_token": graphToken, "whatsapp_api_base": g.srv.URL + "/v21.0"})
	return f, g
}

// waitMedia waits for n media events of the tenant (a file stored, refused or given up).
func waitMedia(t *testing.T, events <-chan struct{}, n int) {
	t.Helper()
	hang := time.After(apptest.HangBound) // only a bound for a broken runner
	for i := 0; i < n; i++ {
		select {
		case <-events:
		case <-hang:
			t.Fatalf("waited %s: only %d of %d files were handled", apptest.HangBound, i, n)
		}
	}
}

func mediaEvents(f *fixture) <-chan struct{} {
	ch, stop := f.e.Server.Live.Subscribe("acme")
	f.e.T.Cleanup(stop)
	out := make(chan struct{}, 64)
	go func() {
		for e := range ch {
			if e.Kind == "media" {
				out <- struct{}{}
			}
		}
	}()
	return out
}

type att struct {
	ID                    int64
	Kind, Status, Err, CT string
	Size                  int64
	SHA, Thumb, MsgBody   string
}

func attachment(t *testing.T, f *fixture, wamid string) att {
	t.Helper()
	var a att
	err := f.e.DB("acme").Read.QueryRow(`SELECT a.id, a.kind, a.status, a.error, a.content_type, a.size, a.sha256, a.thumb_sha256, m.body
		FROM attachments a JOIN messages m ON m.id = a.message_id WHERE m.provider_message_id = ?`, wamid).
		Scan(&a.ID, &a.Kind, &a.Status, &a.Err, &a.CT, &a.Size, &a.SHA, &a.Thumb, &a.MsgBody)
	if err != nil {
		t.Fatalf("attachment of %s: %v", wamid, err)
	}
	return a
}

func TestInboundMediaDownloadedCheckedAndKept(t *testing.T) {
	f, g := mediaFixture(t)
	photo, pdf := mediatest.JPEG(800, 600), mediatest.PDF()
	voice := append(append([]byte("OggS\x00\x02"), make([]byte, 22)...), "OpusHead\x01\x01 voice"...)
	g.put("1111", "image/jpeg", photo)
	g.put("2222", "application/pdf", pdf)
	g.put("3333", "image/jpeg", mediatest.HTML()) // a web page claiming to be a photo
	g.put("4444", "audio/ogg; codecs=opus", voice)
	g.put("5555", "image/jpeg", photo) // the same photo again: stored once
	events := mediaEvents(f)
	body := payload(
		mediaMsg("905321234567", "wamid.img", "image", "1111", "image/jpeg", `,"caption":"Bahçe, 200 m²"`),
		mediaMsg("905321234567", "wamid.doc", "document", "2222", "application/pdf", `,"filename":"kat planı.pdf"`),
		mediaMsg("905321234567", "wamid.fake", "image", "3333", "image/jpeg", ""),
		mediaMsg("905321234567", "wamid.voice", "audio", "4444", "audio/ogg; codecs=opus", `,"voice":true`),
		mediaMsg("971501234567", "wamid.again", "image", "5555", "image/jpeg", ""),
		mediaMsg("971501234567", "wamid.gone", "video", "9999", "video/mp4", ""),
	)
	if r := f.post(body, nil); r.StatusCode != 200 {
		t.Fatalf("webhook %d: %s", r.StatusCode, r.Body)
	}
	waitMedia(t, events, 6)

	img := attachment(t, f, "wamid.img")
	if img.Status != "stored" || img.CT != "image/jpeg" || img.Size != int64(len(photo)) || img.SHA != media.Sum(photo) || img.Thumb == "" {
		t.Errorf("photo: %+v", img)
	}
	if img.MsgBody != "Bahçe, 200 m²" {
		t.Errorf("caption: %q", img.MsgBody)
	}
	if d := attachment(t, f, "wamid.doc"); d.Status != "stored" || d.CT != "application/pdf" || d.MsgBody != "[document: kat planı.pdf]" {
		t.Errorf("document: %+v", d)
	}
	if v := attachment(t, f, "wamid.voice"); v.Status != "stored" || !strings.HasPrefix(v.CT, "audio/") {
		t.Errorf("voice note: %+v", v)
	}
	if x := attachment(t, f, "wamid.fake"); x.Status != "refused" || x.Err != "bad_type" || x.SHA != "" {
		t.Errorf("html posing as a photo: %+v", x)
	}
	if x := attachment(t, f, "wamid.gone"); x.Status != "failed" || x.Err != "download" {
		t.Errorf("unknown media id: %+v", x)
	}
	if again := attachment(t, f, "wamid.again"); again.Status != "stored" || again.SHA != img.SHA {
		t.Errorf("same photo again: %+v", again)
	}
	// Content-addressed: the photo sent twice is one row of the media database, next to the tenant file.
	mdb, err := f.e.Server.Mgr.Media(context.Background(), "acme")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(mdb.Path, "/tenants/acme.media.db") {
		t.Errorf("media database at %s", mdb.Path)
	}
	var n int
	_ = mdb.Read.QueryRow(`SELECT count(*) FROM blobs WHERE sha256 = ?`, img.SHA).Scan(&n)
	if n != 1 {
		t.Errorf("photo stored %d times", n)
	}
	// The message of a refused or failed file is kept, readable, and nothing more was asked of the job.
	if got := f.count(t, `SELECT count(*) FROM messages WHERE provider_message_id IN ('wamid.fake','wamid.gone')`); got != 2 {
		t.Errorf("%d of 2 messages kept", got)
	}
	// A job's row is closed just after its media event is published: wait for the running ones to
	// finish, then none may wait for another try.
	apptest.Await(t, f.e.DB("acme"), "the fetch jobs to finish running", func() bool {
		return f.count(t, `SELECT count(*) FROM jobs WHERE kind = 'media_fetch' AND status = 'running'`) == 0
	})
	if got := f.count(t, `SELECT count(*) FROM jobs WHERE kind = 'media_fetch' AND status = 'queued'`); got != 0 {
		t.Errorf("%d fetch jobs wait for another try", got)
	}
	// A replayed delivery fetches nothing again.
	if r := f.post(body, nil); r.StatusCode != 200 {
		t.Fatal(r.Status)
	}
	apptest.Settle(t, f.e.DB("acme"), "whatsapp_process")
	if got := f.count(t, `SELECT count(*) FROM attachments`); got != 6 {
		t.Errorf("%d attachments after a replay, want 6", got)
	}
}

func TestInboundMediaRetriedUntilItArrives(t *testing.T) {
	f, g := mediaFixture(t)
	photo := mediatest.JPEG(40, 30)
	g.put("7777", "image/jpeg", photo)
	g.mu.Lock()
	g.fail["7777"] = 1 // the CDN has a bad moment
	g.mu.Unlock()
	events := mediaEvents(f)
	if r := f.post(payload(mediaMsg("905321234567", "wamid.retry", "image", "7777", "image/jpeg", "")), nil); r.StatusCode != 200 {
		t.Fatal(r.Status)
	}
	db := f.e.DB("acme")
	// The first try fails and is scheduled again with backoff; the file stays pending.
	apptest.Await(t, db, "the first, failed try to be recorded", func() bool {
		var attempts int
		var status string
		_ = db.Read.QueryRow(`SELECT attempts, status FROM jobs WHERE kind = 'media_fetch'`).Scan(&attempts, &status)
		return attempts == 1 && status == "queued"
	})
	if a := attachment(t, f, "wamid.retry"); a.Status != "pending" {
		t.Fatalf("after a failed try: %+v", a)
	}
	// Bring the retry forward instead of waiting out the backoff.
	if _, err := db.Exec(context.Background(), `UPDATE jobs SET run_at = 0 WHERE kind = 'media_fetch'`); err != nil {
		t.Fatal(err)
	}
	jobs.Poke()
	waitMedia(t, events, 1)
	if a := attachment(t, f, "wamid.retry"); a.Status != "stored" || a.SHA != media.Sum(photo) {
		t.Errorf("after the retry: %+v", a)
	}
}

func TestInboundMediaWithoutTokenKeepsTheMessage(t *testing.T) {
	f := setup(t, nil)
	events := mediaEvents(f)
	if r := f.post(payload(mediaMsg("905321234567", "wamid.notoken", "image", "1234", "image/jpeg", "")), nil); r.StatusCode != 200 {
		t.Fatal(r.Status)
	}
	waitMedia(t, events, 1)
	if a := attachment(t, f, "wamid.notoken"); a.Status != "failed" || a.Err != "not_configured" || a.MsgBody != "[image]" {
		t.Errorf("%+v", a)
	}
}

// TestComposerSendsFileAsWhatsAppMedia: a PDF the operator attaches is uploaded to the business
// number's media (POST /<phone-id>/media) and sent as a document message naming that id, with its
// file name and the caption; the reply gets the wamid and shows sent.
func TestComposerSendsFileAsWhatsAppMedia(t *testing.T) {
	f, g := mediaFixture(t)
	f.e.Set("acme", map[string]string{"whatsapp_phone_number_id": "106540352242922"})
	var upload, send []byte
	var uploadType string
	g.srv.Config.Handler = func(prev http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			switch r.URL.Path {
			case "/v21.0/106540352242922/media":
				if r.Header.Get("Authorization") != "Bearer "+graphToken {
					w.WriteHeader(401)
					return
				}
				if err := r.ParseMultipartForm(32 << 20); err != nil {
					w.WriteHeader(400)
					return
				}
				file, fh, _ := r.FormFile("file")
				upload = make([]byte, fh.Size)
				file.Read(upload)
				uploadType = r.FormValue("type") + "|" + r.FormValue("messaging_product")
				fmt.Fprint(w, `{"id":"1037543291543636"}`)
			case "/v21.0/106540352242922/messages":
				buf := new(bytes.Buffer)
				buf.ReadFrom(r.Body)
				id := "wamid.text" + strconv.Itoa(len(buf.Bytes())) // the assistant's own reply goes here too
				if bytes.Contains(buf.Bytes(), []byte(`"type":"document"`)) {
					send, id = buf.Bytes(), "wamid.HBgMOTA1MzIxMjM0NTY3FQIAERgSQjk1"
				}
				fmt.Fprintf(w, `{"messaging_product":"whatsapp","contacts":[{"input":"905321234567","wa_id":"905321234567"}],"messages":[{"id":%q}]}`, id)
			default:
				prev.ServeHTTP(w, r)
			}
		})
	}(g.srv.Config.Handler)
	// Written just now: within WhatsApp's 24-hour window.
	hello := strings.Replace(textMsg("905321234567", "wamid.hello", "Fiyat teklifi alabilir miyim?"), "1735689600", strconv.FormatInt(time.Now().Unix(), 10), 1)
	if r := f.post(payload(hello), nil); r.StatusCode != 200 {
		t.Fatal(r.Status)
	}
	apptest.Settle(t, f.e.DB("acme"), "whatsapp_process")
	var conv int64
	if err := f.e.DB("acme").Read.QueryRow(`SELECT conversation_id FROM messages WHERE provider_message_id = 'wamid.hello'`).Scan(&conv); err != nil {
		t.Fatal(err)
	}
	op := f.e.User("acme", "ayse", "operator")
	pdf := mediatest.PDF()
	var b bytes.Buffer
	mw := multipartWriter(&b, "TKL-2026-0042.pdf", pdf, map[string]string{"body": "Teklifiniz ektedir"})
	req, _ := http.NewRequest("POST", f.e.URL+fmt.Sprintf("/app/inbox/%d/attach", conv), &b)
	req.Header.Set("Content-Type", mw)
	if r := op.Do(req); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("attach: %d %s", r.StatusCode, r.Body)
	}
	var status, pmid string
	apptest.Await(t, f.e.DB("acme"), "the file's delivery to end sent or failed", func() bool {
		_ = f.e.DB("acme").Read.QueryRow(`SELECT coalesce(delivery_status,''), coalesce(provider_message_id,'') FROM messages
			WHERE conversation_id = ? AND direction = 'outbound' AND author_kind = 'user'`, conv).Scan(&status, &pmid)
		return status == "sent" || status == "failed"
	})
	if status != "sent" || pmid != "wamid.HBgMOTA1MzIxMjM0NTY3FQIAERgSQjk1" {
		var e string
		_ = f.e.DB("acme").Read.QueryRow(`SELECT delivery_error FROM messages WHERE conversation_id = ? AND author_kind = 'user'`, conv).Scan(&e)
		var je string
		_ = f.e.DB("acme").Read.QueryRow(`SELECT group_concat(kind || ':' || status || ':' || last_error, ' / ') FROM jobs`).Scan(&je)
		t.Fatalf("delivery %q %q: %s; jobs %s", status, pmid, e, je)
	}
	if !bytes.Equal(upload, pdf) || uploadType != "application/pdf|whatsapp" {
		t.Errorf("upload: %d bytes, %s", len(upload), uploadType)
	}
	for _, want := range []string{`"type":"document"`, `"id":"1037543291543636"`, `"filename":"TKL-2026-0042.pdf"`, `"caption":"Teklifiniz ektedir"`, `"to":"905321234567"`} {
		if !bytes.Contains(send, []byte(want)) {
			t.Errorf("send body lacks %s: %s", want, send)
		}
	}
}

func multipartWriter(b *bytes.Buffer, name string, data []byte, fields map[string]string) string {
	w := multipart.NewWriter(b)
	for k, v := range fields {
		_ = w.WriteField(k, v)
	}
	fw, _ := w.CreateFormFile("file", name)
	fw.Write(data)
	w.Close()
	return w.FormDataContentType()
}
