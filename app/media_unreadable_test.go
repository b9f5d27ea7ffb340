package app_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/gif"
	"strings"
	"testing"

	"highvibe/app/apptest"
	"highvibe/app/media/mediatest"
)

// TestAPhotoThatIsNoPhotoIsCalledSo: a visitor's "GIF" that is words or a broken file, or a photo
// cut off halfway, is refused as a photo that cannot be read, in the visitor's language, and
// nothing is stored: a file that only started like a GIF was refused as "too many pixels (at most
// 40 megapixels), send a smaller copy" (its header read as a canvas of 26,740 × 29,545), and a
// photo cut off halfway was kept and showed as a broken picture. A real GIF is kept, and a real
// photo over 40 megapixels is still refused as too many pixels.
func TestAPhotoThatIsNoPhotoIsCalledSo(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	anon := e.Client()
	var g bytes.Buffer
	pal := image.NewPaletted(image.Rect(0, 0, 40, 30), []color.Color{color.Black, color.White})
	if err := gif.Encode(&g, pal, nil); err != nil {
		t.Fatal(err)
	}
	realGIF := g.Bytes()
	jpeg := mediatest.JPEG(640, 480)
	for _, s := range []struct {
		name, file string
		data       []byte
		code, tr   string
	}{
		{"words named .gif", "komik.gif", []byte("GIF89a this is not a picture at all, only words in a file"), "unreadable", "okuyabildiğimiz bir fotoğraf değil"},
		{"a GIF cut off", "kesik.gif", realGIF[:len(realGIF)/2], "unreadable", "okuyabildiğimiz bir fotoğraf değil"},
		{"a GIF whose canvas is 65,535 pixels square", "dev.gif", append([]byte("GIF89a\xff\xff\xff\xff\x00\x00\x00"), "\x2c\x00\x00\x00\x00\x10\x00\x10\x00\x00\x02\x02\x4c\x01\x00\x3b"...), "too_many_pixels", "piksel"},
		{"a photo cut off", "IMG_2041.jpg", jpeg[:len(jpeg)/3], "unreadable", "okuyabildiğimiz bir fotoğraf değil"},
		{"a 400-megapixel canvas", "bomb.png", mediatest.HugePNG(20000, 20000), "too_many_pixels", "piksel"},
	} {
		r := postFile(anon, "/widget/api/acme/media?lang=tr", s.file, s.data, map[string]string{"consent": "true"})
		var out struct{ Detail, Code string }
		_ = json.Unmarshal([]byte(r.Body), &out)
		if r.StatusCode != 422 || out.Code != s.code || !strings.Contains(out.Detail, s.tr) {
			t.Errorf("%s: %d %s", s.name, r.StatusCode, r.Body)
		}
	}
	if n := countRows(t, e, "acme", `SELECT count(*) FROM attachments`); n != 0 {
		t.Fatalf("refused uploads stored %d attachments", n)
	}
	// The same words in English, and a real GIF goes through.
	r := postFile(anon, "/widget/api/acme/media?lang=en", "komik.gif", []byte("GIF89a this is not a picture at all"), map[string]string{"consent": "true"})
	if !strings.Contains(r.Body, "This is not a photo we can read") {
		t.Errorf("english: %d %s", r.StatusCode, r.Body)
	}
	if r := postFile(anon, "/widget/api/acme/media", "ok.gif", realGIF, map[string]string{"consent": "true"}); r.StatusCode != 201 {
		t.Fatalf("a real GIF: %d %s", r.StatusCode, r.Body)
	}
	// The operator's composer says it in the panel's words too.
	owner := e.User("acme", "olga", "owner")
	owner.Header.Set("Accept-Language", "tr")
	_, conv := widgetThread(t, e, "acme", "Merhaba")
	if r := postFile(owner, fmt.Sprintf("/app/inbox/%d/attach", conv), "zemin.jpg", jpeg[:len(jpeg)/3], nil); r.StatusCode != 422 || !strings.Contains(r.Body, "okunabilen bir fotoğraf değil") {
		t.Errorf("composer, a photo cut off: %d", r.StatusCode)
	}
}
