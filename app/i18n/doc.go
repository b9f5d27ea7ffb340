// Package i18n holds HighVibe's message catalogs, chooses the language of a request and
// formats numbers, money, percentages and dates the way each language expects.
//
// The panel speaks six languages (guide: 18-language.md): English, Turkish, German, French, Spanish and
// Arabic (right-to-left). Messages live in embedded JSON files, one per room and language:
//
//	app/i18n/locales/<lang>/<room>.json   {"inbox.title": "Inbox", ...}
//
// Splitting per room lets engineers add keys to their own file without merge conflicts; the
// loader merges all files of a language and refuses a key defined twice. A room adds its
// messages by creating the same file name under all six language folders. The package test
// runs [Check] over every file, so a key missing from any language fails the build.
//
// Catalog strings are fmt formats: placeholders are %s / %d (use %[2]s to reorder arguments)
// and a literal percent sign is written %%. Plural messages are split into "<key>.one",
// "<key>.other" (and "<key>.zero"; Arabic also uses .two, .few and .many) and read with
// [Printer.Plural].
//
// A request gets its own [Printer] (see [For] and [Printer.FuncMap]), so a page can never
// render in another request's language.
package i18n
