package inbox

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"strings"
	"time"

	"highvibe/app/export"
	"highvibe/app/fault"
	"highvibe/app/i18n"
	"highvibe/app/web"
	"highvibe/app/words"
)

// exportBatch is how many conversations one read of an export takes: each batch is its own short
// read (no snapshot held for the minutes a million rows take, so checkpoints go on meanwhile).
const exportBatch = 1000

// ExportConversation is one conversation of an export, with its messages in order.
type ExportConversation struct {
	ID, LeadID               int64
	Channel, State           string
	LeadName, Phone, Email   string
	AssignedUserID           int64
	Urgency                  *int
	Summary                  string
	CreatedAt, LastMessageAt int64
	Messages                 []ExportMessage
}

// ExportMessage is one message of an exported conversation.
type ExportMessage struct {
	Direction, Author, Kind, Body string
	CreatedAt                     int64
}

// ExportConversations calls fn for every conversation matching f (the inbox's filters and search;
// its sort and paging are ignored: the file lists conversations oldest first), each with all its
// messages. It reads in batches by id, so memory holds one batch whatever the total.
func ExportConversations(ctx context.Context, q Querier, f Filter, fn func(*ExportConversation) error) error {
	f.Cursor = ""
	where, args := listConditions(f, true)
	if f.Q != "" {
		s, err := compileSearch(ctx, q, f.Q)
		if err != nil {
			return err
		}
		if s.none {
			return nil
		}
		if s.expr != "" {
			// Per row: a broad search checks each conversation against the index (as the list's
			// walk does) instead of gathering every match again for each batch.
			where = append(where, `EXISTS (SELECT 1 FROM conversation_search WHERE conversation_search MATCH ? AND rowid = c.id)`)
			args = append(args, s.expr)
		}
	}
	base := `SELECT c.id, c.lead_id, c.channel, c.state, l.name, l.phone, l.email, coalesce(c.assigned_user_id,0), c.urgency_score,
		c.summary, c.created_at, c.last_message_at FROM conversations c JOIN leads l ON l.id = c.lead_id`
	where = append(where, `c.id > ?`)
	sqlq := base + whereClause(where) + ` ORDER BY c.id LIMIT ?`
	var after int64
	batch := make([]*ExportConversation, 0, exportBatch)
	byID := make(map[int64]*ExportConversation, exportBatch)
	ids := make([]any, 0, exportBatch)
	for {
		batch = batch[:0]
		clear(byID)
		rows, err := q.QueryContext(ctx, sqlq, append(append([]any(nil), args...), after, exportBatch)...)
		if err != nil {
			return fmt.Errorf("inbox: export conversations: %w", err)
		}
		for rows.Next() {
			e := &ExportConversation{}
			var u sql.NullInt64
			if err := rows.Scan(&e.ID, &e.LeadID, &e.Channel, &e.State, &e.LeadName, &e.Phone, &e.Email, &e.AssignedUserID, &u,
				&e.Summary, &e.CreatedAt, &e.LastMessageAt); err != nil {
				rows.Close()
				return fmt.Errorf("inbox: export conversations: %w", err)
			}
			e.Urgency = intPtr(u)
			batch = append(batch, e)
			byID[e.ID] = e
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("inbox: export conversations: %w", err)
		}
		if len(batch) == 0 {
			return nil
		}
		after = batch[len(batch)-1].ID
		ids = ids[:0]
		for _, e := range batch {
			ids = append(ids, e.ID)
		}
		mrows, err := q.QueryContext(ctx, `SELECT conversation_id, direction, author_kind, kind, body, created_at FROM messages
			WHERE conversation_id IN (`+placeholders(len(ids))+`) ORDER BY conversation_id, id`, ids...)
		if err != nil {
			return fmt.Errorf("inbox: export messages: %w", err)
		}
		for mrows.Next() {
			var cid int64
			var m ExportMessage
			if err := mrows.Scan(&cid, &m.Direction, &m.Author, &m.Kind, &m.Body, &m.CreatedAt); err != nil {
				mrows.Close()
				return fmt.Errorf("inbox: export messages: %w", err)
			}
			if e := byID[cid]; e != nil {
				e.Messages = append(e.Messages, m)
			}
		}
		mrows.Close()
		if err := mrows.Err(); err != nil {
			return fmt.Errorf("inbox: export messages: %w", err)
		}
		for _, e := range batch {
			if err := fn(e); err != nil {
				return err
			}
			e.Messages = nil
		}
		if len(batch) < exportBatch {
			return nil
		}
	}
}

// Export is GET /app/inbox/export (ExportData): the conversations the inbox shows with the same
// filters and search, each with its whole thread, as CSV or XLSX (?format=).
func (h *Handler) Export(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	v := r.URL.Query()
	f := parseFilter(c, v, h.Svc.Channels.Names())
	if len(c.IgnoredFilters()) > 0 {
		// A hand-made export address with a filter the inbox cannot read: no file of everything.
		h.Render.Fail(w, r, fault.Malformed("export.err.filters"))
		return
	}
	names := map[int64]string{}
	if members, err := h.Platform.MembersOfTenant(r.Context(), c.Tenant.ID); err == nil {
		for _, m := range members {
			names[m.UserID] = m.Name()
		}
	}
	loc := c.Zone()
	ms := func(t int64) any {
		if t == 0 {
			return ""
		}
		return time.UnixMilli(t).In(loc)
	}
	author := map[string]string{}
	for _, a := range []string{"customer", "ai", "user", "system"} {
		author[a] = c.T("export.author." + a)
	}
	var b strings.Builder
	cols := []string{"#", c.T("export.col.created"), c.T("export.col.channel"), c.T("export.col.state"), c.T("export.col.name"),
		c.T("export.col.phone"), c.T("export.col.email"), c.T("export.col.assigned"), c.T("export.col.urgency"),
		c.T("export.col.last_message"), c.T("export.col.summary"), c.T("export.col.message_count"), c.T("export.col.messages")}
	export.Send(w, r, h.Render, export.Table{List: "conversations", Columns: cols, Filters: v}, func(ctx context.Context, emit export.Emit) error {
		return ExportConversations(ctx, c.DB.Read, f, func(e *ExportConversation) error {
			b.Reset()
			for i, m := range e.Messages {
				if i > 0 {
					b.WriteByte('\n')
				}
				b.WriteString(time.UnixMilli(m.CreatedAt).In(loc).Format("2006-01-02 15:04"))
				b.WriteString(" · ")
				b.WriteString(author[m.Author])
				b.WriteString(": ")
				b.WriteString(words.BodyText(c.P, m.Body)) // "[audio]" is said in the reader's words
			}
			var urg any = ""
			if e.Urgency != nil {
				urg = *e.Urgency
			}
			return emit(e.ID, ms(e.CreatedAt), c.T("inbox.channel."+e.Channel), c.T("inbox.state."+e.State), e.LeadName, e.Phone, e.Email,
				names[e.AssignedUserID], urg, ms(e.LastMessageAt), sayAll(c, words.Summary(e.Summary)), len(e.Messages), b.String())
		})
	})
}

// sayAll says stored phrases as one line in the viewer's language, as the phrases partial does.
func sayAll(c *web.Ctx, ps []i18n.Phrase) string {
	var b strings.Builder
	for i, p := range ps {
		if i > 0 {
			b.WriteString(" · ")
		}
		b.WriteString(c.P.Say(p))
		if p.Quote != "" {
			b.WriteString(" «" + p.Quote + "»")
		}
	}
	return b.String()
}

// placeholders is n comma-separated question marks (n ≥ 1).
func placeholders(n int) string { return "?" + strings.Repeat(",?", n-1) }
