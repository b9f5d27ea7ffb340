package web

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"time"

	"highvibe/app/tenantdb"
)

// A form that creates a record is sent once, however often it is posted. Each such form carries a
// one-time token made when it is shown (the template function formOnce, a hidden field named
// OnceField). The panel's middleware reads the token of a post (Replayed); the room that creates
// the record calls SpendOnce inside the transaction that creates it. The first post records the
// token with where its answer led; a second post of the same form — a double click, a phone that
// resends after a timeout, the back button and "send again" — rolls its transaction back with
// AlreadySent, and Fail answers it as the first answer did (the same page, with a short notice).
// A post without a token (a page cached from before, a script) creates as it always did; a post
// the room refuses (a field error) rolls back, so its token stays unspent for the corrected post.
//
// A form that htmx posts and keeps on the page (the conversation's composer: the answer swaps the
// thread, the form stays) is answered in place, not sent to another page: its resend reaches the
// handler, which finds it in Resent and answers as the first post was (the thread, with the
// notice), and each answer that sent gives the form a fresh token out of band (formOnceRenew), so
// the next message is a new form.

// OnceField is the name of the hidden field that carries a form's one-time token.
const OnceField = "form_once"

// OnceKeep is how long a spent token is remembered: a resend comes within seconds or minutes, a
// form left open in a tab overnight is still answered; the retention job deletes older rows.
const OnceKeep = 24 * time.Hour

// onceLen is the length of a token: 16 random bytes in hex.
const onceLen = 32

// NewOnceToken returns a fresh random token.
func NewOnceToken() string {
	var b [onceLen / 2]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// validOnce reports whether s looks like a token we made (anything else is as no token).
func validOnce(s string) bool {
	if len(s) != onceLen {
		return false
	}
	for _, c := range s {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// onceField renders the hidden field: the token of the form being shown again (a refused post's
// values, so the corrected post carries the same token), else a fresh one. A string argument is
// the field's id, for a form an htmx answer renews in place (formOnceRenew).
func onceField(args ...any) template.HTML {
	tok, id := "", ""
	for _, a := range args {
		switch v := a.(type) {
		case url.Values:
			tok = v.Get(OnceField)
		case map[string][]string:
			tok = url.Values(v).Get(OnceField)
		case *Page:
			if v != nil && v.Form != nil {
				tok = v.Form.Get(OnceField)
			}
		case string:
			id = v
		}
	}
	if !validOnce(tok) {
		tok = NewOnceToken()
	}
	return onceInput(tok, id, false)
}

// onceRenew renders a fresh token for the form whose field has id, swapped in out of band by an
// htmx answer that leaves the form on the page: the next post of that form is a new one.
func onceRenew(id string) template.HTML { return onceInput(NewOnceToken(), id, true) }

func onceInput(tok, id string, oob bool) template.HTML {
	attrs := ""
	if id != "" {
		attrs = ` id="` + template.HTMLEscapeString(id) + `"`
	}
	if oob {
		attrs += ` hx-swap-oob="true"`
	}
	return template.HTML(`<input type="hidden" name="` + OnceField + `"` + attrs + ` value="` + tok + `">`)
}

// once is what a request knows about its form's token.
type once struct {
	token  string       // "" = the post carried none
	form   string       // the path it was posted to
	spent  bool         // SpendOnce recorded it in this request
	resent *AlreadySent // an htmx form sent before, left to its handler to answer in place
}

// readOnce takes the one-time token of a panel post (parsed by CheckFormText, or by the handler
// for a multipart form) into the request's Ctx, for SpendOnce, and looks it up in q's database
// (nil: the tenant's; the staff console keeps its forms' in the platform database): a token spent
// before is returned as *AlreadySent, for Replayed to answer before the handler runs (a resend
// would otherwise meet checks the first post changed: the slot it booked is taken now).
func readOnce(r *http.Request, q *sql.DB) (*AlreadySent, error) {
	c := FromContext(r.Context())
	if c == nil || r.Method != http.MethodPost {
		return nil, nil
	}
	tok := ""
	if r.PostForm != nil {
		tok = r.PostForm.Get(OnceField)
	}
	if tok == "" && r.MultipartForm != nil {
		if v := r.MultipartForm.Value[OnceField]; len(v) > 0 {
			tok = v[0]
		}
	}
	if !validOnce(tok) {
		tok = ""
	}
	c.once = once{token: tok, form: r.URL.Path}
	if q == nil && c.DB != nil {
		q = c.DB.Read
	}
	if tok == "" || q == nil {
		return nil, nil
	}
	a, err := SentBefore(r.Context(), q)
	if a != nil && IsHTMX(r) && r.Header.Get("HX-Boosted") != "true" {
		// htmx swaps the answer into the page the form is on: only its handler knows that part.
		// Should a handler not look (Resent), SpendOnce still refuses to create the record twice.
		c.once.resent = a
		return nil, nil
	}
	return a, err
}

// Resent returns the earlier post of this htmx form, whose token readOnce found spent, for the
// handler to answer in place as it answered the first one; nil: the form was not sent before.
func Resent(r *http.Request) *AlreadySent {
	if c := FromContext(r.Context()); c != nil {
		return c.once.resent
	}
	return nil
}

// AlreadySent is the error SpendOnce returns for a token spent before: the transaction that
// carries it rolls back, and Fail answers the post as the first one was answered.
type AlreadySent struct {
	RecordID int64  // the record the first post created
	Target   string // where its answer led
}

func (e *AlreadySent) Error() string {
	return fmt.Sprintf("web: form already sent (record %d, %s)", e.RecordID, e.Target)
}

// AsAlreadySent returns the AlreadySent err carries, or nil.
func AsAlreadySent(err error) *AlreadySent {
	var a *AlreadySent
	if errors.As(err, &a) {
		return a
	}
	return nil
}

// SpendOnce records the request's form token (none: nothing to do) in tx, the transaction that
// created record id, with target, the local page the answer sends the browser to. When the token
// was spent before, it returns *AlreadySent with the first post's record and page: the caller
// returns it, so its transaction — and the record it was about to create twice — rolls back.
// The table's primary key makes this hold between concurrent posts too: the tenant's writer
// runs one transaction at a time, and the second sees the first's row.
func SpendOnce(ctx context.Context, tx *sql.Tx, id int64, target string) error {
	c := FromContext(ctx)
	if c == nil || c.once.token == "" || c.once.spent {
		return nil
	}
	if target == "" || target[0] != '/' {
		return fmt.Errorf("web: spend form token: target %q is not a local path", target)
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO form_submissions (token, form, record_id, target, created_at)
		VALUES (?, ?, ?, ?, ?) ON CONFLICT (token) DO NOTHING`, c.once.token, c.once.form, id, target, tenantdb.Now())
	if err != nil {
		return fmt.Errorf("web: spend form token: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		c.once.spent = true
		return nil
	}
	a := &AlreadySent{}
	if err := tx.QueryRowContext(ctx, `SELECT record_id, target FROM form_submissions WHERE token = ?`, c.once.token).
		Scan(&a.RecordID, &a.Target); err != nil {
		return fmt.Errorf("web: spent form token: %w", err)
	}
	return a
}

// SentBefore looks the request's token up outside a transaction: for a form whose room creates
// its record in several steps, so a resend is answered before any of them runs. nil: not sent.
func SentBefore(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}) (*AlreadySent, error) {
	c := FromContext(ctx)
	if c == nil || c.once.token == "" {
		return nil, nil
	}
	a := &AlreadySent{}
	err := q.QueryRowContext(ctx, `SELECT record_id, target FROM form_submissions WHERE token = ?`, c.once.token).Scan(&a.RecordID, &a.Target)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("web: form token: %w", err)
	}
	return a, nil
}

// Replay answers a post whose form was sent before as the first post was answered: the browser
// goes to the same page (HX-Redirect for htmx), which shows a short notice that nothing was
// created twice.
func Replay(w http.ResponseWriter, r *http.Request, a *AlreadySent) {
	FlashKey(w, r, true, "form.already_sent")
	Redirect(w, r, SafeNext(a.Target, "/app/"))
}

// Replayed reads the one-time token of a post (readOnce: kept in q's database, nil the
// tenant's) and answers a form sent before as its first post was answered (Replay), or fails the
// request when the token cannot be looked up. true: the post is answered, and the handler stops.
func (rd *Renderer) Replayed(w http.ResponseWriter, r *http.Request, q *sql.DB) bool {
	a, err := readOnce(r, q)
	if err != nil {
		rd.Fail(w, r, err)
		return true
	}
	if a != nil {
		Replay(w, r, a)
		return true
	}
	return false
}

// SentAgain returns the earlier post of a form whose token is spent, for a form whose room keeps
// its tokens in q's database (nil: the tenant's) and has answered this post with err: SpendOnce's
// AlreadySent, or the token is looked up (sent before, or at the same moment and refused over
// what the first took, the name or the slug). nil: not sent before (a look-up that fails is as
// not sent: the room's own answer stands).
func SentAgain(r *http.Request, q *sql.DB, err error) *AlreadySent {
	if a := AsAlreadySent(err); a != nil {
		return a
	}
	if q == nil {
		c := FromContext(r.Context())
		if c == nil || c.DB == nil {
			return nil
		}
		q = c.DB.Read
	}
	a, _ := SentBefore(r.Context(), q)
	return a
}

// ReplaySent answers a post of a form sent before (SentAgain) as its first post was answered.
// true: answered, and the handler stops.
func ReplaySent(w http.ResponseWriter, r *http.Request, q *sql.DB, err error) bool {
	a := SentAgain(r, q, err)
	if a == nil {
		return false
	}
	Replay(w, r, a)
	return true
}

// replayedRefusal answers a refusal (422, 409) of a form whose token was spent meanwhile as the
// resend it is: two posts of one form at the same moment both pass readOnce's look-up, the first
// creates, and the second would otherwise be refused by what the first changed (the slot it
// booked is taken, the name it used exists) instead of leading to the first record.
func replayedRefusal(w http.ResponseWriter, r *http.Request, status int) bool {
	if status != http.StatusUnprocessableEntity && status != http.StatusConflict {
		return false
	}
	c := FromContext(r.Context())
	if c == nil || c.once.token == "" || c.once.spent || c.DB == nil {
		return false
	}
	return ReplaySent(w, r, nil, nil)
}

// PruneOnce deletes the tokens older than OnceKeep at now (the retention job calls it daily).
func PruneOnce(ctx context.Context, db *tenantdb.DB, now time.Time) (int64, error) {
	var n int64
	err := db.InTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM form_submissions WHERE created_at < ?`, now.Add(-OnceKeep).UnixMilli())
		if err != nil {
			return err
		}
		n, _ = res.RowsAffected()
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("web: prune form tokens: %w", err)
	}
	return n, nil
}
