package media

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"strings"

	xdraw "golang.org/x/image/draw"
	"golang.org/x/image/webp"
)

// ThumbSide is the longest side of a thumbnail, in pixels: sharp in a chat bubble on a phone.
const ThumbSide = 480

// maxPixels bounds the images we decode (a small file can claim a huge canvas: a decompression
// bomb); a larger image is kept and shown without a thumbnail.
const maxPixels = 40_000_000

// overCanvas reports whether an image declares more than maxPixels pixels (read from its header
// only, nothing is decoded).
func overCanvas(data []byte) bool {
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	return err == nil && int64(cfg.Width)*int64(cfg.Height) > maxPixels
}

// Thumbnail makes a small JPEG of an image for the chat bubble. Being a new encoding of the pixels
// only, it carries none of the original's metadata. It returns nil when the image cannot or need
// not be decoded (unknown type, too many pixels, damaged).
func Thumbnail(data []byte, ct string) []byte {
	if decoders[baseType(ct)] == nil {
		return nil
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil && !errors.Is(err, image.ErrFormat) {
		return nil
	}
	if err == nil && (cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width*cfg.Height > maxPixels) {
		return nil
	}
	src, err := decodeImage(data, ct)
	if err != nil {
		return nil
	}
	b := src.Bounds()
	w, h := b.Dx(), b.Dy()
	if w <= 0 || h <= 0 || w*h > maxPixels {
		return nil
	}
	if w > ThumbSide || h > ThumbSide {
		if w >= h {
			w, h = ThumbSide, max(1, h*ThumbSide/w)
		} else {
			w, h = max(1, w*ThumbSide/h), ThumbSide
		}
	}
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	// Transparent parts (PNG, stickers) show on white, as in the bubble.
	xdraw.Draw(dst, dst.Bounds(), &image.Uniform{color.White}, image.Point{}, xdraw.Src)
	xdraw.ApproxBiLinear.Scale(dst, dst.Bounds(), src, b, xdraw.Over, nil)
	var out bytes.Buffer
	if err := jpeg.Encode(&out, dst, &jpeg.Options{Quality: 80}); err != nil {
		return nil
	}
	return out.Bytes()
}

// decoders read the image types kept as photos.
var decoders = map[string]func([]byte) (image.Image, error){
	"image/jpeg": func(b []byte) (image.Image, error) { return jpeg.Decode(bytes.NewReader(b)) },
	"image/png":  func(b []byte) (image.Image, error) { return png.Decode(bytes.NewReader(b)) },
	"image/gif":  func(b []byte) (image.Image, error) { return gif.Decode(bytes.NewReader(b)) },
	"image/webp": func(b []byte) (image.Image, error) { return webp.Decode(bytes.NewReader(b)) },
}

func baseType(ct string) string { return strings.TrimSpace(strings.Split(ct, ";")[0]) }

// decodeImage decodes a photo of content type ct (callers bound its canvas first).
func decodeImage(data []byte, ct string) (image.Image, error) {
	d := decoders[baseType(ct)]
	if d == nil {
		return nil, image.ErrFormat
	}
	return d(data)
}
