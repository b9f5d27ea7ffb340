package media

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"highvibe/app/jobs"
	"highvibe/app/live"
	"highvibe/app/tenantdb"
)

// Fetcher downloads one inbound file of a channel: setting reads the tenant's settings (tokens,
// API base), sourceID is the channel's id of the file, max the largest size the kind allows (a
// fetcher stops reading beyond it and returns a *Refusal{too_large}). A *NotConfigured error
// says the channel is not set up (the file is marked failed at once); jobs.Permanent says
// retrying cannot help; any other error is retried.
type Fetcher func(ctx context.Context, setting func(string) string, sourceID string, max int64) (data []byte, err error)

// Gone is what a Fetcher returns when the provider says the file is not there (any more): an
// expired media id, a 4xx answer. Retrying cannot help.
type Gone struct{ Err error }

func (e *Gone) Error() string { return "media: gone: " + e.Err.Error() }
func (e *Gone) Unwrap() error { return e.Err }

// NotConfigured is what a Fetcher returns when the tenant has not set the channel up.
type NotConfigured struct{ What string }

func (e *NotConfigured) Error() string { return "media: not configured: " + e.What }

// QuotaBytes is the tenant's media quota (setting media_quota_mb; 0 = no files kept at all).
func QuotaBytes(setting func(string) string) int64 {
	mb, err := strconv.ParseInt(strings.TrimSpace(setting("media_quota_mb")), 10, 64)
	if err != nil || mb < 0 {
		mb = DefaultQuotaMB
	}
	return mb << 20
}

// Usage is how much of its quota a tenant uses, for the settings page.
type Usage struct {
	Used, Quota int64
	Files       int64
}

// Percent is the used share of the quota, 0–100.
func (u Usage) Percent() int64 {
	if u.Quota <= 0 {
		return 100
	}
	return min(100, u.Used*100/u.Quota)
}

// UsageOf reads a tenant's media usage. A tenant without a media file uses nothing (and the file
// is not created by looking).
func (s *Service) UsageOf(ctx context.Context, slug string, db *tenantdb.DB, setting func(string) string) (Usage, error) {
	u := Usage{Quota: QuotaBytes(setting)}
	if err := db.Read.QueryRowContext(ctx, `SELECT count(*) FROM attachments WHERE status = 'stored'`).Scan(&u.Files); err != nil {
		return u, fmt.Errorf("media: usage: %w", err)
	}
	if u.Files == 0 {
		return u, nil
	}
	mdb, err := s.Mgr.Media(ctx, slug)
	if err != nil {
		return u, err
	}
	u.Used, err = usedBytes(ctx, mdb)
	return u, err
}

// Prepared is a file checked and kept in the media database, waiting to be attached to the
// message that carries it (Attach, in that message's transaction).
type Prepared struct {
	Kind, ContentType, Filename, SHA256, ThumbSHA256 string
	Size                                             int64
}

// keep checks data as kind (kind "" = an upload: a photo, or a PDF when docs), enforces the quota
// and stores the bytes and the thumbnail. A file already kept costs no quota.
func (s *Service) keep(ctx context.Context, slug, kind string, data []byte, docs bool) (*Prepared, error) {
	return s.keepUpTo(ctx, slug, kind, data, docs, MaxSize(KindImage))
}

// keepUpTo is keep with an upload's photos allowed up to imageMax bytes.
func (s *Service) keepUpTo(ctx context.Context, slug, kind string, data []byte, docs bool, imageMax int64) (*Prepared, error) {
	var ct string
	var err error
	upload := kind == ""
	if upload {
		kind, ct, err = sniffUpload(data, docs, imageMax)
	} else {
		ct, err = Sniff(kind, data)
	}
	if err != nil {
		return nil, err
	}
	if upload && kind == KindImage && overCanvas(data) {
		// A person's upload (composer, widget) over the canvas limit is refused: the viewer's
		// phone would have to decode it. Files from the channels are kept without a thumbnail.
		// A GIF's header is its first ten bytes: any file that starts "GIF89a" declares a canvas,
		// words or a broken file a huge one, and that is no photo at all.
		if ct == "image/gif" && !gifFrames(data) {
			return nil, &Refusal{ErrCodeUnreadable}
		}
		return nil, &Refusal{ErrCodeTooManyPixels}
	}
	t, err := s.Platform.TenantBySlug(ctx, slug)
	if err != nil {
		return nil, err
	}
	mdb, err := s.Mgr.Media(ctx, slug)
	if err != nil {
		return nil, err
	}
	p := &Prepared{Kind: kind, ContentType: ct, Size: int64(len(data)), SHA256: Sum(data)}
	var thumb []byte
	if strings.HasPrefix(ct, "image/") {
		thumb = Thumbnail(data, ct)
	}
	if upload && kind == KindImage && thumb == nil && !decodesLater(data, ct) {
		// A person's photo whose pixels cannot be read (cut off, damaged, or only a photo's
		// first bytes) is refused as such: kept, it showed as a broken picture in the bubble.
		return nil, &Refusal{ErrCodeUnreadable}
	}
	known, err := hasBlob(ctx, mdb, p.SHA256)
	if err != nil {
		return nil, err
	}
	if !known {
		used, err := usedBytes(ctx, mdb)
		if err != nil {
			return nil, err
		}
		if used+int64(len(data)+len(thumb)) > QuotaBytes(t.Setting) {
			return nil, &Refusal{ErrCodeQuota}
		}
		if _, err := putBlob(ctx, mdb, data, ct); err != nil {
			return nil, err
		}
	}
	if thumb != nil {
		if p.ThumbSHA256, err = putBlob(ctx, mdb, thumb, "image/jpeg"); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// Prepare checks and keeps a file a person uploads (the composer, the widget): a photo, or also
// a PDF when docs is true. A *Refusal names what is wrong (too_large, bad_type, quota, empty).
func (s *Service) Prepare(ctx context.Context, slug string, data []byte, filename string, docs bool) (*Prepared, error) {
	p, err := s.keep(ctx, slug, "", data, docs)
	if err != nil {
		return nil, err
	}
	p.Filename = cleanName(filename)
	return p, nil
}

// PrepareUpTo is Prepare with photos allowed up to photoMax bytes: the composer's file, held to
// the limit of the channel it goes out on.
func (s *Service) PrepareUpTo(ctx context.Context, slug string, data []byte, filename string, docs bool, photoMax int64) (*Prepared, error) {
	p, err := s.keepUpTo(ctx, slug, "", data, docs, photoMax)
	if err != nil {
		return nil, err
	}
	p.Filename = cleanName(filename)
	return p, nil
}

// PrepareSitePhoto is Prepare for a photo a team member took on site (a visit's outcome): up to
// SitePhotoMax, since it stays in the panel and is never sent to a channel.
func (s *Service) PrepareSitePhoto(ctx context.Context, slug string, data []byte, filename string) (*Prepared, error) {
	p, err := s.keepUpTo(ctx, slug, "", data, false, SitePhotoMax)
	if err != nil {
		return nil, err
	}
	p.Filename = cleanName(filename)
	return p, nil
}

// PrepareKind is Prepare for a file of a known kind (a quote PDF as a document, for instance).
func (s *Service) PrepareKind(ctx context.Context, slug, kind string, data []byte, filename string) (*Prepared, error) {
	p, err := s.keep(ctx, slug, kind, data, false)
	if err != nil {
		return nil, err
	}
	p.Filename = cleanName(filename)
	return p, nil
}

// Attach links a prepared file to the message that carries it, in that message's transaction.
func (p *Prepared) Attach(ctx context.Context, tx Execer, messageID, conversationID, leadID int64, channel string) (int64, error) {
	return insertStored(ctx, tx, &Attachment{MessageID: messageID, ConversationID: conversationID, LeadID: leadID, Channel: channel,
		Kind: p.Kind, Filename: p.Filename, ContentType: p.ContentType, Size: p.Size, SHA256: p.SHA256, ThumbSHA256: p.ThumbSHA256})
}

// Placeholder is the text a message carrying only a file shows where words would be
// ("[image: plan.pdf]"), as the WhatsApp channel writes it for inbound files.
func Placeholder(kind, filename string) string {
	if filename != "" {
		return "[" + kind + ": " + filename + "]"
	}
	return "[" + kind + "]"
}

// HandleFetch is the media_fetch job: download the file with the channel's fetcher, check and keep
// it, and tell the open conversation. A refusal (type, size, quota) or a channel that is not set up
// ends the job at once with the file marked; a download that keeps failing marks it failed after
// the last try. The message is never touched.
func (s *Service) HandleFetch(ctx context.Context, j *jobs.Job) error {
	var pl struct {
		AttachmentID int64 `json:"attachment_id"`
	}
	if err := j.Decode(&pl); err != nil || pl.AttachmentID == 0 {
		return jobs.Permanent(fmt.Errorf("media: fetch payload: %v", err))
	}
	a, err := ByID(ctx, j.DB.Read, pl.AttachmentID)
	if errors.Is(err, tenantdb.ErrNotFound) {
		return nil // erased meanwhile
	}
	if err != nil {
		return err
	}
	if a.Status != StatusPending {
		return nil
	}
	fetch := s.Fetchers[a.Channel]
	if fetch == nil {
		return s.notKept(ctx, j, a, StatusFailed, ErrCodeNotConfigured, jobs.Permanent(fmt.Errorf("media: no fetcher for %s", a.Channel)))
	}
	t, err := s.Platform.TenantBySlug(ctx, j.Tenant)
	if err != nil {
		return err
	}
	data, err := fetch(ctx, t.Setting, a.SourceID, MaxSize(a.Kind))
	var nc *NotConfigured
	switch {
	case errors.As(err, &nc):
		return s.notKept(ctx, j, a, StatusFailed, ErrCodeNotConfigured, jobs.Permanent(err))
	case RefusalCode(err) != "":
		return s.notKept(ctx, j, a, StatusRefused, RefusalCode(err), jobs.Permanent(err))
	case err != nil:
		var gone *Gone
		if j.Attempt >= j.MaxTries || errors.As(err, &gone) {
			return s.notKept(ctx, j, a, StatusFailed, ErrCodeDownload, err)
		}
		return err
	}
	p, err := s.keep(ctx, j.Tenant, a.Kind, data, false)
	if code := RefusalCode(err); code != "" {
		return s.notKept(ctx, j, a, StatusRefused, code, jobs.Permanent(err))
	}
	if err != nil {
		return err
	}
	if err := markStored(ctx, j.DB, a.ID, p.ContentType, p.Size, p.SHA256, p.ThumbSHA256); err != nil {
		return err
	}
	s.changed(j.Tenant, a)
	return nil
}

func (s *Service) notKept(ctx context.Context, j *jobs.Job, a *Attachment, status, code string, cause error) error {
	if err := markNotKept(ctx, j.DB, a.ID, status, code); err != nil {
		return err
	}
	s.changed(j.Tenant, a)
	if s.Log != nil {
		s.Log.Warn("media: file not kept", "tenant", j.Tenant, "attachment", a.ID, "status", status, "code", code, "err", cause)
	}
	return jobs.Permanent(cause)
}

// changed tells open pages that a file of a message arrived or was given up.
func (s *Service) changed(slug string, a *Attachment) {
	if s.Live != nil {
		s.Live.Publish(slug, live.Event{Kind: "media", ConversationID: a.ConversationID, MessageID: a.MessageID})
	}
}

// forTx is the transaction type Attach callers hold.
var _ Execer = (*sql.Tx)(nil)

// ReplyFile is the file an outbound message carries, read for its delivery.
type ReplyFile struct {
	Kind, ContentType, Filename string
	Data                        []byte
	Caption                     string // the message's words, "" when it only holds the file's placeholder
}

// ForReply returns the first stored file of message msgID with its bytes (nil when it has none),
// and the caption to send with it: body, unless body is only the file's placeholder.
func (s *Service) ForReply(ctx context.Context, slug string, db *tenantdb.DB, msgID int64, body string) (*ReplyFile, error) {
	as, err := ForMessage(ctx, db.Read, msgID)
	if err != nil {
		return nil, err
	}
	for _, a := range as {
		if a.Status != StatusStored {
			continue
		}
		mdb, err := s.Mgr.Media(ctx, slug)
		if err != nil {
			return nil, err
		}
		data, err := blob(ctx, mdb, a.SHA256)
		if err != nil {
			return nil, err
		}
		if st := StripLocation(data, a.ContentType); st != nil {
			data = st
		}
		caption := body
		if body == Placeholder(a.Kind, a.Filename) || body == Placeholder(a.Kind, "") {
			caption = ""
		}
		return &ReplyFile{Kind: a.Kind, ContentType: a.ContentType, Filename: a.Name(), Data: data, Caption: caption}, nil
	}
	return nil, nil
}
