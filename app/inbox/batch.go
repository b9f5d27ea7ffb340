package inbox

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"highvibe/app/channels/channel"
	"highvibe/app/live"
	"highvibe/app/tenantdb"
)

// Batch is one write transaction storing many inbound messages (IngestBatch): each message does
// what Ingest does, except the search document: the batch records each conversation it touched in
// search_pending, once, and the inbox_search job rebuilds the documents off the acknowledging
// path (Service.IndexPending), once per conversation however many messages arrived meanwhile.
type Batch struct {
	ctx     context.Context
	reg     *channel.Registry
	tx      *sql.Tx
	q       *stmtCache
	touched map[int64]int64 // conversation → the first message this batch added to it
	order   []int64
	events  []live.Event
}

// Tx is the batch's transaction, for the caller's own writes that must commit with the messages
// (action-log rows, delivery statuses, the job rows being finished).
func (b *Batch) Tx() *sql.Tx { return b.tx }

// Q runs statements in the batch's transaction through statements compiled once per database
// (tenantdb.DB.WriteStmt), for the caller's own writes that repeat for every message (job rows).
func (b *Batch) Q() Writer { return b.q }

// IngestBatch runs fn in one write transaction; fn stores messages with Batch.Ingest. Nothing of
// it is kept unless everything is: fn's error rolls the whole batch back. After the commit every
// stored message is published to open inbox tabs; the search finds them once the inbox_search job
// has run (SearchDelay after the first of them, and a little longer under a heavy burst).
func (s *Service) IngestBatch(ctx context.Context, tenantSlug string, db *tenantdb.DB, fn func(b *Batch) error) error {
	b := &Batch{ctx: ctx, reg: s.Channels}
	err := db.InTx(ctx, func(tx *sql.Tx) error {
		b.tx, b.q, b.touched, b.order, b.events = tx, &stmtCache{tx: tx, db: db, m: map[string]*sql.Stmt{}}, map[int64]int64{}, nil, nil
		if err := fn(b); err != nil {
			return err
		}
		return markPending(ctx, b.q, b.order, b.touched)
	})
	if err != nil {
		return err
	}
	for _, e := range b.events {
		s.publish(tenantSlug, e)
	}
	return nil
}

// Ingest stores one inbound message in the batch. A provider message id already stored (before
// or earlier in this batch) creates nothing and answers Duplicate with the stored message's ids;
// the batch holds the database's one writer, so the look-up cannot race another insert, and the
// unique index stays the last word.
func (b *Batch) Ingest(in Inbound) (IngestResult, error) {
	if in.ProviderMessageID != "" {
		res := IngestResult{Duplicate: true}
		err := b.q.QueryRowContext(b.ctx, qDuplicate, in.Channel, in.ProviderMessageID).Scan(&res.MessageID, &res.ConversationID, &res.LeadID)
		if err == nil {
			return res, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return IngestResult{}, fmt.Errorf("inbox: duplicate check: %w", err)
		}
	}
	res, err := ingestTx(b.ctx, b.reg, b.q, in)
	if err != nil {
		return IngestResult{}, err
	}
	if _, ok := b.touched[res.ConversationID]; !ok {
		b.order = append(b.order, res.ConversationID)
		b.touched[res.ConversationID] = res.MessageID
	}
	b.events = append(b.events, live.Event{Kind: "message", ConversationID: res.ConversationID, MessageID: res.MessageID})
	return res, nil
}

// Writer is what statements inside a write need: a transaction, or a statement cache on one.
type Writer = querier

// querier is what the inbox's own statements need: a transaction, or a stmtCache on one.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// stmtCache runs a batch's statements compiled once per database (tenantdb.DB.WriteStmt), not once
// per transaction: a batch runs the same dozen statements for every message, and compiling them
// was a large share of the work. m holds them bound to this transaction.
type stmtCache struct {
	tx  *sql.Tx
	db  *tenantdb.DB
	m   map[string]*sql.Stmt
	tip int64 // the action-log row audit.Write last appended through it (audit.Tipped)
}

// AuditTip is where audit.Write keeps the id of the row it last appended in this transaction.
func (c *stmtCache) AuditTip() *int64 { return &c.tip }

// Handle names the batch's database, so audit.Write keeps the tenant's key ring with it instead
// of reading the key file for every message (audit.Handled).
func (c *stmtCache) Handle() *tenantdb.DB { return c.db }

func (c *stmtCache) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if st, ok := c.m[query]; ok {
		return st, nil
	}
	st, err := c.db.WriteStmt(ctx, c.tx, query)
	if err != nil {
		return nil, err
	}
	c.m[query] = st
	return st, nil
}

func (c *stmtCache) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	st, err := c.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}

func (c *stmtCache) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, err := c.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

func (c *stmtCache) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	st, err := c.stmt(ctx, query)
	if err != nil {
		return c.tx.QueryRowContext(ctx, query, args...) // answers the same error on Scan
	}
	return st.QueryRowContext(ctx, args...)
}
