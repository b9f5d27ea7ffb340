// Package mediatest makes the files the media tests send: a real JPEG carrying an EXIF block with a
// GPS position (and an XMP block with a place name), a PNG with an eXIf chunk, a small PDF, and an
// HTML page to be renamed .jpg.
package mediatest

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
)

// GPSMark and PlaceMark are written inside the metadata blocks of the test photos: a file served
// without location data contains neither.
const (
	GPSMark   = "GPSLatitude=41.0082N;GPSLongitude=28.9784E"
	PlaceMark = "photoshop:City=Istanbul-Kadikoy"
)

func picture(w, h int) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(x * 255 / w), uint8(y * 255 / h), 120, 255})
		}
	}
	return img
}

// JPEG is a w×h photo with an EXIF APP1 segment (a TIFF header whose GPS entry holds GPSMark) and
// an XMP APP1 segment (PlaceMark), as phones write them.
func JPEG(w, h int) []byte {
	var plain bytes.Buffer
	_ = jpeg.Encode(&plain, picture(w, h), &jpeg.Options{Quality: 85})
	b := plain.Bytes()
	exif := append([]byte("Exif\x00\x00MM\x00\x2a\x00\x00\x00\x08\x00\x01\x88\x25\x00\x04\x00\x00\x00\x01\x00\x00\x00\x1a"), []byte(GPSMark)...)
	xmp := append([]byte("http://ns.adobe.com/xap/1.0/\x00"), []byte(`<x:xmpmeta><rdf:Description `+PlaceMark+`/></x:xmpmeta>`)...)
	out := append([]byte{}, b[:2]...) // SOI
	out = append(out, segment(0xE1, exif)...)
	out = append(out, segment(0xE1, xmp)...)
	return append(out, b[2:]...)
}

func segment(marker byte, payload []byte) []byte {
	s := []byte{0xFF, marker, 0, 0}
	binary.BigEndian.PutUint16(s[2:], uint16(len(payload)+2))
	return append(s, payload...)
}

// PNG is a w×h image with an eXIf chunk holding GPSMark.
func PNG(w, h int) []byte {
	var plain bytes.Buffer
	_ = png.Encode(&plain, picture(w, h))
	b := plain.Bytes()
	// After the signature (8) and IHDR (8+13+4).
	at := 8 + 25
	out := append([]byte{}, b[:at]...)
	out = append(out, chunk("eXIf", append([]byte("MM\x00\x2a\x00\x00\x00\x08"), []byte(GPSMark)...))...)
	return append(out, b[at:]...)
}

func chunk(typ string, data []byte) []byte {
	c := make([]byte, 8, 12+len(data))
	binary.BigEndian.PutUint32(c, uint32(len(data)))
	copy(c[4:], typ)
	c = append(c, data...)
	crc := crc32.ChecksumIEEE(c[4:])
	return binary.BigEndian.AppendUint32(c, crc)
}

// HugePNG is a small file that declares a w×h canvas (a decompression bomb): the header says
// w×h, the pixel data is one empty compressed stream.
func HugePNG(w, h int) []byte {
	ihdr := binary.BigEndian.AppendUint32(binary.BigEndian.AppendUint32(nil, uint32(w)), uint32(h))
	ihdr = append(ihdr, 8, 2, 0, 0, 0) // 8-bit RGB
	out := []byte("\x89PNG\r\n\x1a\n")
	out = append(out, chunk("IHDR", ihdr)...)
	out = append(out, chunk("IDAT", []byte{0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01})...)
	return append(out, chunk("IEND", nil)...)
}

// PDF is a minimal one-page PDF.
func PDF() []byte {
	return []byte("%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n" +
		"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
}

// HTML is a web page with a script: sent as "photo.jpg", it must be refused.
func HTML() []byte {
	return []byte("<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>")
}
