package whatsapp

// Unanswered is how many deliveries for tenant slug are in Accept, waiting for their commit.
func Unanswered(h *Webhook, slug string) int {
	g, ok := h.bySlug.Load(slug)
	if !ok {
		return 0
	}
	gr := g.(*group)
	gr.mu.Lock()
	defer gr.mu.Unlock()
	return gr.unanswered
}
