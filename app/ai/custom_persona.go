package ai

import (
	"strings"

	"highvibe/app/platform"
)

// PersonaOf is the persona the assistant uses for a tenant: its custom niche's (staff defined:
// vocabulary, forbidden topics) or its built-in niche's. Estimates from the catalog need the
// construction module on.
func PersonaOf(t *platform.Tenant) *Persona {
	var p *Persona
	if t.Niche != nil {
		p = customPersona(t.Niche)
	} else {
		p = PersonaFor(t.NicheID)
	}
	if p.Estimates && !t.HasModule(platform.ModuleConstruction) {
		cp := *p
		cp.Estimates = false
		p = &cp
	}
	return p
}

// customPersona builds a persona from a custom niche: each vocabulary word is a thing the customer
// may ask for (it qualifies the lead and matches the catalog), each forbidden topic is answered with
// a short refusal and handed to a person; questions and greeting are the default persona's.
func customPersona(n *platform.Niche) *Persona {
	def := PersonaFor("default")
	p := &Persona{ID: n.ID, Questions: def.Questions, Greeting: def.Greeting}
	for _, w := range n.Vocabulary {
		p.Products = append(p.Products, Term{Key: w, Stems: []string{lowerTR(w)}})
	}
	for _, w := range n.Forbidden {
		p.Sensitive = append(p.Sensitive, lowerTR(w))
	}
	if len(p.Sensitive) > 0 {
		p.Refusal = map[string]string{
			"tr": "Bu konuda buradan tavsiye veremiyorum; ekibimizden bir yetkili size dönecek.",
			"en": "I cannot advise on that here; a member of our team will get back to you.",
		}
		fillLangs(p.Refusal)
	}
	return p
}

// personaPrompt is the part of a configured model's system prompt that says whom it speaks for.
func personaPrompt(t *platform.Tenant) string {
	if t.Niche == nil {
		return "You answer customers of a " + t.NicheID + " business"
	}
	s := "You answer customers of a business described as: " + strings.TrimSpace(t.Niche.Persona)
	if t.Niche.Persona == "" {
		s = "You answer customers of a " + t.Niche.Names["en"] + " business"
	}
	if len(t.Niche.Vocabulary) > 0 {
		s += ". Customers may use these words: " + strings.Join(t.Niche.Vocabulary, ", ")
	}
	if len(t.Niche.Forbidden) > 0 {
		s += ". Never advise on these topics; say a person will follow up: " + strings.Join(t.Niche.Forbidden, ", ")
	}
	return s
}
