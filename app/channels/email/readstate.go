package email

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/emersion/go-imap/v2"

	"highvibe/app/channels/channel"
	"highvibe/app/notify"
	"highvibe/app/tenantdb"
)

// Why a read of the mailbox failed, as stored in email_reads.failure; the channels page words
// each in the viewer's language (channels.settings.email_read.<kind>).
const (
	FailUnreachable = "unreachable" // the server did not answer at that address and port
	FailNotFound    = "not_found"   // the server's name is not known (DNS)
	FailTLS         = "tls"         // TLS from the start or STARTTLS did not work
	FailLogin       = "login"       // the server refused the user name or password
	FailMailbox     = "mailbox"     // the server has no INBOX for this user
	FailOther       = "unknown"     // anything else (the connection broke, storing a mail failed)
)

// detailMax is how much of the server's own words the page keeps.
const detailMax = 200

// readError is a failed read with the kind of its failure; Error is the wrapped message the
// server log has always had.
type readError struct {
	kind string
	err  error
}

func (e *readError) Error() string { return e.err.Error() }
func (e *readError) Unwrap() error { return e.err }

// failed wraps err (the step's own error) as a read failure of kind.
func failed(kind, step string, err error) error {
	return &readError{kind: kind, err: fmt.Errorf("email: %s: %w", step, err)}
}

// dialFailure tells a server that cannot be found or reached from a TLS handshake that failed:
// both come from dial when the connection is TLS from the start.
func dialFailure(err error) string {
	var dns *net.DNSError
	if errors.As(err, &dns) {
		if dns.IsNotFound {
			return FailNotFound
		}
		return FailUnreachable
	}
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return FailUnreachable
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return FailUnreachable
	}
	return FailTLS
}

// loginFailure: the server's NO or BAD answer to LOGIN is a refusal of the name or password; any
// other error (the connection broke, the server spoke no IMAP) is not.
func loginFailure(err error) string {
	var ie *imap.Error
	if errors.As(err, &ie) {
		return FailLogin
	}
	return FailOther
}

// failureOf is the kind and the server's own words of a read's error.
func failureOf(err error) (kind, detail string) {
	kind = FailOther
	var re *readError
	if errors.As(err, &re) {
		kind = re.kind
		err = errors.Unwrap(re.err)
	}
	var ie *imap.Error
	if errors.As(err, &ie) && ie.Text != "" {
		detail = ie.Text
	} else if err != nil {
		detail = err.Error()
	}
	return kind, shorten(detail)
}

// shorten keeps the first detailMax characters of s on one line.
func shorten(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= detailMax {
		return s
	}
	r := []rune(s)
	return string(r[:detailMax-1]) + "…"
}

// recordRead overwrites the mailbox's last read: at now it read count mails, or failed with err
// (the last good read's time and count are kept). In the same transaction the owners are told
// once when reads start failing (the first try, or the first after a good read) and once when a
// read works again after failures; mailbox names the mailbox in what they are told.
func recordRead(ctx context.Context, db *tenantdb.DB, now time.Time, mailbox string, count int, err error) error {
	at := now.UnixMilli()
	kind, detail := "", ""
	if err != nil {
		kind, detail = failureOf(err)
	}
	return db.InTx(ctx, func(tx *sql.Tx) error {
		var before sql.NullString // the previous try's failure; no row: no try yet
		seen := true
		switch qerr := tx.QueryRowContext(ctx, `SELECT failure FROM email_reads WHERE id = 1`).Scan(&before); {
		case errors.Is(qerr, sql.ErrNoRows):
			seen = false
		case qerr != nil:
			return fmt.Errorf("email: previous read: %w", qerr)
		}
		var tell string
		if kind == "" {
			if _, err := tx.ExecContext(ctx, `INSERT INTO email_reads (id, tried_at, failure, detail, ok_at, ok_count) VALUES (1, ?, NULL, '', ?, ?)
				ON CONFLICT (id) DO UPDATE SET tried_at = excluded.tried_at, failure = NULL, detail = '', ok_at = excluded.ok_at, ok_count = excluded.ok_count`,
				at, at, count); err != nil {
				return fmt.Errorf("email: record read: %w", err)
			}
			if before.Valid {
				tell = notify.KindEmailReadRecovered
			}
		} else {
			if _, err := tx.ExecContext(ctx, `INSERT INTO email_reads (id, tried_at, failure, detail) VALUES (1, ?, ?, ?)
				ON CONFLICT (id) DO UPDATE SET tried_at = excluded.tried_at, failure = excluded.failure, detail = excluded.detail`,
				at, kind, detail); err != nil {
				return fmt.Errorf("email: record read: %w", err)
			}
			if !seen || !before.Valid {
				tell = notify.KindEmailReadFailing
			}
		}
		if tell == "" {
			return nil
		}
		return notify.Raise(ctx, tx, notify.Event{Kind: tell, Name: mailbox, At: at, Reason: kind})
	})
}

// LastRead is the mailbox's last read for the channels page; nil before the first try.
func LastRead(ctx context.Context, read *sql.DB) (*channel.LastRead, error) {
	var tried int64
	var failure sql.NullString
	var okAt sql.NullInt64
	l := &channel.LastRead{}
	err := read.QueryRowContext(ctx, `SELECT tried_at, failure, detail, ok_at, ok_count FROM email_reads WHERE id = 1`).
		Scan(&tried, &failure, &l.Detail, &okAt, &l.OKCount)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("email: last read: %w", err)
	}
	l.At = time.UnixMilli(tried)
	l.Failure = failure.String
	if okAt.Valid {
		l.OKAt = time.UnixMilli(okAt.Int64)
	}
	return l, nil
}
