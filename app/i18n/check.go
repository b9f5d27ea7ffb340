package i18n

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Check returns every problem in the embedded catalogs, one readable line each: load errors,
// keys missing in some language, keys present only in a non-English language, empty
// messages, malformed formats and placeholder (%s, %d) mismatches against English. The
// package test requires it to return nothing, so no message can ship half-translated.
func Check() []string {
	var problems []string
	if loadErr != nil {
		for line := range strings.SplitSeq(loadErr.Error(), "\n") {
			problems = append(problems, line)
		}
	}
	return append(problems, check(catalogs)...)
}

// check compares every language with English. English is the reference: its keys define the
// message set, and a key ending in ".other" makes its siblings .zero/.one/.two/.few/.many
// plural forms, which a language provides as its plural rules require.
func check(cats map[string]map[string]string) []string {
	var problems []string
	report := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	en := cats["en"]
	plurals := map[string]bool{}
	for k := range en {
		if b, ok := strings.CutSuffix(k, ".other"); ok {
			plurals[b] = true
		}
	}
	pluralForm := func(key string) (base, category string, ok bool) {
		i := strings.LastIndexByte(key, '.')
		if i < 0 || !plurals[key[:i]] || !slices.Contains(pluralCategories, key[i+1:]) {
			return "", "", false
		}
		return key[:i], key[i+1:], true
	}
	for _, lang := range Langs {
		cat := cats[lang]
		needed := categoriesOf(lang)
		for _, k := range sortedKeys(en) {
			if _, _, ok := pluralForm(k); ok {
				continue
			}
			if _, ok := cat[k]; !ok {
				report("%s: missing key %q", lang, k)
			}
		}
		for _, b := range sortedKeys(plurals) {
			for _, c := range needed {
				if _, ok := cat[b+"."+c]; !ok {
					report("%s: missing plural form %q", lang, b+"."+c)
				}
			}
		}
		for _, k := range sortedKeys(cat) {
			msg := cat[k]
			if strings.TrimSpace(msg) == "" {
				report("%s: %q is empty", lang, k)
				continue
			}
			verbs, err := formatVerbs(msg)
			if err != nil {
				report("%s: %q: bad format: %v (write a literal percent sign as %%%%)", lang, k, err)
				continue
			}
			ref := k
			if b, c, ok := pluralForm(k); ok {
				if c != "zero" && !slices.Contains(needed, c) {
					report("%s: %q: plural form %q is never chosen in this language", lang, k, c)
					continue
				}
				ref = b + ".other"
				// An exact-number form may spell the number out ("منذ دقيقتين", "one minute
				// ago") and drop the count, as long as the count is the only argument.
				refVerbs, _ := formatVerbs(en[ref])
				if len(verbs) == 0 && (c == "zero" || c == "one" || c == "two") && verbsString(refVerbs) == "%d" {
					continue
				}
			} else if lang != "en" {
				if _, ok := en[k]; !ok {
					report("%s: %q is not in the English catalog", lang, k)
					continue
				}
			}
			if k == ref && lang == "en" {
				continue // English is the reference for itself
			}
			refVerbs, err := formatVerbs(en[ref])
			if err != nil {
				continue // reported on the English line
			}
			if got, want := verbsString(verbs), verbsString(refVerbs); got != want {
				report("%s: %q has placeholders [%s], English %q has [%s]", lang, k, got, ref, want)
			}
		}
	}
	return problems
}

// formatVerbs parses a fmt format and returns, per argument index, the verb letter that
// formats it. Explicit indexes (%[2]s) are resolved, so a translation may reorder arguments.
func formatVerbs(s string) (map[int]byte, error) {
	verbs := map[int]byte{}
	arg := 0
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			continue
		}
		i++
		if i < len(s) && s[i] == '%' {
			continue
		}
		for i < len(s) && strings.IndexByte("+-# 0", s[i]) >= 0 {
			i++
		}
	modifiers:
		for i < len(s) {
			switch c := s[i]; {
			case c == '[':
				end := strings.IndexByte(s[i:], ']')
				if end < 0 {
					return nil, errors.New("unclosed argument index")
				}
				n, err := strconv.Atoi(s[i+1 : i+end])
				if err != nil || n < 1 {
					return nil, fmt.Errorf("bad argument index %q", s[i:i+end+1])
				}
				arg = n - 1
				i += end + 1
			case c == '*':
				arg++ // width or precision taken from an argument
				i++
			case c == '.' || (c >= '0' && c <= '9'):
				i++
			default:
				break modifiers
			}
		}
		if i >= len(s) {
			return nil, errors.New("format ends inside a verb")
		}
		c := s[i]
		if strings.IndexByte("vTtbcdoOqxXUeEfFgGsp", c) < 0 {
			return nil, fmt.Errorf("unknown verb %q", s[i:min(i+1, len(s))])
		}
		if prev, ok := verbs[arg]; ok && prev != c {
			return nil, fmt.Errorf("argument %d formatted both as %%%c and %%%c", arg+1, prev, c)
		}
		verbs[arg] = c
		arg++
	}
	return verbs, nil
}

// verbsString renders parsed verbs in argument order for messages and comparison: "%s %d".
func verbsString(verbs map[int]byte) string {
	idx := make([]int, 0, len(verbs))
	for i := range verbs {
		idx = append(idx, i)
	}
	slices.Sort(idx)
	parts := make([]string, len(idx))
	for j, i := range idx {
		if i != j {
			parts[j] = fmt.Sprintf("%%[%d]%c", i+1, verbs[i])
		} else {
			parts[j] = "%" + string(verbs[i])
		}
	}
	return strings.Join(parts, " ")
}
