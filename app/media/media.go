// Package media is the photos-and-files room (guide: 38-photos-and-files.md). It keeps the bytes
// of every file a customer or an operator sends in the tenant's media database
// (tenants/<slug>.media.db, content-addressed by SHA-256, each content once) and, in the tenant
// file, one attachments row per file saying which message it belongs to and whether it is there
// yet. Channels hand it inbound files (a media_fetch job downloads them, with retries, in the
// customer lane), the composer and the widget hand it uploads; it checks the real type of the
// bytes (never the declared name), the per-kind size limits and the tenant's quota, makes a
// thumbnail, and serves files only to the tenant's own users (and, through signed short-lived
// links, to the widget visitor of that conversation), without the location data of photos.
package media

import (
	"errors"
	"log/slog"

	"highvibe/app/live"
	"highvibe/app/platform"
	"highvibe/app/tenantdb"
)

// Kinds of attachment, as WhatsApp names them; the schema allows exactly these.
const (
	KindImage    = "image"
	KindDocument = "document"
	KindAudio    = "audio"
	KindVideo    = "video"
	KindSticker  = "sticker"
)

// Attachment states.
const (
	StatusPending = "pending" // waiting for its download
	StatusStored  = "stored"  // the bytes are in the media database
	StatusFailed  = "failed"  // the download kept failing (or the channel is not set up)
	StatusRefused = "refused" // wrong type, too large or over the quota: never stored
)

// Refusal codes (attachments.error and the widget's error codes); the catalogs word them as
// media.err.<code>.
const (
	ErrCodeTooLarge      = "too_large"
	ErrCodeBadType       = "bad_type"
	ErrCodeQuota         = "quota"
	ErrCodeDownload      = "download"
	ErrCodeNotConfigured = "not_configured"
	ErrCodeEmpty         = "empty"
	ErrCodeTooManyPixels = "too_many_pixels" // an upload whose canvas is over maxPixels
	ErrCodeHEIC          = "heic"            // an upload in Apple's HEIC/HEIF format, which browsers cannot show
	ErrCodeUnreadable    = "unreadable"      // an upload that names itself a photo but whose pixels cannot be read
)

// Refusal is a file that may not be kept; Code is one of the ErrCode constants.
type Refusal struct{ Code string }

func (r *Refusal) Error() string { return "media: refused: " + r.Code }

// RefusalCode returns the refusal code of err, or "" when err is not a refusal.
func RefusalCode(err error) string {
	var r *Refusal
	if errors.As(err, &r) {
		return r.Code
	}
	return ""
}

// DefaultQuotaMB is the media quota of a tenant that has not set media_quota_mb.
const DefaultQuotaMB = 1024

// Service is the media room's service; app/serve.go builds one and hands it to the channels, the
// inbox and the route table.
type Service struct {
	Mgr      *tenantdb.Manager
	Platform *platform.Service
	Live     *live.Hub
	Log      *slog.Logger
	// Fetchers download an inbound file of a channel (by the channel's code); app/channels
	// registers WhatsApp's and Telegram's.
	Fetchers map[string]Fetcher
}
