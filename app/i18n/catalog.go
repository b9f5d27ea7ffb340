package i18n

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"slices"
	"strings"
)

//go:embed locales
var localeFS embed.FS

// catalogs maps language → key → message. It is filled once by init and only read afterwards,
// so printers in concurrent requests share it without locking.
var (
	catalogs map[string]map[string]string
	loadErr  error
)

func init() {
	catalogs, loadErr = loadCatalogs(localeFS, "locales")
}

// LoadError reports why the embedded catalogs did not load cleanly (invalid JSON, a key
// defined twice, an unknown language folder), or nil. Whatever could be loaded is still used;
// serve checks this at start-up so a broken catalog stops the binary instead of showing raw
// keys to users, and [Check] lists it too.
func LoadError() error { return loadErr }

// Keys returns every key of a language, sorted, plural forms included ("time.days_ago.one").
// It exists for tests and tooling that compare catalogs; an unknown language has no keys.
func Keys(lang string) []string {
	cat, ok := catalogs[lang]
	if !ok {
		return nil
	}
	return sortedKeys(cat)
}

// loadCatalogs reads root/<lang>/<room>.json for every language and merges each language's
// room files into one map. It returns everything it could read together with all problems
// found, so one bad file does not hide the others.
func loadCatalogs(fsys fs.FS, root string) (map[string]map[string]string, error) {
	cats := make(map[string]map[string]string, len(Langs))
	for _, lang := range Langs {
		cats[lang] = map[string]string{}
	}
	var errs []error
	dirs, err := fs.ReadDir(fsys, root)
	if err != nil {
		return cats, fmt.Errorf("i18n: read %s: %w", root, err)
	}
	seenLang := map[string]bool{}
	for _, d := range dirs {
		dirPath := path.Join(root, d.Name())
		if !d.IsDir() || !Supported(d.Name()) {
			errs = append(errs, fmt.Errorf("i18n: %s: not a language folder (want one of %s)", dirPath, strings.Join(Langs, ", ")))
			continue
		}
		seenLang[d.Name()] = true
		if err := loadLanguage(fsys, dirPath, cats[d.Name()]); err != nil {
			errs = append(errs, err)
		}
	}
	for _, lang := range Langs {
		if !seenLang[lang] {
			errs = append(errs, fmt.Errorf("i18n: %s: no catalog folder", path.Join(root, lang)))
		}
	}
	return cats, errors.Join(errs...)
}

// loadLanguage merges every room file of one language folder into cat.
func loadLanguage(fsys fs.FS, dir string, cat map[string]string) error {
	files, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return fmt.Errorf("i18n: read %s: %w", dir, err)
	}
	var errs []error
	origin := map[string]string{} // key → file that defined it, for duplicate messages
	for _, f := range files {
		name := path.Join(dir, f.Name())
		if f.IsDir() || path.Ext(f.Name()) != ".json" {
			errs = append(errs, fmt.Errorf("i18n: %s: not a .json room file", name))
			continue
		}
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			errs = append(errs, fmt.Errorf("i18n: read %s: %w", name, err))
			continue
		}
		msgs, err := decodeFlat(data)
		if err != nil {
			errs = append(errs, fmt.Errorf("i18n: %s: %w", name, err))
			continue
		}
		for _, m := range msgs {
			if prev, dup := origin[m.key]; dup {
				errs = append(errs, fmt.Errorf("i18n: key %q defined in both %s and %s", m.key, prev, name))
				continue
			}
			origin[m.key] = name
			cat[m.key] = m.value
		}
	}
	return errors.Join(errs...)
}

type message struct{ key, value string }

// decodeFlat parses a room file: one JSON object of string keys to string values. It reads
// tokens rather than unmarshalling into a map because a map silently keeps only the last of
// two equal keys, and a duplicated key in one file is a mistake worth reporting.
func decodeFlat(data []byte) ([]message, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, errors.New("want one JSON object of key → string")
	}
	var msgs []message
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		key := tok.(string) // object keys are always strings once Token succeeded
		tok, err = dec.Token()
		if err != nil {
			return nil, fmt.Errorf("key %q: %w", key, err)
		}
		value, ok := tok.(string)
		if !ok {
			return nil, fmt.Errorf("key %q: value must be a string", key)
		}
		if key == "" || strings.TrimSpace(key) != key {
			return nil, fmt.Errorf("key %q: keys must be non-empty without surrounding spaces", key)
		}
		if seen[key] {
			return nil, fmt.Errorf("key %q appears twice", key)
		}
		seen[key] = true
		msgs = append(msgs, message{key, value})
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("extra data after the JSON object")
	}
	return msgs, nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
