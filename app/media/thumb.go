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

// decodesLater says whether a photo the thumbnail could not be made of is still a photo a browser
// shows: a WebP whose header reads (an animated one, which the decoder here does not draw).
func decodesLater(data []byte, ct string) bool {
	if baseType(ct) != "image/webp" {
		return false
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	return err == nil && cfg.Width > 0 && cfg.Height > 0
}

// gifFrames walks a GIF's blocks without decoding a pixel and reports whether it holds a whole
// first frame inside its canvas: the header alone says nothing (any file starting "GIF89a" has one).
func gifFrames(data []byte) bool {
	if len(data) < 13 {
		return false
	}
	sw, sh := int(data[6])|int(data[7])<<8, int(data[8])|int(data[9])<<8
	i := 13
	if data[10]&0x80 != 0 {
		i += 3 << (data[10]&7 + 1)
	}
	// subBlocks skips data sub-blocks from j; -1 when the file ends first.
	subBlocks := func(j int) int {
		for j < len(data) {
			n := int(data[j])
			j++
			if n == 0 {
				return j
			}
			j += n
		}
		return -1
	}
	for i < len(data) {
		switch data[i] {
		case 0x21: // an extension: its label, then sub-blocks
			if i = subBlocks(i + 2); i < 0 {
				return false
			}
		case 0x2C: // an image: its descriptor, colour table, LZW code size, then its data
			if i+10 > len(data) {
				return false
			}
			x, y := int(data[i+1])|int(data[i+2])<<8, int(data[i+3])|int(data[i+4])<<8
			w, h := int(data[i+5])|int(data[i+6])<<8, int(data[i+7])|int(data[i+8])<<8
			flags := data[i+9]
			i += 10
			if flags&0x80 != 0 {
				i += 3 << (flags&7 + 1)
			}
			if w == 0 || h == 0 || x+w > sw || y+h > sh || i >= len(data) || data[i] < 2 || data[i] > 11 {
				return false
			}
			return subBlocks(i+1) > 0
		default: // the trailer before any image, or bytes that are no block
			return false
		}
	}
	return false
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
