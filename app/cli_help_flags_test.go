package app_test

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// `highvibe help` names every flag each command takes (--data, which every command takes, in its
// last line), so the overview the guide points to is enough to write the guide's commands: the
// restore and backup check lines left out --litestream, serve's line five of its flags and niche
// create's four of its names.
func TestCLIHelpNamesEveryFlag(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	_, help, _ := cli(t, dir, "", "help")
	lines := map[string]string{} // command words → its line(s) of the overview
	var last []string
	for _, l := range strings.Split(help, "\n") {
		f := strings.Fields(l)
		if len(f) > 0 && strings.HasPrefix(f[0], "[") { // a long command's second line
			for _, cmd := range last {
				lines[cmd] += l + "\n"
			}
			continue
		}
		if len(f) < 2 || f[0] != "highvibe" {
			last = nil
			continue
		}
		words := []string{}
		for _, w := range f[1:] {
			if strings.HasPrefix(w, "-") || strings.HasPrefix(w, "[") || strings.HasPrefix(w, "(") {
				break
			}
			words = append(words, w)
		}
		last = expand(words)
		for _, cmd := range last {
			lines[cmd] += l + "\n"
		}
	}
	flagRE := regexp.MustCompile(`(?m)^\s+-([a-z0-9-]+)`)
	for _, cmd := range []string{"serve", "tenant create", "tenant list", "tenant set", "niche create", "niche list",
		"niche delete", "user create", "user set-password", "user sessions list", "user sessions revoke", "user reset-2fa",
		"apikey create", "apikey list", "apikey revoke", "migrate status", "restore", "backup check", "audit verify",
		"audit rotate-key"} {
		line, ok := lines[cmd]
		if !ok {
			t.Errorf("help has no line for %q:\n%s", cmd, help)
			continue
		}
		_, out, errs := cli(t, dir, "", append(strings.Fields(cmd), "-h")...)
		for _, m := range flagRE.FindAllStringSubmatch(out+errs, -1) {
			if m[1] == "data" {
				continue
			}
			if !regexp.MustCompile(`--` + regexp.QuoteMeta(m[1]) + `\b`).MatchString(line) {
				t.Errorf("help's line for %q does not name --%s: %q", cmd, m[1], strings.TrimSpace(line))
			}
		}
	}
}

// expand turns "user sessions list|revoke" into both commands.
func expand(words []string) []string {
	if len(words) == 0 {
		return nil
	}
	head, last := strings.Join(words[:len(words)-1], " "), words[len(words)-1]
	var out []string
	for _, alt := range strings.Split(last, "|") {
		out = append(out, strings.TrimSpace(head+" "+alt))
	}
	return out
}

// TestREADMEListsTheCommandsAsHelpDoes: the README's command list had fallen behind `highvibe help`
// (no niche commands, restore and backup check without --litestream, user create without --name);
// it is the help's usage, line for line.
func TestREADMEListsTheCommandsAsHelpDoes(t *testing.T) {
	t.Parallel()
	_, help, _ := cli(t, t.TempDir(), "", "help")
	var want []string
	for _, l := range strings.Split(help, "\n") {
		if strings.HasPrefix(l, "  ") && strings.TrimSpace(l) != "" {
			want = append(want, l[2:])
		}
	}
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, block, ok := strings.Cut(string(readme), "```sh\nhighvibe serve ")
	block, _, _ = strings.Cut(block, "```")
	if got := strings.Split(strings.TrimRight("highvibe serve "+block, "\n"), "\n"); !ok || strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("the README's command list differs from highvibe help:\nREADME:\n%s\nhelp:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
