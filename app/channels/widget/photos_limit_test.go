package widget_test

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"testing"

	"highvibe/app/apptest"
	"highvibe/app/media/mediatest"
)

// TestAFewPhotosAndWordsAreNotAFlood: a customer who writes, sends eight photos of the garden one
// by one and writes twice more is answered 201 every time: the photos and the messages shared
// one allowance of five at once, so the sixth post of the minute was refused as "too many
// messages". Photos have their own allowance now, and each is still bounded: a visitor who keeps
// sending photos, or keeps writing, gets 429 with Retry-After.
func TestAFewPhotosAndWordsAreNotAFlood(t *testing.T) {
	e := apptest.New(t)
	e.Tenant("acme")
	c := e.Client()
	text := func(tok, words string) *apptest.Resp {
		return c.PostJSON("/widget/api/acme/messages", []byte(fmt.Sprintf(`{"text":%q,"token":%q}`, words, tok)), nil)
	}
	photo := func(tok string, n int) *apptest.Resp {
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		_ = mw.WriteField("token", tok)
		fw, _ := mw.CreateFormFile("file", fmt.Sprintf("IMG_%d.jpg", n))
		fw.Write(mediatest.JPEG(40+n, 30)) // each photo its own bytes
		mw.Close()
		req, _ := http.NewRequest("POST", e.URL+"/widget/api/acme/media", &b)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		return c.Do(req)
	}
	r := c.PostJSON("/widget/api/acme/messages", []byte(`{"text":"Merhaba, bahçemin fotoğraflarını gönderiyorum"}`), nil)
	if r.StatusCode != 201 {
		t.Fatalf("first message: %d %s", r.StatusCode, r.Body)
	}
	tok := decode(t, r)["token"].(string)
	for i := range 8 {
		if r := photo(tok, i); r.StatusCode != 201 {
			t.Fatalf("photo %d of 8 (post %d): %d %s", i+1, i+2, r.StatusCode, r.Body)
		}
	}
	for _, words := range []string{"Bunlar arka taraf", "Yaklaşık 120 m²"} {
		if r := text(tok, words); r.StatusCode != 201 {
			t.Fatalf("%q after eight photos: %d %s", words, r.StatusCode, r.Body)
		}
	}
	// A flood of photos is still stopped.
	limited := false
	for i := 8; i < 14 && !limited; i++ {
		r := photo(tok, i)
		limited = r.StatusCode == 429 && r.Header.Get("Retry-After") != ""
		if !limited && r.StatusCode != 201 {
			t.Fatalf("photo %d: %d %s", i+1, r.StatusCode, r.Body)
		}
	}
	if !limited {
		t.Fatal("fourteen photos at once were all taken")
	}
	// And so is a flood of words.
	limited = false
	for i := range 6 {
		r := text(tok, fmt.Sprintf("mesaj %d", i))
		limited = r.StatusCode == 429 && r.Header.Get("Retry-After") != ""
		if !limited && r.StatusCode != 201 {
			t.Fatalf("message %d: %d %s", i, r.StatusCode, r.Body)
		}
		if limited {
			break
		}
	}
	if !limited {
		t.Fatal("nine messages at once were all taken")
	}
}
