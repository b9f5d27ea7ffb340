package msp

import (
	"context"
	"database/sql"
	"sync"
)

// StatusChange is a ticket's move from one status to another, as the hooks see it. A new ticket
// is a change from "" to "new". At is the time of the change (Unix ms, UTC).
type StatusChange struct {
	Ticket   *Ticket // after the change (Status == To)
	From, To string
	At       int64
	Actor    Actor
}

// Reply is a public reply sent on a ticket's conversation, as the hooks see it.
type Reply struct {
	Ticket    *Ticket
	MessageID int64
	At        int64
	Actor     Actor
}

var (
	hooksMu     sync.RWMutex
	statusHooks []func(ctx context.Context, tx *sql.Tx, c StatusChange) error
	replyHooks  []func(ctx context.Context, tx *sql.Tx, r Reply) error
)

// OnStatusChange registers fn to run inside the transaction of every ticket status change
// (creation included); an error from fn rolls the whole change back. Register at start-up (an
// init function): the SLA clocks pause on waiting_customer and resume on open here.
func OnStatusChange(fn func(ctx context.Context, tx *sql.Tx, c StatusChange) error) {
	hooksMu.Lock()
	defer hooksMu.Unlock()
	statusHooks = append(statusHooks, fn)
}

// OnReply registers fn to run inside the transaction of every public reply on a ticket (the
// first one is the first response an SLA measures); an error from fn rolls the reply back.
func OnReply(fn func(ctx context.Context, tx *sql.Tx, r Reply) error) {
	hooksMu.Lock()
	defer hooksMu.Unlock()
	replyHooks = append(replyHooks, fn)
}

func runStatusHooks(ctx context.Context, tx *sql.Tx, c StatusChange) error {
	hooksMu.RLock()
	hs := statusHooks
	hooksMu.RUnlock()
	for _, h := range hs {
		if err := h(ctx, tx, c); err != nil {
			return err
		}
	}
	return nil
}

func runReplyHooks(ctx context.Context, tx *sql.Tx, r Reply) error {
	hooksMu.RLock()
	hs := replyHooks
	hooksMu.RUnlock()
	for _, h := range hs {
		if err := h(ctx, tx, r); err != nil {
			return err
		}
	}
	return nil
}
