package media

import (
	"mime"
	"strings"

	"github.com/gabriel-vasile/mimetype"
)

// rule is what a kind of attachment may be: the largest size and the content types its bytes may
// turn out to be.
type rule struct {
	max   int64
	types []string
}

// rules are the per-kind limits. They follow WhatsApp's own (images 5 MB, audio and video 16 MB,
// stickers 500 KB animated), documents are held to 25 MB, and only types a browser shows safely
// or a person downloads on purpose are kept: never HTML, SVG, scripts or programs, whatever name
// the file carries.
var rules = map[string]rule{
	KindImage:    {max: 5 << 20, types: []string{"image/jpeg", "image/png", "image/webp", "image/gif"}},
	KindSticker:  {max: 512 << 10, types: []string{"image/webp", "image/png"}},
	KindAudio:    {max: 16 << 20, types: []string{"audio/ogg", "audio/opus", "audio/mpeg", "audio/mp4", "audio/x-m4a", "audio/aac", "audio/amr", "audio/wav", "audio/webm", "video/webm"}},
	KindVideo:    {max: 16 << 20, types: []string{"video/mp4", "video/3gpp", "video/webm", "video/quicktime"}},
	KindDocument: {max: 25 << 20, types: documentTypes},
}

var documentTypes = []string{"application/pdf", "text/plain", "text/csv",
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	"application/vnd.openxmlformats-officedocument.presentationml.presentation",
	"application/msword", "application/vnd.ms-excel", "application/vnd.ms-powerpoint", "application/x-ole-storage",
	"application/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.spreadsheet",
	"image/jpeg", "image/png", "image/webp", "image/gif"}

// MaxSize is the largest file of kind (0 for an unknown kind).
func MaxSize(kind string) int64 { return rules[kind].max }

// ValidKind reports whether kind is one of the attachment kinds.
func ValidKind(kind string) bool { _, ok := rules[kind]; return ok }

// Sniff finds what the bytes really are (magic numbers, never the file name or the declared
// type) and checks it against the kind's rule. It returns the content type to store and serve,
// or a Refusal (too_large, bad_type, empty).
func Sniff(kind string, data []byte) (string, error) {
	r, ok := rules[kind]
	if !ok {
		return "", &Refusal{ErrCodeBadType}
	}
	return sniffRule(r, data)
}

// isHEIC reports whether data is a HEIC/HEIF picture (an iPhone camera's own format).
func isHEIC(m *mimetype.MIME) bool {
	for _, t := range []string{"image/heic", "image/heif", "image/heic-sequence", "image/heif-sequence"} {
		if m.Is(t) {
			return true
		}
	}
	return false
}

// sniffRule is Sniff against the rule r.
func sniffRule(r rule, data []byte) (string, error) {
	switch {
	case len(data) == 0:
		return "", &Refusal{ErrCodeEmpty}
	case int64(len(data)) > r.max:
		return "", &Refusal{ErrCodeTooLarge}
	}
	m := mimetype.Detect(data)
	for _, t := range r.types {
		if m.Is(t) {
			return canonicalType(t, m), nil
		}
	}
	return "", &Refusal{ErrCodeBadType}
}

// canonicalType is the type served for a match: the rule's own name, with the charset for text.
func canonicalType(t string, m *mimetype.MIME) string {
	if strings.HasPrefix(t, "text/") {
		return t + "; charset=utf-8"
	}
	if t == "application/x-ole-storage" { // an old Office file; browsers only download it
		return "application/octet-stream"
	}
	if base, _, err := mime.ParseMediaType(m.String()); err == nil && base == t {
		return base
	}
	return t
}

// PhotoMax is the largest photo a person uploads in the panel where nothing holds it smaller: a
// phone camera's JPEG is often 6–12 MB. The composer holds a photo to the conversation's channel's
// own limit when it has one (WhatsApp's 5 MB: channel.Info.PhotoMax), and to this one otherwise
// (the chat widget, e-mail, a call or visit logged by hand).
const PhotoMax = 15 << 20

// SitePhotoMax is the largest photo a team member keeps from a site visit (the visit outcome);
// such a photo stays in the panel.
const SitePhotoMax = PhotoMax

// SniffUpload checks a file a person uploads (the composer, the widget): a photo (JPEG, PNG,
// WebP, GIF) is an image, a PDF a document, when docs is true; anything else is refused as
// bad_type whatever its name says (heic for an iPhone's HEIC photo, so the refusal can name it).
func SniffUpload(data []byte, docs bool) (kind, ct string, err error) {
	return sniffUpload(data, docs, rules[KindImage].max)
}

// sniffUpload is SniffUpload with photos allowed up to imageMax bytes. The type is found before
// the size is weighed, so a PDF is held to the documents' limit, not the photos'.
func sniffUpload(data []byte, docs bool, imageMax int64) (kind, ct string, err error) {
	if len(data) == 0 {
		return "", "", &Refusal{ErrCodeEmpty}
	}
	size := int64(len(data))
	m := mimetype.Detect(data)
	for _, t := range rules[KindImage].types {
		if m.Is(t) {
			if size > imageMax {
				return "", "", &Refusal{ErrCodeTooLarge}
			}
			return KindImage, canonicalType(t, m), nil
		}
	}
	max := imageMax
	switch {
	case isHEIC(m):
		return "", "", &Refusal{ErrCodeHEIC}
	case docs && m.Is(uploadDocument):
		if size > rules[KindDocument].max {
			return "", "", &Refusal{ErrCodeTooLarge}
		}
		return KindDocument, "application/pdf", nil
	case docs:
		max = rules[KindDocument].max
	}
	if size > max {
		return "", "", &Refusal{ErrCodeTooLarge}
	}
	return "", "", &Refusal{ErrCodeBadType}
}

// uploadDocument is the one document a person may upload where documents are taken (the
// conversation's attach form): a PDF.
const uploadDocument = "application/pdf"

// uploadNames are the names a reader knows the upload types by.
var uploadNames = map[string]string{"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WebP", "image/gif": "GIF", uploadDocument: "PDF"}

// UploadTypes are the content types SniffUpload takes: the photos, and a PDF when docs is true.
// A form's accept attribute (UploadAccept) and its refusal (UploadNames) are made from it, so
// neither promises a file the check refuses.
func UploadTypes(docs bool) []string {
	types := append([]string(nil), rules[KindImage].types...)
	if docs {
		types = append(types, uploadDocument)
	}
	return types
}

// UploadAccept is UploadTypes as a file input's accept attribute.
func UploadAccept(docs bool) string { return strings.Join(UploadTypes(docs), ",") }

// UploadNames is UploadTypes as a reader names them: "JPEG, PNG, WebP, GIF, PDF".
func UploadNames(docs bool) string {
	types := UploadTypes(docs)
	names := make([]string, len(types))
	for i, t := range types {
		names[i] = uploadNames[t]
	}
	return strings.Join(names, ", ")
}
