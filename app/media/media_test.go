package media_test

import (
	"bytes"
	"image"
	_ "image/jpeg"
	_ "image/png"
	"strings"
	"testing"

	"highvibe/app/media"
	"highvibe/app/media/mediatest"
)

func TestStripLocationRemovesGPSAndKeepsThePicture(t *testing.T) {
	for _, c := range []struct {
		name, ct string
		data     []byte
	}{{"jpeg", "image/jpeg", mediatest.JPEG(64, 48)}, {"png", "image/png", mediatest.PNG(64, 48)}} {
		t.Run(c.name, func(t *testing.T) {
			if !bytes.Contains(c.data, []byte(mediatest.GPSMark)) {
				t.Fatal("the test photo carries no GPS block; the test proves nothing")
			}
			out := media.StripLocation(c.data, c.ct)
			if out == nil {
				t.Fatal("stripping failed")
			}
			for _, mark := range []string{mediatest.GPSMark, mediatest.PlaceMark, "Exif\x00"} {
				if bytes.Contains(out, []byte(mark)) {
					t.Errorf("served %s still carries %q", c.name, mark)
				}
			}
			a, _, err := image.Decode(bytes.NewReader(c.data))
			if err != nil {
				t.Fatal(err)
			}
			b, _, err := image.Decode(bytes.NewReader(out))
			if err != nil {
				t.Fatalf("stripped %s no longer decodes: %v", c.name, err)
			}
			if a.Bounds() != b.Bounds() || a.At(10, 10) != b.At(10, 10) {
				t.Errorf("pixels changed: %v %v", a.At(10, 10), b.At(10, 10))
			}
		})
	}
	if media.StripLocation([]byte("\xff\xd8\xff\xe1\xff\xffExif"), "image/jpeg") != nil {
		t.Error("a damaged JPEG came back instead of nothing")
	}
}

func TestSniffTrustsBytesNotNames(t *testing.T) {
	big := append(mediatest.JPEG(8, 8), make([]byte, 5<<20)...)
	scenarios := []struct {
		name, kind string
		data       []byte
		ct, code   string
	}{
		{"jpeg photo", "image", mediatest.JPEG(32, 32), "image/jpeg", ""},
		{"png photo", "image", mediatest.PNG(32, 32), "image/png", ""},
		{"html named .jpg", "image", mediatest.HTML(), "", "bad_type"},
		{"svg image", "image", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), "", "bad_type"},
		{"pdf as image", "image", mediatest.PDF(), "", "bad_type"},
		{"pdf document", "document", mediatest.PDF(), "application/pdf", ""},
		{"html document", "document", mediatest.HTML(), "", "bad_type"},
		{"photo over 5 MB", "image", big, "", "too_large"},
		{"empty", "audio", nil, "", "empty"},
		{"ogg voice note", "audio", append(append([]byte("OggS\x00\x02"), make([]byte, 22)...), "OpusHead\x01\x01"...), "audio/ogg", ""},
		{"unknown kind", "hologram", mediatest.PDF(), "", "bad_type"},
	}
	for _, s := range scenarios {
		ct, err := media.Sniff(s.kind, s.data)
		if got := media.RefusalCode(err); got != s.code || (s.code == "" && !strings.HasPrefix(ct, s.ct)) {
			t.Errorf("%s: got %q refusal %q, want %q refusal %q (err %v)", s.name, ct, got, s.ct, s.code, err)
		}
	}
	if k, ct, err := media.SniffUpload(mediatest.PDF(), true); err != nil || k != "document" || ct != "application/pdf" {
		t.Errorf("pdf upload: %s %s %v", k, ct, err)
	}
	if _, _, err := media.SniffUpload(mediatest.PDF(), false); media.RefusalCode(err) != "bad_type" {
		t.Errorf("a pdf where only photos are allowed: %v", err)
	}
}

func TestThumbnailIsSmallAndClean(t *testing.T) {
	th := media.Thumbnail(mediatest.JPEG(1600, 900), "image/jpeg")
	if th == nil {
		t.Fatal("no thumbnail")
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(th))
	if err != nil || format != "jpeg" || cfg.Width != media.ThumbSide || cfg.Height != 270 {
		t.Fatalf("thumbnail %s %dx%d %v", format, cfg.Width, cfg.Height, err)
	}
	if bytes.Contains(th, []byte(mediatest.GPSMark)) {
		t.Error("thumbnail carries the GPS block")
	}
}
