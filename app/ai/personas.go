package ai

// Term is one thing a customer may name, recognised by any of its stems (lower-case, Turkish-aware).
type Term struct {
	Key   string
	Stems []string
}

// Question is a clarifying question of a persona; it is skipped when the customer already answered
// the topic it covers (a key of the signals found in the message).
type Question struct {
	Covers string
	Text   map[string]string // language → text
}

// Persona is a niche's vocabulary, clarifying questions and catalog hints (guide: 20-niches.md).
type Persona struct {
	ID        string
	Products  []Term // what the customer may ask for; feeds qualification and catalog matching
	Topics    []Term // site details the persona cares about (answered topics are not asked again)
	Questions []Question
	Greeting  map[string]string
	// Sensitive topics are answered with Refusal only (kadin_koc never gives medical advice).
	Sensitive []string
	Refusal   map[string]string
	// Estimates: the persona may compute m² ranges from the tenant's products (as a recommendation).
	Estimates bool
}

// PersonaIDs are the niches, in the order the settings page lists them.
var PersonaIDs = []string{"parke_tas", "muteahhit", "emlakci", "cicekci", "kadin_koc", "balci_aricilik", "default"}

func q(covers, tr, en string) Question {
	return Question{Covers: covers, Text: map[string]string{"tr": tr, "en": en}}
}

var personas = map[string]*Persona{
	"parke_tas": {
		ID: "parke_tas", Estimates: true,
		Products: []Term{
			{"begonit", []string{"begonit", "beton parke"}},
			// Beside Turkish and English, the words German, French, Spanish and Arabic customers
			// write (granit, granito, Arabic with and without its article).
			{"granite", []string{"granit", "granite", "جرانيت", "الجرانيت", "غرانيت", "الغرانيت"}},
			{"andesite", []string{"andezit", "andesite", "andesit", "andésite", "andesita", "أنديزيت", "الأنديزيت"}},
			{"basalt", []string{"bazalt", "basalt", "basalte", "basalto", "بازلت", "البازلت"}},
			{"cube_stone", []string{"küp taş", "küptaş", "kup tas", "cube stone", "cobble", "würfelstein", "kopfstein", "pavé cubique", "adoquín cúbico", "حجر مكعب", "الحجر المكعب"}},
			{"lock_paver", []string{"kilit parke", "kilitli parke", "kilit taş", "lock paver", "interlocking", "verbundpflaster", "verbundstein", "autobloquant", "autoblocante", "انترلوك", "الانترلوك", "إنترلوك"}},
		},
		Topics: []Term{
			{"subbase", []string{"alt zemin", "zemin", "beton", "toprak", "stabilize", "mıcır", "sub-base", "subbase", "base layer"}},
			{"drainage", []string{"drenaj", "su birik", "eğim", "drainage", "water pool"}},
			{"edge", []string{"bordür", "kenar", "edge", "curb", "kerb"}},
			{"access", []string{"araç", "kamyon", "palet", "transpalet", "vinç", "pallet", "truck", "access"}},
			{"diagonal", []string{"diyagonal", "çapraz", "diagonal", "45 derece", "45 degree"}},
		},
		Questions: []Question{
			q("area", "Yaklaşık kaç m² alan döşenecek?", "Roughly how many m² will be paved?"),
			q("product", "Hangi taşı düşünüyorsunuz: begonit, granit, andezit, bazalt, küp taş ya da 6, 8 veya 10 cm kilit parke?", "Which stone do you have in mind: begonit, granite, andesite, basalt, cube stone or 6, 8 or 10 cm lock pavers?"),
			q("subbase", "Zeminde hazır bir alt zemin (stabilize, mıcır) var mı, yoksa kazı ve alt zemin de gerekecek mi?", "Is there a prepared sub-base (compacted gravel) already, or will excavation and a sub-base be needed?"),
			q("drainage", "Alanda su birikmesi oluyor mu, drenaj düşünmeli miyiz?", "Does water collect on the area, should we plan drainage?"),
			q("edge", "Kenarlarda bordür ya da özel bir kenar bitişi istiyor musunuz?", "Would you like kerbs or a particular edge finishing?"),
			q("access", "Palet taşıyan kamyon ve transpalet alana kadar girebiliyor mu?", "Can a truck with pallets and a pallet jack reach the area?"),
		},
		Greeting: map[string]string{"tr": "Merhaba, taş ve parke işiniz için buradayız.", "en": "Hello, we are here for your stone and paving project."},
	},
	"muteahhit": {
		ID: "muteahhit",
		Products: []Term{
			{"apartment", []string{"daire", "konut", "apartman", "apartment", "flat"}},
			{"project", []string{"proje", "inşaat", "kaba inşaat", "project", "construction"}},
			{"land", []string{"arsa", "kat karşılığı", "land", "plot"}},
		},
		Topics: []Term{{"stage", []string{"ruhsat", "permit", "temel", "foundation"}}, {"units", []string{"bağımsız bölüm", "units"}}},
		Questions: []Question{
			q("project", "Projeniz konut mu, ticari mi?", "Is your project residential or commercial?"),
			q("stage", "Proje hangi aşamada: arsa, ruhsat ya da kaba inşaat?", "What stage is the project at: land, permit or shell construction?"),
			q("units", "Kaç bağımsız bölüm planlanıyor?", "How many units are planned?"),
			q("location", "Proje hangi ilçede?", "Which district is the project in?"),
		},
		Greeting: map[string]string{"tr": "Merhaba, projeniz hakkında konuşmaya hazırız.", "en": "Hello, happy to talk about your project."},
	},
	"emlakci": {
		ID: "emlakci",
		Products: []Term{
			{"sale", []string{"satılık", "satın al", "for sale", "buy"}},
			{"rent", []string{"kiralık", "kira", "for rent", "rent"}},
			{"home", []string{"daire", "villa", "müstakil", "apartment", "house"}},
		},
		Topics: []Term{{"rooms", []string{"oda", "3+1", "2+1", "4+1", "bedroom"}}, {"location", []string{"semt", "mahalle", "ilçe", "district", "neighbourhood"}}},
		Questions: []Question{
			q("product", "Satın almak mı yoksa kiralamak mı istiyorsunuz?", "Are you looking to buy or to rent?"),
			q("location", "Hangi semtlerde arıyorsunuz?", "Which neighbourhoods are you looking in?"),
			q("rooms", "Kaç oda ve yaklaşık kaç m² düşünüyorsunuz?", "How many rooms and roughly how many m² do you need?"),
		},
		Greeting: map[string]string{"tr": "Merhaba, aradığınız evi birlikte bulalım.", "en": "Hello, let us find the right home together."},
	},
	"cicekci": {
		ID: "cicekci",
		Products: []Term{
			{"bouquet", []string{"buket", "bouquet"}},
			{"roses", []string{"gül", "rose"}},
			{"orchid", []string{"orkide", "orchid"}},
			{"wreath", []string{"çelenk", "wreath"}},
		},
		Topics: []Term{{"occasion", []string{"doğum günü", "yıldönümü", "düğün", "cenaze", "birthday", "anniversary", "wedding", "funeral"}}, {"location", []string{"semt", "adres", "address", "district"}}},
		Questions: []Question{
			q("occasion", "Hangi özel gün için hazırlıyoruz?", "What is the occasion?"),
			q("product", "Çiçek ya da renk tercihiniz var mı?", "Do you have a flower or colour preference?"),
			q("location", "Çiçek hangi semte gönderilecek?", "Which district should the flowers go to?"),
		},
		Greeting: map[string]string{"tr": "Merhaba, size özel bir aranjman hazırlayalım.", "en": "Hello, let us prepare an arrangement for you."},
	},
	"kadin_koc": {
		ID: "kadin_koc",
		Products: []Term{
			{"coaching", []string{"koçluk", "koç", "seans", "coaching", "coach", "session"}},
			{"career", []string{"kariyer", "iş hayatı", "career"}},
			{"confidence", []string{"özgüven", "motivasyon", "confidence", "motivation"}},
		},
		Topics: []Term{{"format", []string{"online", "yüz yüze", "in person"}}},
		Questions: []Question{
			q("product", "Koçlukta en çok hangi alanda ilerlemek istiyorsunuz: kariyer, özgüven ya da ilişkiler?", "Which area would you most like to work on: career, confidence or relationships?"),
			q("format", "Görüşmeleri online mı, yüz yüze mi tercih edersiniz?", "Do you prefer sessions online or in person?"),
		},
		Greeting:  map[string]string{"tr": "Merhaba, sizi dinlemek için buradayım.", "en": "Hello, I am here to listen."},
		Sensitive: []string{"ilaç", "doktor", "tedavi", "hastalık", "teşhis", "depresyon", "hamile", "gebelik", "reçete", "medication", "medicine", "diagnos", "disease", "pregnan", "prescription", "symptom", "doctor"},
		Refusal: map[string]string{
			"tr": "Sağlıkla ilgili konularda tavsiye veremem; lütfen bir doktora ya da sağlık uzmanına danışın. Koçluk tarafında size memnuniyetle eşlik ederim.",
			"en": "I cannot give medical advice; please talk to a doctor or another health professional. I am glad to support you on the coaching side.",
		},
	},
	"balci_aricilik": {
		ID: "balci_aricilik",
		Products: []Term{
			{"flower_honey", []string{"çiçek balı", "flower honey"}},
			{"chestnut_honey", []string{"kestane balı", "chestnut honey"}},
			{"comb", []string{"petek", "comb"}},
			{"pollen", []string{"polen", "propolis", "arı sütü", "pollen", "royal jelly"}},
			{"honey", []string{"bal", "honey"}},
		},
		Topics: []Term{{"quantity", []string{"kg", "kilo", "kavanoz", "jar"}}, {"location", []string{"şehir", "adres", "city", "address"}}},
		Questions: []Question{
			q("product", "Hangi balı arıyorsunuz: çiçek, kestane ya da petek?", "Which honey are you looking for: flower, chestnut or comb?"),
			q("quantity", "Kaç kavanoz ya da kaç kilo düşünüyorsunuz?", "How many jars or kilograms do you need?"),
			q("location", "Hangi şehre gönderelim?", "Which city should we ship to?"),
		},
		Greeting: map[string]string{"tr": "Merhaba, doğal ballarımız hakkında yardımcı olalım.", "en": "Hello, happy to help with our natural honey."},
	},
	"default": {
		ID: "default",
		Questions: []Question{
			q("product", "Size nasıl yardımcı olabiliriz, hangi hizmetle ilgileniyorsunuz?", "How can we help, which service are you interested in?"),
			q("location", "Hangi şehir ya da ilçedesiniz?", "Which city or district are you in?"),
		},
		Greeting: map[string]string{"tr": "Merhaba, size nasıl yardımcı olabiliriz?", "en": "Hello, how can we help?"},
	},
}

// PersonaFor returns the persona of a niche, or the default persona for an unknown niche.
func PersonaFor(niche string) *Persona {
	if p, ok := personas[niche]; ok {
		return p
	}
	return personas["default"]
}
