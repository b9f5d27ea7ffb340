package inbox

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
)

// StageChange is a conversation's new state and what it did to its lead's stage (From → To; equal
// when the lead's stage did not move), told to the rooms that follow the funnel (conversion
// tracking) inside the change's own transaction.
type StageChange struct {
	LeadID, ConversationID int64
	State                  string // the conversation's new state
	From, To               string // the lead's stage before and after
}

// stageHooks are the functions told of every state change, by name (registered at start-up).
var stageHooks struct {
	sync.RWMutex
	byName map[string]func(context.Context, *sql.Tx, StageChange) error
	order  []string
}

// OnStageChange registers f under name: it runs inside the transaction of every conversation
// state change (the conversation form, a sent or accepted quote), after the lead's stage followed,
// and an error undoes the change. A room that must act on it records what it needs (a job) in
// that transaction; the inbox writes nothing of that room. Registering a name again replaces it.
func OnStageChange(name string, f func(context.Context, *sql.Tx, StageChange) error) {
	stageHooks.Lock()
	defer stageHooks.Unlock()
	if stageHooks.byName == nil {
		stageHooks.byName = map[string]func(context.Context, *sql.Tx, StageChange) error{}
	}
	if _, ok := stageHooks.byName[name]; !ok {
		stageHooks.order = append(stageHooks.order, name)
	}
	stageHooks.byName[name] = f
}

// tellStageChange runs the registered hooks in registration order.
func tellStageChange(ctx context.Context, tx *sql.Tx, ch StageChange) error {
	stageHooks.RLock()
	defer stageHooks.RUnlock()
	for _, name := range stageHooks.order {
		if err := stageHooks.byName[name](ctx, tx, ch); err != nil {
			return fmt.Errorf("inbox: stage hook %s: %w", name, err)
		}
	}
	return nil
}
