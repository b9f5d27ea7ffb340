package msp

import (
	"context"
	"errors"
	"net/http"

	"highvibe/app/approvals"
	"highvibe/app/tenantdb"
	"highvibe/app/web"
)

// proposalView is the ticket page's assistant card: the newest proposal, what it would change,
// and where its reply draft (and any visit or price asked for) stands in the approval queue.
type proposalView struct {
	*Proposal
	CatChanged, PrioChanged bool
	Reply                   *approvals.Recommendation
	Visit, Price            bool
	ConversationID          int64
	Percent                 int
}

// Differs reports whether applying the proposal would change the ticket.
func (v *proposalView) Differs() bool { return v.CatChanged || v.PrioChanged }

func proposalFor(ctx context.Context, q Querier, t *Ticket) (*proposalView, error) {
	p, err := LatestProposal(ctx, q, t.ID)
	if err != nil || p == nil {
		return nil, err
	}
	v := &proposalView{Proposal: p, CatChanged: p.Category != t.Category, PrioChanged: p.Priority != t.Priority,
		Visit: p.VisitRecID != 0, Price: p.PriceRecID != 0, ConversationID: t.ConversationID, Percent: min(99, int(p.Confidence*100+0.5))}
	if p.ReplyRecID != 0 {
		if v.Reply, err = approvals.ByID(ctx, q, p.ReplyRecID); err != nil && !errors.Is(err, tenantdb.ErrNotFound) {
			return nil, err
		}
	}
	return v, nil
}

// ApplyProposal is POST /app/msp/tickets/{id}/proposal/{pid}/apply: the ticket takes the
// assistant's proposed category and priority.
func (h *Handler) ApplyProposal(w http.ResponseWriter, r *http.Request) { h.decideProposal(w, r, true) }

// DismissProposal is POST /app/msp/tickets/{id}/proposal/{pid}/dismiss: the ticket stays as it is.
func (h *Handler) DismissProposal(w http.ResponseWriter, r *http.Request) {
	h.decideProposal(w, r, false)
}

func (h *Handler) decideProposal(w http.ResponseWriter, r *http.Request, apply bool) {
	c := web.From(r)
	if err := r.ParseForm(); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	t, err := DecideProposal(r.Context(), c.DB, idParam(r, "id"), idParam(r, "pid"), apply, actor(c))
	if err != nil {
		h.refuse(w, r, err)
		return
	}
	msg := "msp_triage.flash.dismissed"
	if apply {
		msg = "msp_triage.flash.applied"
	}
	h.done(w, r, t, msg)
}
