package app_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"highvibe/app/apptest"
	"highvibe/app/i18n"
	"highvibe/app/media/mediatest"
)

// TestWidgetFileGoneSaysSoInTheVisitorsLanguage: a visitor opening a file link of their chat that
// no longer holds (expired, tampered, the file removed) got the bare English "404 page not found".
// The links the widget lists carry its language, and the answer is one sentence in it (the
// business's language for a link without one), still a 404.
func TestWidgetFileGoneSaysSoInTheVisitorsLanguage(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	anon := e.Client()
	r := postFile(anon, "/widget/api/acme/media?lang=ar", "IMG_2041.jpg", mediatest.JPEG(640, 480), map[string]string{"consent": "true", "lang": "ar"})
	if r.StatusCode != http.StatusCreated {
		t.Fatalf("photo: %d %s", r.StatusCode, r.Body)
	}
	var up struct {
		Token string `json:"token"`
	}
	_ = json.Unmarshal([]byte(r.Body), &up)
	var list struct {
		Messages []struct {
			Files []struct {
				URL      string `json:"url"`
				ThumbURL string `json:"thumb_url"`
			} `json:"files"`
		} `json:"messages"`
	}
	r = anon.Get("/widget/api/acme/messages?token=" + up.Token + "&lang=ar")
	if err := json.Unmarshal([]byte(r.Body), &list); err != nil || len(list.Messages) == 0 || len(list.Messages[0].Files) == 0 {
		t.Fatalf("messages: %v %s", err, r.Body)
	}
	link := list.Messages[0].Files[0].URL
	if !strings.Contains(link, "lang=ar") {
		t.Fatalf("the file link does not carry the widget's language: %s", link)
	}
	if r := anon.Get(link); r.StatusCode != http.StatusOK {
		t.Fatalf("the link itself: %d", r.StatusCode)
	}
	for _, c := range []struct{ link, lang string }{
		{strings.Replace(link, "sig=", "sig=x", 1), "ar"},                                           // tampered, or expired
		{strings.Replace(strings.Replace(link, "sig=", "sig=x", 1), "lang=ar", "lang=xx", 1), "tr"}, // no language the panel has: the business's
		{"/widget/api/acme/media/999999?exp=1&sig=x&lang=es", "es"},                                 // a file that is not there
	} {
		r := anon.Get(c.link)
		want := i18n.For(c.lang).T("media.widget_gone")
		if r.StatusCode != http.StatusNotFound || strings.TrimSpace(r.Body) != want || strings.Contains(r.Body, "page not found") {
			t.Errorf("%s: %d %.200q, want 404 %q", c.link, r.StatusCode, r.Body, want)
		}
	}
}
