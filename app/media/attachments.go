package media

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"highvibe/app/jobs"
	"highvibe/app/tenantdb"
)

// JobFetch is the job kind that downloads one inbound file (customer lane, retried with backoff).
const JobFetch = "media_fetch"

// fetchTries is how often a download is tried before the file is marked failed (5 s, 20 s, 45 s,
// 80 s apart: a provider's short outage is ridden out, a dead link is given up within minutes).
const fetchTries = 5

// Attachment is one file of a message.
type Attachment struct {
	ID             int64
	MessageID      int64
	ConversationID int64
	LeadID         int64
	Channel        string
	Kind           string
	SourceID       string // the channel's id to download it with (WhatsApp media id, Telegram file_id)
	DeclaredType   string // what the sender said it is (never trusted for serving)
	Filename       string
	ContentType    string // what the bytes are (sniffed)
	Size           int64
	SHA256         string
	ThumbSHA256    string
	Status         string
	Error          string
	CreatedAt      int64
}

// IsImage reports whether the file is shown as a picture.
func (a *Attachment) IsImage() bool {
	return (a.Kind == KindImage || a.Kind == KindSticker || a.Kind == KindDocument) && strings.HasPrefix(a.ContentType, "image/")
}

// IsAudio reports whether the file plays in an audio player.
func (a *Attachment) IsAudio() bool {
	return strings.HasPrefix(a.ContentType, "audio/") || a.Kind == KindAudio && a.ContentType == "video/webm"
}

// IsVideo reports whether the file plays in a video player.
func (a *Attachment) IsVideo() bool {
	return a.Kind == KindVideo && strings.HasPrefix(a.ContentType, "video/")
}

// SizeKB and SizeMB are the size for showing; Big says which of them reads better.
func (a *Attachment) SizeKB() float64 { return max(1, float64(a.Size)/1024) }

// SizeMB is the size in megabytes.
func (a *Attachment) SizeMB() float64 { return float64(a.Size) / (1 << 20) }

// Big reports whether the size reads better in megabytes.
func (a *Attachment) Big() bool { return a.Size >= 1<<20 }

// Name is the file name to show and to download under.
func (a *Attachment) Name() string {
	if a.Filename != "" {
		return a.Filename
	}
	ext := map[string]string{"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp", "image/gif": ".gif",
		"application/pdf": ".pdf", "audio/ogg": ".ogg", "audio/mpeg": ".mp3", "video/mp4": ".mp4"}[a.ContentType]
	return fmt.Sprintf("%s-%d%s", a.Kind, a.ID, ext)
}

// Execer is what attachment writes run through: the caller's transaction, or a statement cache
// on one (the WhatsApp batch).
type Execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// Inbound is a file a channel announced with a message, to be downloaded later.
type Inbound struct {
	MessageID, ConversationID, LeadID int64
	Channel                           string
	Kind                              string
	SourceID                          string
	DeclaredType                      string
	Filename                          string
}

// AddInbound records a file a channel announced with a message, as pending, and queues its
// download, in the caller's transaction (the one that stored the message): the message and the
// promise to fetch its file commit together. An unknown kind is ignored.
func AddInbound(ctx context.Context, tx Execer, in Inbound) error {
	if !ValidKind(in.Kind) || in.SourceID == "" {
		return nil
	}
	now := tenantdb.Now()
	res, err := tx.ExecContext(ctx, `INSERT INTO attachments(message_id, conversation_id, lead_id, channel, kind, source_id, declared_type,
		filename, status, created_at, updated_at) VALUES(?,?,?,?,?,?,?,?,'pending',?,?)`,
		in.MessageID, in.ConversationID, in.LeadID, in.Channel, in.Kind, clip(in.SourceID, 512), clip(in.DeclaredType, 200),
		cleanName(in.Filename), now, now)
	if err != nil {
		return fmt.Errorf("media: add attachment: %w", err)
	}
	id, _ := res.LastInsertId()
	_, err = jobs.Enqueue(ctx, tx, JobFetch, map[string]int64{"attachment_id": id}, jobs.Options{MaxAttempts: fetchTries})
	return err
}

// insertStored records a file whose bytes are already kept (an upload), in the caller's
// transaction.
func insertStored(ctx context.Context, tx Execer, a *Attachment) (int64, error) {
	now := tenantdb.Now()
	res, err := tx.ExecContext(ctx, `INSERT INTO attachments(message_id, conversation_id, lead_id, channel, kind, declared_type, filename,
		content_type, size, sha256, thumb_sha256, status, created_at, updated_at) VALUES(?,?,?,?,?,?,?,?,?,?,?,'stored',?,?)`,
		a.MessageID, a.ConversationID, a.LeadID, a.Channel, a.Kind, clip(a.DeclaredType, 200), cleanName(a.Filename), a.ContentType,
		a.Size, a.SHA256, a.ThumbSHA256, now, now)
	if err != nil {
		return 0, fmt.Errorf("media: add attachment: %w", err)
	}
	return res.LastInsertId()
}

const attachmentCols = `id, message_id, conversation_id, lead_id, channel, kind, source_id, declared_type, filename, content_type,
	size, sha256, thumb_sha256, status, error, created_at`

func scanAttachment(sc interface{ Scan(...any) error }) (*Attachment, error) {
	a := &Attachment{}
	err := sc.Scan(&a.ID, &a.MessageID, &a.ConversationID, &a.LeadID, &a.Channel, &a.Kind, &a.SourceID, &a.DeclaredType, &a.Filename,
		&a.ContentType, &a.Size, &a.SHA256, &a.ThumbSHA256, &a.Status, &a.Error, &a.CreatedAt)
	return a, err
}

// Querier reads attachments: a read pool or a transaction.
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// ByID returns one attachment of this tenant (tenantdb.ErrNotFound when absent: another
// tenant's id names nothing here).
func ByID(ctx context.Context, q Querier, id int64) (*Attachment, error) {
	a, err := scanAttachment(q.QueryRowContext(ctx, `SELECT `+attachmentCols+` FROM attachments WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, tenantdb.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("media: attachment: %w", err)
	}
	return a, nil
}

// ForConversation maps each message of a conversation to its files, oldest first: what the
// timeline shows in the bubbles.
func ForConversation(ctx context.Context, q Querier, convID int64) (map[int64][]*Attachment, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+attachmentCols+` FROM attachments WHERE conversation_id = ? ORDER BY id`, convID)
	if err != nil {
		return nil, fmt.Errorf("media: attachments: %w", err)
	}
	defer rows.Close()
	out := map[int64][]*Attachment{}
	for rows.Next() {
		a, err := scanAttachment(rows)
		if err != nil {
			return nil, fmt.Errorf("media: attachments: %w", err)
		}
		out[a.MessageID] = append(out[a.MessageID], a)
	}
	return out, rows.Err()
}

// ForMessage lists the files of one message.
func ForMessage(ctx context.Context, q Querier, msgID int64) ([]*Attachment, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+attachmentCols+` FROM attachments WHERE message_id = ? ORDER BY id`, msgID)
	if err != nil {
		return nil, fmt.Errorf("media: attachments: %w", err)
	}
	defer rows.Close()
	var out []*Attachment
	for rows.Next() {
		a, err := scanAttachment(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// markStored records the kept bytes of a pending file.
func markStored(ctx context.Context, db *tenantdb.DB, id int64, ct string, size int64, sum, thumb string) error {
	return db.InTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE attachments SET status = 'stored', error = '', content_type = ?, size = ?, sha256 = ?, thumb_sha256 = ?,
			updated_at = ? WHERE id = ?`, ct, size, sum, thumb, tenantdb.Now(), id)
		if err != nil {
			return fmt.Errorf("media: mark stored: %w", err)
		}
		return nil
	})
}

// markNotKept records why a file is not kept (status failed or refused, code media.err.*).
func markNotKept(ctx context.Context, db *tenantdb.DB, id int64, status, code string) error {
	return db.InTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE attachments SET status = ?, error = ?, updated_at = ? WHERE id = ? AND status = 'pending'`,
			status, code, tenantdb.Now(), id)
		if err != nil {
			return fmt.Errorf("media: mark %s: %w", status, err)
		}
		return nil
	})
}

// referenced lists which of sums some attachment of the tenant still names (as file or thumbnail).
func referenced(ctx context.Context, q Querier) (map[string]bool, error) {
	rows, err := q.QueryContext(ctx, `SELECT sha256 FROM attachments WHERE sha256 <> '' UNION SELECT thumb_sha256 FROM attachments WHERE thumb_sha256 <> ''`)
	if err != nil {
		return nil, fmt.Errorf("media: referenced: %w", err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out[s] = true
	}
	return out, rows.Err()
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n])
}

// cleanName keeps a file name printable and short, without directories or quotes that could
// break a Content-Disposition header.
func cleanName(s string) string {
	if i := strings.LastIndexAny(s, `/\`); i >= 0 {
		s = s[i+1:]
	}
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == '"' {
			return -1
		}
		return r
	}, s)
	return clip(strings.TrimSpace(s), 200)
}

// ForLead lists the files of every message of a lead, newest first (the owner's erase page).
func ForLead(ctx context.Context, q Querier, leadID int64) ([]*Attachment, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+attachmentCols+` FROM attachments WHERE lead_id = ? ORDER BY id DESC`, leadID)
	if err != nil {
		return nil, fmt.Errorf("media: attachments: %w", err)
	}
	defer rows.Close()
	var out []*Attachment
	for rows.Next() {
		a, err := scanAttachment(rows)
		if err != nil {
			return nil, fmt.Errorf("media: attachments: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}
