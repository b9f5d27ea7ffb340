package words

import "html/template"

// Funcs are the template functions that turn stored codes into phrases; the page then says each
// phrase with {{template "phrase" .}} (views/partials/phrase.html).
func Funcs() template.FuncMap {
	return template.FuncMap{
		"summaryWords": Summary,
		"reviewWords":  Review,
		"signalWords":  Signal,
		"recTitle":     RecTitle,
		"recSummary":   RecSummary,
		"providerWord": Provider,
		"actionWord":   Action,
		"logWords":     LogSummary,
		"modelWord":    Model,
		"actorWord":    Actor,
		"eventWords":   Event,
		"reasonWords":  Reasons,
		"langWord":     Language,
		"bodyWords":    Body,
	}
}
