// Package live fans out "something changed in this tenant" events to open browser tabs (the
// inbox's Server-Sent Events stream and the widget's long-poll), in process, per tenant.
package live

import "sync"

// Event says what changed; pages decide what to reload.
type Event struct {
	Kind           string // message, conversation, recommendation, snapshot
	ConversationID int64
	MessageID      int64
}

// Hub is a per-tenant publish/subscribe of events. Slow subscribers drop events rather than
// blocking writers: a dropped event only delays a refresh, it never loses data.
type Hub struct {
	mu   sync.Mutex
	subs map[string]map[chan Event]struct{}
}

// NewHub makes an empty hub.
func NewHub() *Hub { return &Hub{subs: map[string]map[chan Event]struct{}{}} }

// Subscribe returns a channel of the tenant's events and a function to stop.
func (h *Hub) Subscribe(tenant string) (<-chan Event, func()) {
	ch := make(chan Event, 16)
	h.mu.Lock()
	if h.subs[tenant] == nil {
		h.subs[tenant] = map[chan Event]struct{}{}
	}
	h.subs[tenant][ch] = struct{}{}
	h.mu.Unlock()
	return ch, func() {
		h.mu.Lock()
		delete(h.subs[tenant], ch)
		if len(h.subs[tenant]) == 0 {
			delete(h.subs, tenant)
		}
		h.mu.Unlock()
	}
}

// Publish sends e to every subscriber of the tenant without blocking.
func (h *Hub) Publish(tenant string, e Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for ch := range h.subs[tenant] {
		select {
		case ch <- e:
		default:
		}
	}
}

// Subscribers counts open subscriptions of a tenant (for tests and metrics).
func (h *Hub) Subscribers(tenant string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.subs[tenant])
}
