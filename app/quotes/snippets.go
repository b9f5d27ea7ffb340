package quotes

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"highvibe/app/audit"
	"highvibe/app/fault"
	"highvibe/app/tenantdb"
	"highvibe/app/web"
)

// Snippet is an owner-approved text a quote's payment terms or warranty is chosen from: the
// operator picks one, never types terms of their own into a quote.
type Snippet struct {
	ID         int64
	Kind       string // payment warranty
	Title      string
	Body       string
	Active     bool
	ApprovedBy string
	UpdatedAt  int64
}

// SnippetKinds are the kinds of snippet.
var SnippetKinds = []string{"payment", "warranty"}

const snippetCols = `id, kind, title, body, active, approved_by, updated_at`

func scanSnippet(sc interface{ Scan(...any) error }) (*Snippet, error) {
	s := &Snippet{}
	return s, sc.Scan(&s.ID, &s.Kind, &s.Title, &s.Body, &s.Active, &s.ApprovedBy, &s.UpdatedAt)
}

// Snippets lists the snippets (active first, by kind and title); activeOnly for the editor.
func Snippets(ctx context.Context, q Querier, activeOnly bool) ([]*Snippet, error) {
	where := ``
	if activeOnly {
		where = `WHERE active = 1`
	}
	rows, err := q.QueryContext(ctx, `SELECT `+snippetCols+` FROM quote_snippets `+where+` ORDER BY active DESC, kind, title COLLATE NOCASE, id`)
	if err != nil {
		return nil, fmt.Errorf("quotes: snippets: %w", err)
	}
	defer rows.Close()
	var out []*Snippet
	for rows.Next() {
		s, err := scanSnippet(rows)
		if err != nil {
			return nil, fmt.Errorf("quotes: snippets: %w", err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

func snippetByID(ctx context.Context, q Querier, id int64) (*Snippet, error) {
	s, err := scanSnippet(q.QueryRowContext(ctx, `SELECT `+snippetCols+` FROM quote_snippets WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, tenantdb.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("quotes: snippet: %w", err)
	}
	return s, nil
}

func firstActiveSnippet(ctx context.Context, q Querier, kind string) (*Snippet, error) {
	s, err := scanSnippet(q.QueryRowContext(ctx, `SELECT `+snippetCols+` FROM quote_snippets WHERE kind = ? AND active = 1 ORDER BY id LIMIT 1`, kind))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("quotes: snippet: %w", err)
	}
	return s, nil
}

// chooseSnippets copies the chosen snippets' texts into the revision (a later edit of the snippet
// does not change a quote already written); "" or "0" chooses none. Only active snippets of the
// right kind can be chosen.
func chooseSnippets(ctx context.Context, tx *sql.Tx, q *Quote, in Input) error {
	var f fault.Fields
	pick := func(field, kind, v string) (int64, string) {
		v = strings.TrimSpace(v)
		if v == "" || v == "0" {
			return 0, ""
		}
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			f.Add(field, "quotes.err.snippet")
			return 0, ""
		}
		s, err := snippetByID(ctx, tx, id)
		if err != nil || !s.Active || s.Kind != kind {
			f.Add(field, "quotes.err.snippet")
			return 0, ""
		}
		return s.ID, s.Body
	}
	q.PaymentSnippet, q.PaymentText = pick("payment_snippet", "payment", in.PaymentSnippet)
	q.WarrantySnippet, q.WarrantyText = pick("warranty_snippet", "warranty", in.WarrantySnippet)
	return f.Err()
}

// SnippetInput is the owner's snippet form.
type SnippetInput struct {
	Kind, Title, Body string
	Active            bool
}

// SaveSnippet creates (id 0) or edits a snippet; the owner saving it is its approval, recorded
// by name and in the action log.
func SaveSnippet(ctx context.Context, db *tenantdb.DB, id int64, in SnippetInput, a Actor) (int64, error) {
	var f fault.Fields
	kind, title, body := strings.TrimSpace(in.Kind), strings.TrimSpace(in.Title), strings.TrimSpace(in.Body)
	if !oneOf(kind, SnippetKinds) {
		f.Add("kind", "quotes.err.kind")
	}
	if n := len([]rune(title)); n < 1 || n > 100 {
		f.Add("title", "quotes.err.snippet_title")
	}
	if n := len([]rune(body)); n < 1 || n > 2000 {
		f.Add("body", "quotes.err.snippet_body")
	}
	if err := f.Err(); err != nil {
		return 0, err
	}
	err := db.InTx(ctx, func(tx *sql.Tx) error {
		now := tenantdb.Now()
		action := "quote_snippet_saved"
		if id == 0 {
			res, err := tx.ExecContext(ctx, `INSERT INTO quote_snippets(kind, title, body, active, approved_by, created_at, updated_at)
				VALUES(?,?,?,1,?,?,?)`, kind, title, body, a.Name, now, now)
			if err != nil {
				return fmt.Errorf("quotes: save snippet: %w", err)
			}
			id, _ = res.LastInsertId()
			// The new-text form, sent once: a resend adds no second text.
			if err := web.SpendOnce(ctx, tx, id, "/app/quotes/settings"); err != nil {
				return err
			}
		} else {
			res, err := tx.ExecContext(ctx, `UPDATE quote_snippets SET kind=?, title=?, body=?, active=?, approved_by=?, updated_at=? WHERE id=?`,
				kind, title, body, in.Active, a.Name, now, id)
			if err != nil {
				return fmt.Errorf("quotes: save snippet: %w", err)
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return tenantdb.ErrNotFound
			}
		}
		_, err := audit.Write(ctx, tx, audit.Entry{Provider: "quotes", ActionType: action, Summary: title, Output: body,
			ModelName: "human-review", ActorUserID: a.UserID, ActorName: a.Name,
			Payload: map[string]any{"snippet_id": id, "kind": kind, "active": id == 0 || in.Active}})
		return err
	})
	return id, err
}
