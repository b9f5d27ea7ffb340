package ai

import (
	"strings"

	"highvibe/app/i18n"
)

// replyLangs are the languages the builtin engine writes to a customer in: the panel's six.
var replyLangs = []string{"tr", "en", "de", "fr", "es", "ar"}

// replyIn reports whether the builtin has its texts to a customer in lang.
func replyIn(lang string) bool {
	for _, l := range replyLangs {
		if l == lang {
			return true
		}
	}
	return false
}

// moreLangs are the builtin's words to a customer in German, French, Spanish and Arabic, by their
// English text: the personas' questions, greetings and refusals (filled into them by init, so a
// persona keeps its texts in one place), and the lines every reply starts with. A German customer
// got them in English: the texts were in Turkish and English only.
var moreLangs = map[string][4]string{ // de, fr, es, ar
	// parke_tas
	"Roughly how many m² will be paved?": {"Wie viele m² sollen ungefähr gepflastert werden?", "Environ combien de m² faut-il paver ?",
		"¿Aproximadamente cuántos m² hay que pavimentar?", "كم مترًا مربعًا تقريبًا تريدون رصفها؟"},
	"Which stone do you have in mind: begonit, granite, andesite, basalt, cube stone or 6, 8 or 10 cm lock pavers?": {
		"An welchen Stein denken Sie: Betonpflaster (Begonit), Granit, Andesit, Basalt, Würfelstein oder 6, 8 oder 10 cm Verbundpflaster?",
		"Quelle pierre envisagez-vous : pavé béton (begonit), granit, andésite, basalte, pavé cubique ou pavé autobloquant de 6, 8 ou 10 cm ?",
		"¿Qué piedra tiene en mente: adoquín de hormigón (begonit), granito, andesita, basalto, adoquín cúbico o adoquín autoblocante de 6, 8 o 10 cm?",
		"ما الحجر الذي تفكرون فيه: بلاط إسمنتي (بيغونيت)، أم غرانيت، أم أنديزيت، أم بازلت، أم حجر مكعب، أم بلاط متداخل بسماكة 6 أو 8 أو 10 سم؟"},
	"Is there a prepared sub-base (compacted gravel) already, or will excavation and a sub-base be needed?": {
		"Gibt es schon einen vorbereiteten Unterbau (verdichteter Schotter), oder sind Aushub und Unterbau nötig?",
		"Y a-t-il déjà une sous-couche préparée (gravier compacté), ou faudra-t-il terrasser et la réaliser ?",
		"¿Ya hay una base preparada (grava compactada) o habrá que excavar y hacer la base?",
		"هل توجد طبقة أساس مجهزة (حصى مدكوك)، أم سنحتاج إلى الحفر وتجهيز طبقة الأساس؟"},
	"Does water collect on the area, should we plan drainage?": {"Sammelt sich auf der Fläche Wasser, sollen wir eine Entwässerung einplanen?",
		"L'eau stagne-t-elle sur la surface, faut-il prévoir un drainage ?", "¿Se acumula agua en la zona, deberíamos prever un drenaje?",
		"هل تتجمع المياه في المكان، وهل نخطط لتصريفها؟"},
	"Would you like kerbs or a particular edge finishing?": {"Wünschen Sie Randsteine oder einen besonderen Randabschluss?",
		"Souhaitez-vous des bordures ou une finition particulière sur les bords ?", "¿Quiere bordillos o algún acabado especial en los bordes?",
		"هل ترغبون في أحجار حافة (بردورة) أو تشطيب خاص للأطراف؟"},
	"Can a truck with pallets and a pallet jack reach the area?": {"Kommen ein Lkw mit Paletten und ein Hubwagen bis zur Fläche?",
		"Un camion avec des palettes et un transpalette peuvent-ils accéder à la surface ?", "¿Pueden llegar hasta la zona un camión con palés y una transpaleta?",
		"هل يمكن لشاحنة محمّلة بالمنصات ورافعة منصات يدوية الوصول إلى المكان؟"},
	"Hello, we are here for your stone and paving project.": {"Guten Tag, wir sind für Ihr Stein- und Pflasterprojekt da.",
		"Bonjour, nous sommes là pour votre projet de pierre et de pavage.", "Hola, estamos aquí para su proyecto de piedra y pavimentación.",
		"مرحبًا، نحن هنا من أجل مشروع الحجر والرصف الخاص بكم."},
	// muteahhit
	"Is your project residential or commercial?": {"Ist Ihr Projekt ein Wohn- oder ein Gewerbebau?", "Votre projet est-il résidentiel ou commercial ?",
		"¿Su proyecto es residencial o comercial?", "هل مشروعكم سكني أم تجاري؟"},
	"What stage is the project at: land, permit or shell construction?": {"In welcher Phase ist das Projekt: Grundstück, Baugenehmigung oder Rohbau?",
		"À quel stade en est le projet : terrain, permis de construire ou gros œuvre ?", "¿En qué fase está el proyecto: terreno, licencia u obra gruesa?",
		"في أي مرحلة المشروع: أرض، أم ترخيص، أم هيكل إنشائي؟"},
	"How many units are planned?": {"Wie viele Einheiten sind geplant?", "Combien de lots sont prévus ?", "¿Cuántas unidades están previstas?", "كم وحدة مخطط لها؟"},
	"Which district is the project in?": {"In welchem Stadtteil liegt das Projekt?", "Dans quel quartier se trouve le projet ?", "¿En qué distrito está el proyecto?",
		"في أي حي يقع المشروع؟"},
	"Hello, happy to talk about your project.": {"Guten Tag, wir sprechen gern über Ihr Projekt.", "Bonjour, nous serons ravis de parler de votre projet.",
		"Hola, con gusto hablamos de su proyecto.", "مرحبًا، يسعدنا الحديث عن مشروعكم."},
	// emlakci
	"Are you looking to buy or to rent?": {"Möchten Sie kaufen oder mieten?", "Souhaitez-vous acheter ou louer ?", "¿Busca comprar o alquilar?",
		"هل تبحثون عن الشراء أم الإيجار؟"},
	"Which neighbourhoods are you looking in?": {"In welchen Stadtteilen suchen Sie?", "Dans quels quartiers cherchez-vous ?", "¿En qué barrios busca?",
		"في أي الأحياء تبحثون؟"},
	"How many rooms and roughly how many m² do you need?": {"Wie viele Zimmer und ungefähr wie viele m² brauchen Sie?",
		"Combien de pièces et environ combien de m² vous faut-il ?", "¿Cuántas habitaciones y aproximadamente cuántos m² necesita?",
		"كم غرفة وكم مترًا مربعًا تقريبًا تحتاجون؟"},
	"Hello, let us find the right home together.": {"Guten Tag, finden wir gemeinsam das passende Zuhause.",
		"Bonjour, trouvons ensemble le logement qui vous convient.", "Hola, busquemos juntos la vivienda adecuada.", "مرحبًا، لنجد معًا المنزل المناسب لكم."},
	// cicekci
	"What is the occasion?": {"Zu welchem Anlass?", "Pour quelle occasion ?", "¿Para qué ocasión?", "ما المناسبة؟"},
	"Do you have a flower or colour preference?": {"Haben Sie Wünsche zu Blumen oder Farben?", "Avez-vous une préférence de fleurs ou de couleurs ?",
		"¿Tiene alguna preferencia de flores o colores?", "هل تفضّلون نوعًا أو لونًا معينًا من الزهور؟"},
	"Which district should the flowers go to?": {"In welchen Stadtteil sollen die Blumen geliefert werden?", "Dans quel quartier faut-il livrer les fleurs ?",
		"¿A qué barrio hay que enviar las flores?", "إلى أي حي نرسل الزهور؟"},
	"Hello, let us prepare an arrangement for you.": {"Guten Tag, gern stellen wir ein Gesteck für Sie zusammen.", "Bonjour, laissez-nous vous préparer une composition.",
		"Hola, déjenos prepararle un arreglo floral.", "مرحبًا، دعونا نجهّز لكم تنسيقًا من الزهور."},
	// kadin_koc
	"Which area would you most like to work on: career, confidence or relationships?": {"Woran möchten Sie am liebsten arbeiten: Karriere, Selbstvertrauen oder Beziehungen?",
		"Sur quel domaine aimeriez-vous surtout travailler : carrière, confiance en soi ou relations ?",
		"¿En qué área le gustaría trabajar sobre todo: carrera, confianza o relaciones?",
		"ما المجال الذي تودّون العمل عليه أكثر: المسار المهني، أم الثقة بالنفس، أم العلاقات؟"},
	"Do you prefer sessions online or in person?": {"Möchten Sie die Sitzungen lieber online oder persönlich?", "Préférez-vous des séances en ligne ou en personne ?",
		"¿Prefiere las sesiones en línea o en persona?", "هل تفضّلون الجلسات عبر الإنترنت أم حضوريًا؟"},
	"Hello, I am here to listen.": {"Guten Tag, ich bin hier, um Ihnen zuzuhören.", "Bonjour, je suis là pour vous écouter.", "Hola, estoy aquí para escucharle.",
		"مرحبًا، أنا هنا لأستمع إليكم."},
	"I cannot give medical advice; please talk to a doctor or another health professional. I am glad to support you on the coaching side.": {
		"Zu medizinischen Fragen kann ich keinen Rat geben; bitte wenden Sie sich an eine Ärztin, einen Arzt oder eine andere Fachperson. Beim Coaching begleite ich Sie gern.",
		"Je ne peux pas donner de conseil médical ; adressez-vous à un médecin ou à un autre professionnel de santé. Je vous accompagne volontiers pour le coaching.",
		"No puedo dar consejos médicos; consulte con un médico u otro profesional de la salud. Con gusto le acompaño en el coaching.",
		"لا يمكنني تقديم نصائح طبية؛ يُرجى استشارة طبيب أو مختص صحي. ويسعدني أن أرافقكم في جانب التدريب."},
	// balci_aricilik
	"Which honey are you looking for: flower, chestnut or comb?": {"Welchen Honig suchen Sie: Blütenhonig, Kastanienhonig oder Wabenhonig?",
		"Quel miel cherchez-vous : miel de fleurs, de châtaignier ou en rayon ?", "¿Qué miel busca: de flores, de castaño o en panal?",
		"ما العسل الذي تبحثون عنه: عسل الزهور، أم عسل الكستناء، أم عسل الشمع؟"},
	"How many jars or kilograms do you need?": {"Wie viele Gläser oder Kilo brauchen Sie?", "Combien de pots ou de kilos vous faut-il ?",
		"¿Cuántos tarros o kilos necesita?", "كم برطمانًا أو كيلوغرامًا تحتاجون؟"},
	"Which city should we ship to?": {"In welche Stadt sollen wir liefern?", "Dans quelle ville devons-nous livrer ?", "¿A qué ciudad se lo enviamos?",
		"إلى أي مدينة نرسل الطلب؟"},
	"Hello, happy to help with our natural honey.": {"Guten Tag, gern helfen wir Ihnen mit unserem naturreinen Honig.",
		"Bonjour, nous vous aidons volontiers à choisir notre miel naturel.", "Hola, con gusto le ayudamos con nuestra miel natural.",
		"مرحبًا، يسعدنا مساعدتكم في اختيار عسلنا الطبيعي."},
	// default (and custom niches)
	"How can we help, which service are you interested in?": {"Wie können wir helfen, für welche Leistung interessieren Sie sich?",
		"Comment pouvons-nous vous aider, quel service vous intéresse ?", "¿En qué podemos ayudarle, qué servicio le interesa?",
		"كيف يمكننا مساعدتكم، وما الخدمة التي تهمكم؟"},
	"Which city or district are you in?": {"In welcher Stadt oder welchem Stadtteil sind Sie?", "Dans quelle ville ou quel quartier êtes-vous ?",
		"¿En qué ciudad o distrito se encuentra?", "في أي مدينة أو حي أنتم؟"},
	"Hello, how can we help?": {"Guten Tag, wie können wir helfen?", "Bonjour, comment pouvons-nous vous aider ?", "Hola, ¿en qué podemos ayudarle?",
		"مرحبًا، كيف يمكننا مساعدتكم؟"},
	"I cannot advise on that here; a member of our team will get back to you.": {"Dazu kann ich hier keinen Rat geben; jemand aus unserem Team meldet sich bei Ihnen.",
		"Je ne peux pas vous conseiller sur ce point ici ; un membre de notre équipe reviendra vers vous.",
		"No puedo asesorarle sobre eso aquí; una persona de nuestro equipo se pondrá en contacto con usted.",
		"لا يمكنني تقديم المشورة في هذا الأمر هنا؛ سيعود إليكم أحد أعضاء فريقنا."},
	// the lines of every reply (compose, holdingLine)
	"Thank you, we have noted the details.": {"Vielen Dank, wir haben die Angaben notiert.", "Merci, nous avons bien noté les informations.",
		"Gracias, hemos anotado los datos.", "شكرًا لكم، سجّلنا التفاصيل."},
	"Thank you, we have your message. A member of our team will check this and get back to you.": {
		"Vielen Dank, wir haben Ihre Nachricht erhalten. Jemand aus unserem Team prüft das und meldet sich bei Ihnen.",
		"Merci, nous avons bien reçu votre message. Un membre de notre équipe va vérifier et reviendra vers vous.",
		"Gracias, hemos recibido su mensaje. Una persona de nuestro equipo lo revisará y se pondrá en contacto con usted.",
		"شكرًا لكم، وصلتنا رسالتكم. سيراجع أحد أعضاء فريقنا الأمر ويعود إليكم."},
	"Noted as well; a colleague will get back to you.": {"Auch das haben wir notiert; jemand aus unserem Team meldet sich bei Ihnen.",
		"C'est noté aussi ; un membre de notre équipe reviendra vers vous.", "También lo hemos anotado; una persona de nuestro equipo se pondrá en contacto con usted.",
		"سجّلنا ذلك أيضًا؛ سيعود إليكم أحد أعضاء فريقنا."},
	// with what waits (%s: "the price and the date" in the language)
	"Thank you, we have your message. A colleague will check %s and confirm with you.": {
		"Vielen Dank, wir haben Ihre Nachricht erhalten. Jemand aus unserem Team prüft %s und bestätigt es Ihnen.",
		"Merci, nous avons bien reçu votre message. Un membre de notre équipe va vérifier %s et reviendra vers vous pour confirmer.",
		"Gracias, hemos recibido su mensaje. Una persona de nuestro equipo revisará %s y se lo confirmará.",
		"شكرًا لكم، وصلتنا رسالتكم. سيتحقق أحد أعضاء فريقنا من %s ويعود إليكم للتأكيد."},
	"Noted as well; a colleague will confirm %s with you.": {"Auch das haben wir notiert; jemand aus unserem Team bestätigt Ihnen %s.",
		"C'est noté aussi ; un membre de notre équipe vous confirmera %s.", "También lo hemos anotado; una persona de nuestro equipo le confirmará %s.",
		"سجّلنا ذلك أيضًا؛ سيؤكد لكم أحد أعضاء فريقنا %s."},
	"For %s m² the material budget is roughly %s (waste included; labour, sub-base and transport excluded). We give a firm quote after a site visit.": {
		"Für %s m² liegt das Materialbudget bei etwa %s (inklusive Verschnitt; ohne Arbeit, Unterbau und Transport). Ein verbindliches Angebot erhalten Sie nach einer Besichtigung vor Ort.",
		"Pour %s m², le budget matériaux est d'environ %s (pertes comprises ; hors main-d'œuvre, sous-couche et transport). Nous établissons un devis ferme après une visite sur place.",
		"Para %s m², el presupuesto de material es de aproximadamente %s (merma incluida; sin mano de obra, base ni transporte). Le damos un presupuesto firme tras visitar la obra.",
		"لمساحة %s م²، تبلغ ميزانية المواد نحو %s (شاملة الهدر، ودون العمالة وطبقة الأساس والنقل). نقدّم عرض سعر نهائيًا بعد معاينة الموقع."},
}

// waitWords name what waits for a colleague (waitsFor) in each language, with the word joining
// the last two.
var waitWords = map[string]struct {
	price, stock, date, and string
}{
	"tr": {"fiyatı", "stok durumunu", "tarihi", "ve"},
	"en": {"the price", "availability", "the date", "and"},
	"de": {"den Preis", "die Verfügbarkeit", "den Termin", "und"},
	"fr": {"le prix", "la disponibilité", "la date", "et"},
	"es": {"el precio", "la disponibilidad", "la fecha", "y"},
	"ar": {"السعر", "مدى التوفر", "الموعد", "و"},
}

// waitList names waits ("price", "stock", "date") in lang, joined as the language joins a list:
// "the price, availability and the date"; in Arabic the "و" is written onto the last item.
func waitList(lang string, waits []string) string {
	ww := waitWords[lang]
	var items []string
	for _, w := range waits {
		items = append(items, map[string]string{"price": ww.price, "stock": ww.stock, "date": ww.date}[w])
	}
	if lang == "ar" {
		if len(items) < 2 {
			return strings.Join(items, "")
		}
		return strings.Join(items[:len(items)-1], "، ") + " و" + items[len(items)-1]
	}
	return andList(items, ww.and)
}

// say is the builtin's English text en in lang (one of replyLangs other than Turkish), en itself
// in English or a language it has no text in.
func say(lang, en string) string {
	i := map[string]int{"de": 0, "fr": 1, "es": 2, "ar": 3}
	if k, ok := i[lang]; ok {
		if t := moreLangs[en][k]; t != "" {
			return t
		}
	}
	return en
}

// inLang is t2 for the builtin's six reply languages: Turkish tr, English en, the others say(en).
func inLang(lang, tr, en string) string {
	if lang == "tr" {
		return tr
	}
	return say(lang, en)
}

// fillLangs writes the German, French, Spanish and Arabic texts of moreLangs into a text map that
// holds the English one.
func fillLangs(m map[string]string) {
	if m == nil || m["en"] == "" {
		return
	}
	for _, l := range []string{"de", "fr", "es", "ar"} {
		if _, ok := m[l]; !ok {
			if t := say(l, m["en"]); t != m["en"] {
				m[l] = t
			}
		}
	}
}

func init() {
	for _, p := range personas {
		for _, q := range p.Questions {
			fillLangs(q.Text)
		}
		fillLangs(p.Greeting)
		fillLangs(p.Refusal)
	}
}

// isolated keeps a run of numbers ("1.200 – 1.500 EUR") in its order inside an Arabic sentence.
func isolated(lang, s string) string {
	if i18n.Dir(lang) == "rtl" {
		return "\u2066" + s + "\u2069"
	}
	return s
}
