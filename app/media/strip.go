package media

import (
	"bytes"
	"encoding/binary"
	"strings"
)

// StripLocation returns an image without its embedded metadata blocks, where cameras and phones
// write the place a photo was taken (EXIF GPS), the device and often the owner's name (XMP, IPTC):
// JPEG APP1 (Exif, XMP) and APP13 (Photoshop/IPTC) segments, PNG eXIf and text chunks, WebP EXIF
// and XMP chunks. The pixels are untouched. Other types, and anything it cannot walk safely, come
// back unchanged only when they cannot carry such blocks; a damaged JPEG/PNG/WebP comes back empty
// rather than with its metadata.
func StripLocation(data []byte, ct string) []byte {
	switch {
	case strings.HasPrefix(ct, "image/jpeg"):
		return stripJPEG(data)
	case strings.HasPrefix(ct, "image/png"):
		return stripPNG(data)
	case strings.HasPrefix(ct, "image/webp"):
		return stripWebP(data)
	}
	return data
}

func stripJPEG(b []byte) []byte {
	if len(b) < 4 || b[0] != 0xFF || b[1] != 0xD8 {
		return nil
	}
	out := make([]byte, 0, len(b))
	out = append(out, 0xFF, 0xD8)
	i := 2
	for i+4 <= len(b) {
		if b[i] != 0xFF {
			return nil
		}
		marker := b[i+1]
		if marker == 0xFF { // fill byte
			i++
			continue
		}
		if marker == 0xDA || marker == 0xD9 { // start of scan / end: the rest is image data
			return append(out, b[i:]...)
		}
		if marker >= 0xD0 && marker <= 0xD7 || marker == 0x01 { // markers without a length
			out = append(out, b[i:i+2]...)
			i += 2
			continue
		}
		n := int(binary.BigEndian.Uint16(b[i+2 : i+4]))
		if n < 2 || i+2+n > len(b) {
			return nil
		}
		seg := b[i : i+2+n]
		payload := seg[4:]
		drop := marker == 0xED || // APP13: Photoshop IRB / IPTC
			marker == 0xE1 && (bytes.HasPrefix(payload, []byte("Exif\x00")) || bytes.HasPrefix(payload, []byte("http://ns.adobe.com/")))
		if !drop {
			out = append(out, seg...)
		}
		i += 2 + n
	}
	return nil
}

var pngSig = []byte("\x89PNG\r\n\x1a\n")

func stripPNG(b []byte) []byte {
	if !bytes.HasPrefix(b, pngSig) {
		return nil
	}
	out := append(make([]byte, 0, len(b)), pngSig...)
	i := len(pngSig)
	for i+12 <= len(b) {
		n := int(binary.BigEndian.Uint32(b[i : i+4]))
		if n < 0 || i+12+n > len(b) {
			return nil
		}
		typ := string(b[i+4 : i+8])
		chunk := b[i : i+12+n]
		switch typ {
		case "eXIf", "tEXt", "zTXt", "iTXt":
		default:
			out = append(out, chunk...)
		}
		i += 12 + n
		if typ == "IEND" {
			return out
		}
	}
	return nil
}

func stripWebP(b []byte) []byte {
	if len(b) < 12 || string(b[0:4]) != "RIFF" || string(b[8:12]) != "WEBP" {
		return nil
	}
	out := append(make([]byte, 0, len(b)), b[:12]...)
	i := 12
	for i+8 <= len(b) {
		typ := string(b[i : i+4])
		n := int(binary.LittleEndian.Uint32(b[i+4 : i+8]))
		padded := n + n&1
		if n < 0 || i+8+n > len(b) {
			return nil
		}
		end := min(i+8+padded, len(b))
		chunk := b[i:end]
		switch typ {
		case "EXIF", "XMP ":
		case "VP8X":
			c := append([]byte(nil), chunk...)
			if len(c) > 8 {
				c[8] &^= 0x08 | 0x04 // the "has EXIF" and "has XMP" flags
			}
			out = append(out, c...)
		default:
			out = append(out, chunk...)
		}
		i = end
	}
	binary.LittleEndian.PutUint32(out[4:8], uint32(len(out)-8))
	return out
}
