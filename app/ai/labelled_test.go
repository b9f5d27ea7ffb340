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

// heldOutMessages were written and labelled after builtin-1 was measured on labelledMessages and
// before its urgency signals were reworked (builtin-2). The weights were set by walking through the
// first table, not this one, so the accuracy here is the better estimate of how the engine does on
// messages it was not fitted to — an optimistic one all the same, because builtin-1's misses on
// these were seen before the vocabulary was widened. They add
// what the first table lacks: water and damage, legal threats by name, Turkish typed without
// Turkish letters, a relaxed deadline, "no rush", and informational questions that name a topic.
var heldOutMessages = []labelled{
	// Turkish
	{"Teras su alıyor, alttaki daireye su sızıyor, bugün birini gönderebilir misiniz?", true, "high"},
	{"Bahçe yolundaki taşlar yerinden oynadı, çocuk takılıp düştü", true, "high"},
	{"acil donus yapin lutfen, yarin beton dokulecek", true, "high"},
	{"Fatura kesilmedi, iki haftadır bekliyorum", true, "mid"},
	{"Tüketici hakem heyetine başvuracağım, parayı iade edin", true, "high"},
	{"Merhaba, 120 m2 andezit için keşfe ne zaman gelebilirsiniz?", true, "mid"},
	{"Kilit parke 6 cm ile 8 cm arasındaki fark nedir?", false, "low"},
	{"Garaj önüne 50 m2 begonit, bu ay içinde yapılsa yeter, fiyat alabilir miyim?", true, "mid"},
	{"Kapora ne kadar, havale ile ödesek olur mu?", false, "low"},
	{"Ustanız telefonlarıma çıkmıyor, iş yarım kaldı!", true, "high"},
	{"Dün döşenen taşlarda renk farkı var, hiç memnun değilim", true, "high"},
	{"ASAP lazım, 3 gün içinde 40 m2 bazalt teslim edebilir misiniz?", true, "high"},
	{"Bir arkadaşım sizi önerdi, önümüzdeki yıl bahçe düzenlemesi düşünüyoruz", false, "low"},
	{"sikayetim var, taslar catladi, kimse gelmedi", true, "high"},
	{"Yağmurdan sonra bahçede su birikiyor, drenaj yapıyor musunuz?", false, "low"},
	{"Sözleşme taslağını gönderir misiniz, inceleyelim", true, "mid"},
	// English
	{"There is water pooling on the new patio after every rain and it's seeping into the basement", true, "high"},
	{"Could you send me your brochure and some photos of past driveway jobs?", false, "low"},
	{"We need 300 m2 of granite setts by Friday, do you have that much in stock?", true, "high"},
	{"My lawyer will contact you about the unfinished work", true, "high"},
	{"Do you work on weekends? Just curious for planning, no rush", false, "low"},
	{"Hi, we're planning a terrace next spring, around 60 m2, what stones would you suggest?", false, "low"},
	{"Please give me a formal quote for 250 m2 of 8 cm pavers, we compare three offers", true, "mid"},
	{"Just checking — is the delivery still on for Monday?", true, "mid"},
}

// agreement scores one table: how many handoff flags and urgency bands match the labels.
func agreement(t *testing.T, name string, table []labelled) (hOK, bOK int) {
	for _, m := range table {
		r := Analyze(Input{Text: m.text, Niche: "parke_tas"})
		got := bandOfScore(r.Urgency)
		if r.Handoff == m.handoff {
			hOK++
		} else {
			t.Logf("%s: handoff disagrees: %q want %v got %v (%s)", name, m.text, m.handoff, r.Handoff, r.HandoffReason)
		}
		if got == m.band {
			bOK++
		} else {
			t.Logf("%s: urgency disagrees: %q want %s got %s (%d, %v)", name, m.text, m.band, got, r.Urgency, r.Reasons["urgency"])
		}
	}
	n := len(table)
	t.Logf("%s: handoff accuracy %d/%d = %.1f%%, urgency band accuracy %d/%d = %.1f%%", name, hOK, n, pct(hOK, n), bOK, n, pct(bOK, n))
	return hOK, bOK
}

func pct(a, n int) float64 { return float64(a) / float64(n) * 100 }

// TestLabelledAccuracy measures the builtin engine against hand-written labels, per table and over
// both. It fails when handoff or the urgency band falls under its measured floor.
func TestLabelledAccuracy(t *testing.T) {
	if len(labelledMessages) < 40 || len(heldOutMessages) < 15 {
		t.Fatalf("need at least 40 + 15 labelled messages, have %d + %d", len(labelledMessages), len(heldOutMessages))
	}
	h1, b1 := agreement(t, "first table", labelledMessages)
	h2, b2 := agreement(t, "held out", heldOutMessages)
	n := len(labelledMessages) + len(heldOutMessages)
	hAcc, bAcc := pct(h1+h2, n), pct(b1+b2, n)
	t.Logf("all: handoff accuracy %d/%d = %.1f%%, urgency band accuracy %d/%d = %.1f%%", h1+h2, n, hAcc, b1+b2, n, bAcc)
	// Measured with builtin-2: first table 42/42 handoff and 42/42 bands (its weights were set on
	// it), held out 23/24 handoff and 21/24 bands, 65/66 = 98.5% and 63/66 = 95.5% over both.
	// builtin-1 measured 80% handoff and 36% bands over both. The floors sit a few points under
	// the measured figures so that a regression fails, while one relabelled message does not.
	if hAcc < 93 {
		t.Errorf("handoff accuracy %.1f%% fell below the measured floor of 93%%", hAcc)
	}
	if bAcc < 90 {
		t.Errorf("urgency band accuracy %.1f%% fell below the measured floor of 90%%", bAcc)
	}
	if held := pct(b2, len(heldOutMessages)); held < 80 {
		t.Errorf("urgency band accuracy on the held-out table %.1f%% fell below the measured floor of 80%%", held)
	}
}
