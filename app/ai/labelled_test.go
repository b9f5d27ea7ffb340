package ai

import "testing"

// labelled is one customer message of a stone/parquet paving contractor with the answer a careful
// operator would give: should a person take over, and how urgent is it (low <40, mid 40–69, high ≥70).
type labelled struct {
	text    string
	handoff bool
	band    string // low mid high
}

// labelledMessages are written by hand as an operator would judge them, not copied from the engine.
var labelledMessages = []labelled{
	// Turkish
	{"Merhaba", false, "low"},
	{"İyi günler, parke taş işi yapıyor musunuz?", false, "low"},
	{"Bahçeme 80 m2 granit küp taş döşetmek istiyorum, yaklaşık bütçe ne olur?", false, "low"},
	{"Villa otoparkı için bazalt düşünüyoruz, 300 m2 civarı. Kabaca fiyat alabilir miyim?", false, "low"},
	{"Teşekkürler, bilgi için sağolun", false, "low"},
	{"Tamam, eşimle konuşup döneceğim", false, "low"},
	{"Hangi renkler var, katalog gönderebilir misiniz?", false, "low"},
	{"8 cm kilitli parke taşı stokta var mı?", true, "mid"},
	{"Gri granit küp taştan 200 m2 elinizde var mı, hemen almak istiyoruz", true, "high"},
	{"Kesin fiyat verir misiniz? 150 m2 bahçe için", true, "mid"},
	{"Resmi teklif istiyorum, şirketimize fatura kesilecek", true, "mid"},
	{"Teslim ne zaman olur? Haziran başına yetişir mi?", true, "mid"},
	{"Yarın sabah ekip gelebilir mi? Acil!", true, "high"},
	{"Site girişinin 2 haftada bitmesi lazım, yapabilir misiniz?", true, "high"},
	{"Acil dönüş bekliyorum, bugün karar vereceğiz", true, "high"},
	{"Döşediğiniz taşlar bir ayda çatladı, rezalet!", true, "high"},
	{"Şikayetim var, işçiler bahçeyi berbat bırakıp gitti", true, "high"},
	{"Hâlâ bekliyorum, kimse cevap vermiyor, çok kötü", true, "high"},
	{"Taşlara kaç yıl garanti veriyorsunuz?", true, "mid"},
	{"Sözleşmede yazan tarihe uymadınız, avukatıma vereceğim", true, "high"},
	{"Yetkili biriyle görüşmek istiyorum", true, "mid"},
	{"Beni arar mısınız? 0532 123 45 67", true, "mid"},
	{"Taksit yapıyor musunuz, kredi kartına?", false, "low"},
	{"Havuz kenarı için kaymaz taş öneriniz nedir?", false, "low"},
	{"Çapraz döşeme mi düz mü daha şık olur sizce?", false, "low"},
	{"600 m2 fabrika sahası, ayın sonuna kadar bitmeli, son fiyatınız nedir?", true, "high"},
	// English
	{"Hello", false, "low"},
	{"Hi, do you install granite cobbles for driveways?", false, "low"},
	{"Roughly how much would a 40 m2 patio in basalt cost?", false, "low"},
	{"Thank you, that's great, we'll think about it", false, "low"},
	{"Is 6 cm interlocking paver in stock?", true, "mid"},
	{"Can you give me a firm quote for 120 m2?", true, "mid"},
	{"When can you deliver the stones?", true, "mid"},
	{"We need it done tomorrow, it's urgent", true, "high"},
	{"The terrace must be finished within 2 weeks, can you make it?", true, "high"},
	{"The stones you laid are cracked and I'm very unhappy", true, "high"},
	{"I want a refund, this is terrible work!!!", true, "high"},
	{"What warranty do you give on the pavers?", true, "mid"},
	{"I want to talk to a real person please", true, "mid"},
	{"Please call me back, I'm the site manager", true, "mid"},
	{"Do you offer installment payments?", false, "low"},
	{"What colours do your cobblestones come in?", false, "low"},
}

func bandOf(u int) string {
	switch {
	case u >= 70:
		return "high"
	case u >= 40:
		return "mid"
	}
	return "low"
}

// TestLabelledAccuracy measures the builtin engine against hand-written labels. It reports the
// agreement and fails when handoff falls under 80% or the urgency band under its measured floor.
func TestLabelledAccuracy(t *testing.T) {
	if len(labelledMessages) < 40 {
		t.Fatalf("need at least 40 labelled messages, have %d", len(labelledMessages))
	}
	var hOK, bOK int
	for _, m := range labelledMessages {
		r := Analyze(Input{Text: m.text, Niche: "parke_tas"})
		got := bandOf(r.Urgency)
		if r.Handoff == m.handoff {
			hOK++
		} else {
			t.Logf("handoff disagrees: %q want %v got %v (%s)", m.text, m.handoff, r.Handoff, r.HandoffReason)
		}
		if got == m.band {
			bOK++
		} else {
			t.Logf("urgency disagrees: %q want %s got %s (%d, %v)", m.text, m.band, got, r.Urgency, r.Reasons["urgency"])
		}
	}
	n := len(labelledMessages)
	hAcc := float64(hOK) / float64(n) * 100
	bAcc := float64(bOK) / float64(n) * 100
	t.Logf("handoff accuracy %d/%d = %.1f%%, urgency band accuracy %d/%d = %.1f%%", hOK, n, hAcc, bOK, n, bAcc)
	if hAcc < 80 {
		t.Errorf("handoff accuracy %.1f%% is below 80%%", hAcc)
	}
	// Measured 38% when this table was written: builtin-1 under-scores urgency (an urgent word or a
	// complaint lands in "mid", legal threats stay "low"). This floor catches regressions; raising
	// it to 70% is the open work on the engine's weights (see the README and the guide's AI page).
	if bAcc < 35 {
		t.Errorf("urgency band accuracy %.1f%% fell below the measured floor of 35%%", bAcc)
	}
}
