package ai

import "testing"

// benchMessages are typical inbound messages with a conversation behind them, as the WhatsApp
// ingest triages them: the runtime of builtin-3 per message is what this measures.
var benchMessages = []Input{
	{Text: "Merhaba, bahçeme 80 m2 granit küp taş döşetmek istiyorum, yaklaşık fiyat nedir?", Niche: "parke_tas"},
	{Text: "tamam, teşekkürler", Thread: CustomerTurns([]string{"Garaj önündeki taşlar çöktü, su göl gibi birikiyor, hemen gelin"}), Niche: "parke_tas"},
	{Text: "Can you deliver 300 m2 of basalt setts by Friday? Please call me on 0532 123 45 67", Niche: "parke_tas"},
	{Text: "yarın sabah 8de ekibi gönderin yoksa iptal ediyorum, düğünümüz var cumartesi",
		Thread: CustomerTurns([]string{"iyi günler, teras için teklif istemiştim", "hala dönüş yok"}), Niche: "parke_tas"},
}

// BenchmarkTriageBuiltin3 is the whole builtin-3 analysis of one message (model, explanation,
// recommendations, reply), the work the assistant's triage job does per inbound message.
// Run: go test -run '^$' -bench TriageBuiltin3 ./app/ai/
func BenchmarkTriageBuiltin3(b *testing.B) {
	Builtin3()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		Analyze3(benchMessages[i%len(benchMessages)])
	}
}
