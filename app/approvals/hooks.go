package approvals

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"sync"

	"highvibe/app/inbox"
)

// DecidedHook is told about a decision inside the decision's own transaction, after the
// recommendation's status changed (rec.Status is the new one: approved, rejected or executed), so
// a room whose work waits on a recommendation (a site visit's date) acts in the same commit: the
// decision and its consequence exist together or not at all. A hook must only touch its own
// room's tables and queue jobs (it runs for every recommendation, and decides itself whether a
// recommendation is its); returning an error rolls the decision back.
type DecidedHook func(ctx context.Context, tx *sql.Tx, rec *Recommendation, actor Actor) error

var decided struct {
	sync.RWMutex
	hooks   map[string]DecidedHook
	sends   map[string]bool // models whose approved drafts a hook sends (SentByHook)
	targets map[string]SendTarget
}

// OnDecided registers hook under name (the room's); registering the same name again replaces it,
// so starting several servers in one process (tests) keeps one hook per room. The approval queue
// cannot import the rooms that wait on it; they register from app/serve.go.
func OnDecided(name string, hook DecidedHook) {
	decided.Lock()
	defer decided.Unlock()
	if decided.hooks == nil {
		decided.hooks = map[string]DecidedHook{}
	}
	decided.hooks[name] = hook
}

// SentByHook names the model (Recommendation.ModelName) of drafts a room's decision hook sends
// itself when they are approved, as the channel's approved template when its reply window is
// closed (a follow-up): the conversation page offers "Approve and send" for them however long
// ago the customer last wrote. Registered from app/serve.go, with the hook.
func SentByHook(model string) {
	decided.Lock()
	defer decided.Unlock()
	if decided.sends == nil {
		decided.sends = map[string]bool{}
	}
	decided.sends[model] = true
}

// sentByHook reports whether drafts of model are sent by a decision hook (SentByHook).
func sentByHook(model string) bool {
	decided.RLock()
	defer decided.RUnlock()
	return decided.sends[model]
}

// SendTarget is where a room's decision hook sends a draft reply when it is approved (a
// follow-up, an MSP ticket's reply): the conversation, and the purpose of the channel's approved
// template it goes as once the reply window is closed ("": free text only). ok is false for a
// recommendation that is not the room's.
type SendTarget func(ctx context.Context, q inbox.Querier, rec *Recommendation) (convID int64, purpose string, ok bool, err error)

// SendsTo registers, under the room's name (as OnDecided), where its hook sends an approved draft,
// so that approving one that could not reach the customer is refused first (Reach).
func SendsTo(name string, f SendTarget) {
	decided.Lock()
	defer decided.Unlock()
	if decided.targets == nil {
		decided.targets = map[string]SendTarget{}
	}
	decided.targets[name] = f
}

// target is where rec's draft goes when it is approved and sent: a room's (SendsTo), else the
// recommendation's own conversation as free text (0: none).
func target(ctx context.Context, q inbox.Querier, rec *Recommendation) (int64, string, error) {
	decided.RLock()
	fs := make([]SendTarget, 0, len(decided.targets))
	for _, f := range decided.targets {
		fs = append(fs, f)
	}
	decided.RUnlock()
	for _, f := range fs {
		conv, purpose, ok, err := f(ctx, q, rec)
		if err != nil || ok {
			return conv, purpose, err
		}
	}
	return rec.ConversationID, "", nil
}

// runDecided calls every registered hook, in name order.
func runDecided(ctx context.Context, tx *sql.Tx, rec *Recommendation, actor Actor) error {
	decided.RLock()
	names := make([]string, 0, len(decided.hooks))
	for n := range decided.hooks {
		names = append(names, n)
	}
	hooks := make([]DecidedHook, 0, len(names))
	sort.Strings(names)
	for _, n := range names {
		hooks = append(hooks, decided.hooks[n])
	}
	decided.RUnlock()
	for _, h := range hooks {
		if err := h(ctx, tx, rec, actor); err != nil {
			return err
		}
	}
	return nil
}

// WithdrawTx rejects a recommendation that is still open inside the caller's transaction, without
// a note in the conversation: the thing it was about is gone (a site visit moved to another date
// or cancelled), so nobody should approve it any more. A decided one stays as it was.
func WithdrawTx(ctx context.Context, tx *sql.Tx, id int64, actor Actor) error {
	rec, err := ByID(ctx, tx, id)
	if err != nil || !rec.Open() {
		return err
	}
	_, _, err = decideTx(ctx, tx, Decision{ID: id, Verb: "reject", Actor: actor}, "rejected")
	if errors.Is(err, ErrDecided) {
		return nil
	}
	return err
}

// WithdrawByKeyTx is WithdrawTx for the open recommendation with dedupe key key, if there is one:
// a producer that knows its recommendations by key (the MSP SLA job: "sla:<ticket>:<target>")
// withdraws the warning once the ticket is answered or resolved.
func WithdrawByKeyTx(ctx context.Context, tx *sql.Tx, key string, actor Actor) error {
	var id int64
	err := tx.QueryRowContext(ctx, `SELECT id FROM decision_recommendations WHERE dedupe_key = ? AND status IN ('draft','pending')`, key).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("approvals: withdraw %s: %w", key, err)
	}
	return WithdrawTx(ctx, tx, id, actor)
}

type originKey struct{}

// WithOrigin records in ctx the public origin ("https://panel.example.com") of the request that
// decides, so a hook can build absolute links for a customer (a site visit's page) when the server
// has no base URL set.
func WithOrigin(ctx context.Context, origin string) context.Context {
	return context.WithValue(ctx, originKey{}, origin)
}

// Origin is the origin WithOrigin recorded ("" when none).
func Origin(ctx context.Context) string {
	s, _ := ctx.Value(originKey{}).(string)
	return s
}
