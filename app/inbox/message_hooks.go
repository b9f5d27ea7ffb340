package inbox

import (
	"context"
	"database/sql"
	"sort"
	"sync"
)

// MessageEvent is one message just stored in a conversation, as a message hook sees it.
type MessageEvent struct {
	ConversationID int64
	LeadID         int64
	MessageID      int64
	Channel        string
	Direction      string // inbound outbound system
	AuthorKind     string // customer ai user system
	At             int64  // Unix ms
}

// MessageHook is told about every message stored in a conversation (a customer's, ingested from a
// channel; an operator's, the assistant's or the system's, through AddMessage), inside the
// transaction that stores it, so a room whose work depends on the conversation going quiet (the
// follow-ups) stops it in the same commit. w runs statements in that transaction (the transaction
// itself, or an ingest batch's statement cache on it); tx is the transaction. A hook writes only
// its own room's tables; its error rolls the message back, so it must not fail on ordinary data.
type MessageHook func(ctx context.Context, w Writer, tx *sql.Tx, m MessageEvent) error

var messageHooks struct {
	sync.RWMutex
	names []string
	hooks map[string]MessageHook
}

// OnMessage registers hook under name (the room's); registering the same name again replaces it.
// The inbox cannot import the rooms that build on it; they register from app/serve.go.
func OnMessage(name string, hook MessageHook) {
	messageHooks.Lock()
	defer messageHooks.Unlock()
	if messageHooks.hooks == nil {
		messageHooks.hooks = map[string]MessageHook{}
	}
	if _, ok := messageHooks.hooks[name]; !ok {
		messageHooks.names = append(messageHooks.names, name)
		sort.Strings(messageHooks.names)
	}
	messageHooks.hooks[name] = hook
}

// runMessageHooks calls every registered hook, in name order.
func runMessageHooks(ctx context.Context, w Writer, tx *sql.Tx, m MessageEvent) error {
	messageHooks.RLock()
	if len(messageHooks.names) == 0 {
		messageHooks.RUnlock()
		return nil
	}
	hooks := make([]MessageHook, 0, len(messageHooks.names))
	for _, n := range messageHooks.names {
		hooks = append(hooks, messageHooks.hooks[n])
	}
	messageHooks.RUnlock()
	for _, h := range hooks {
		if err := h(ctx, w, tx, m); err != nil {
			return err
		}
	}
	return nil
}

// txOf is the transaction a statement runner writes in.
func txOf(q querier) *sql.Tx {
	switch v := q.(type) {
	case *sql.Tx:
		return v
	case *stmtCache:
		return v.tx
	}
	return nil
}

// StateEvent is a conversation's state just set (by its form, a quote, a card moved on the
// pipeline board), as a state hook sees it.
type StateEvent struct {
	ConversationID, LeadID int64
	State                  string // new contacted engaged qualified offer negotiation won lost
}

// StateHook is told of every conversation state set, inside the transaction that sets it. Like a
// MessageHook it writes only its own room's tables; its error rolls the change back.
type StateHook func(ctx context.Context, tx *sql.Tx, e StateEvent) error

var stateHooks struct {
	sync.RWMutex
	names []string
	hooks map[string]StateHook
}

// OnStateChange registers hook under name (the room's); registering the same name again replaces it.
func OnStateChange(name string, hook StateHook) {
	stateHooks.Lock()
	defer stateHooks.Unlock()
	if stateHooks.hooks == nil {
		stateHooks.hooks = map[string]StateHook{}
	}
	if _, ok := stateHooks.hooks[name]; !ok {
		stateHooks.names = append(stateHooks.names, name)
		sort.Strings(stateHooks.names)
	}
	stateHooks.hooks[name] = hook
}

func runStateHooks(ctx context.Context, tx *sql.Tx, e StateEvent) error {
	stateHooks.RLock()
	hooks := make([]StateHook, 0, len(stateHooks.names))
	for _, n := range stateHooks.names {
		hooks = append(hooks, stateHooks.hooks[n])
	}
	stateHooks.RUnlock()
	for _, h := range hooks {
		if err := h(ctx, tx, e); err != nil {
			return err
		}
	}
	return nil
}
