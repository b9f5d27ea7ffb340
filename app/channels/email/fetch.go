package email

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"highvibe/app/audit"
	"highvibe/app/inbox"
	"highvibe/app/jobs"
	"highvibe/app/platform"
	"highvibe/app/tenantdb"
)

// JobFetch reads the tenant's mailbox once and schedules the next read.
const JobFetch = "email_fetch"

// Interval is how often the mailbox is read.
const Interval = time.Minute

// PerFetch caps the mails stored by one read; the rest wait for the next one.
const PerFetch = 50

// Fetcher reads tenants' IMAP mailboxes into the inbox.
type Fetcher struct {
	Platform *platform.Service
	Inbox    *inbox.Service
	Log      *slog.Logger
}

// Schedule queues the next read at the next Interval boundary after now (one job per slot: the
// dedupe key names the slot, so the running read, a settings save and a restart never make two
// chains).
func Schedule(ctx context.Context, db *tenantdb.DB, now time.Time) error {
	next := now.Truncate(Interval).Add(Interval)
	_, err := jobs.EnqueueDB(ctx, db, JobFetch, struct{}{}, jobs.Options{RunAt: next, MaxAttempts: 1,
		DedupeKey: "at:" + strconv.FormatInt(next.Unix(), 10)})
	return err
}

// Handle is the JobFetch handler. A tenant without an IMAP host ends the chain (saving the
// channel settings starts it again). A read that fails is not retried: the next slot is the retry.
// Each read's outcome overwrites the mailbox's last read (email_reads), shown on the channels page.
func (f *Fetcher) Handle(ctx context.Context, j *jobs.Job) error {
	t, err := f.Platform.TenantBySlug(ctx, j.Tenant)
	if err != nil {
		return err
	}
	if t.Setting(SetIMAPHost) == "" {
		return nil
	}
	if err := Schedule(ctx, j.DB, time.Now()); err != nil {
		return err
	}
	stored, refused, err := f.Fetch(ctx, t, j.DB)
	// The outcome is kept for the channels page (the owner sees a refused password there, not
	// only in the server log); a failure to keep it does not hide the read's own error.
	if rerr := recordRead(ctx, j.DB, time.Now(), cmp.Or(t.Setting(SetIMAPUser), t.Setting(SetIMAPHost)), stored+refused, err); rerr != nil && f.Log != nil {
		f.Log.Warn("email fetch", "tenant", t.Slug, "err", rerr)
	}
	if err != nil {
		if f.Log != nil {
			f.Log.Warn("email fetch", "tenant", t.Slug, "err", err)
		}
		return jobs.Permanent(err)
	}
	return nil
}

// Fetch reads the unseen mails of the tenant's INBOX: each is stored in the inbox (threaded into
// its conversation) or refused when malformed, and then marked \Seen, so it is read once. A mail
// stored before (same Message-ID) is not stored twice.
func (f *Fetcher) Fetch(ctx context.Context, t *platform.Tenant, db *tenantdb.DB) (stored, refused int, err error) {
	ctx, cancel := context.WithTimeout(ctx, 2*Timeout)
	defer cancel()
	host, sec := t.Setting(SetIMAPHost), t.Setting(SetIMAPSecurity)
	conn, err := dial(ctx, host, t.Setting(SetIMAPPort), sec)
	if err != nil {
		return 0, 0, failed(dialFailure(err), "IMAP server unreachable", err)
	}
	defer conn.Close()
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	var c *imapclient.Client
	if sec == "starttls" {
		if c, err = imapclient.NewStartTLS(conn, &imapclient.Options{TLSConfig: tlsConfig(host)}); err != nil {
			return 0, 0, failed(FailTLS, "IMAP STARTTLS", err)
		}
	} else {
		c = imapclient.New(conn, nil)
	}
	defer c.Close()
	if err := c.Login(t.Setting(SetIMAPUser), t.Setting(SetIMAPPassword)).Wait(); err != nil {
		return 0, 0, failed(loginFailure(err), "IMAP login", err)
	}
	if _, err := c.Select("INBOX", nil).Wait(); err != nil {
		return 0, 0, failed(FailMailbox, "IMAP select", err)
	}
	found, err := c.UIDSearch(&imap.SearchCriteria{NotFlag: []imap.Flag{imap.FlagSeen}}, nil).Wait()
	if err != nil {
		return 0, 0, fmt.Errorf("email: IMAP search: %w", err)
	}
	uids := found.AllUIDs()
	if len(uids) > PerFetch {
		uids = uids[:PerFetch]
	}
	if len(uids) == 0 {
		return 0, 0, c.Logout().Wait()
	}
	section := &imap.FetchItemBodySection{Peek: true}
	msgs, err := c.Fetch(imap.UIDSetNum(uids...), &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{section}}).Collect()
	if err != nil {
		return 0, 0, fmt.Errorf("email: IMAP fetch: %w", err)
	}
	var done []imap.UID
	for _, m := range msgs {
		ok, err := f.store(ctx, t, db, m.FindBodySection(section))
		if err != nil {
			err = fmt.Errorf("email: storing mail %d: %w", m.UID, err)
			if len(done) > 0 { // what was stored is marked, so it is not read again
				_ = c.Store(imap.UIDSetNum(done...), &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagSeen}}, nil).Close()
			}
			return stored, refused, err
		}
		if ok {
			stored++
		} else {
			refused++
		}
		done = append(done, m.UID)
	}
	if err := c.Store(imap.UIDSetNum(done...), &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagSeen}}, nil).Close(); err != nil {
		return stored, refused, fmt.Errorf("email: IMAP store \\Seen: %w", err)
	}
	return stored, refused, c.Logout().Wait()
}

// store ingests one raw mail; false (and no error) means it was refused as malformed, which is
// recorded in the action log and stores nothing else.
func (f *Fetcher) store(ctx context.Context, t *platform.Tenant, db *tenantdb.DB, raw []byte) (bool, error) {
	m, err := Parse(raw)
	if errors.Is(err, ErrMalformed) {
		return false, audit.Log(ctx, db, audit.Entry{Provider: "email", ActionType: "message_refused", Status: "failed",
			Summary: "e-mail refused", Output: err.Error(), Payload: map[string]any{"size": len(raw)}})
	}
	if err != nil {
		return false, err
	}
	_, err = f.Inbox.Ingest(ctx, t.Slug, db, Inbound(ctx, db, m))
	return err == nil, err
}

// Inbound turns a parsed mail into the inbox's input: it threads into the conversation holding
// a mail it references, else into the lead's conversation keyed by the thread's first mail.
func Inbound(ctx context.Context, db *tenantdb.DB, m *Mail) inbox.Inbound {
	conv, _ := inbox.ConversationOfMessages(ctx, db.Read, "email", m.Refs)
	root := m.MessageID
	if len(m.Refs) > 0 {
		root = m.Refs[0]
	}
	at := m.Date
	if now := time.Now(); at.IsZero() || at.After(now) {
		at = now
	}
	return inbox.Inbound{Channel: "email", ExternalID: root, ConversationID: conv, ProviderMessageID: m.MessageID,
		Name: m.Name, Email: m.From, Body: m.Text, At: at, Notes: map[string]string{"subject": m.Subject, "from": m.From}}
}
