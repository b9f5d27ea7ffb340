// Package app wires HighVibe together: the command line (this file), the server and its one route
// table (routes.go). Every behaviour lives in a room package under app/.
package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"highvibe/app/audit"
	"highvibe/app/channels"
	"highvibe/app/channels/channel"
	"highvibe/app/jobs"
	"highvibe/app/platform"
	"highvibe/app/settingdef"
	"highvibe/app/staff"
	"highvibe/app/tenantdb"
	"highvibe/app/tenantdb/replica"
	"highvibe/schema"
)

// Exit codes of every command.
const (
	ExitOK      = 0
	ExitRuntime = 1
	ExitUsage   = 2
	// ExitNewerData: a database records a migration this program does not have (a newer HighVibe
	// migrated it, and this older one was put back). Nothing but the administrator's choice helps
	// — the newer program back, or the backups from before the update — so the service unit names
	// it in RestartPreventExitStatus= instead of starting it again every few seconds. 65 is
	// sysexits' EX_DATAERR, which systemd's log writes "status=65/DATAERR".
	ExitNewerData = 65
)

// usageError is a mistake in how the command was called (exit 2).
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, a ...any) error { return usageError{fmt.Sprintf(format, a...)} }

// IO carries the process's streams so tests can drive the CLI in-process.
type IO struct {
	In       io.Reader
	Out, Err io.Writer
	data     *string // the command's data directory once its flags are made (flags)
}

// explain adds plain words to an error from the command's data directory (tenantdb.Explain: a
// full disk, a read-only one, files another user owns).
func (o *IO) explain(err error) string {
	if o.data == nil {
		return ""
	}
	return tenantdb.Explain(*o.data, err)
}

const usage = `highvibe — operations center in one binary

usage:
  highvibe serve [--addr A] [--demo] [--litestream PATH] [--log-format text|json] [--trusted-proxies CIDR[,CIDR]] [--base-url URL]
                 [--metrics-token T] [--min-free-disk 8MB] [--session-idle 12h] [--form-read-timeout 15s] [--webhook-read-timeout 30s]
  highvibe tenant create --slug S --name N [--niche ID] [--country TR|DE|…] [--locale tr|en|de|fr|es|ar]
  highvibe tenant list
  highvibe tenant set --slug S key=value ...          (modules=sales,repair,msp | modules=default)
  highvibe niche create --id ID --name-en N [--name-tr N] [--name-de N] [--name-fr N] [--name-es N] [--name-ar N]
                        [--persona T] [--vocabulary a,b] [--forbidden a,b] [--modules a,b]
  highvibe niche set --id ID [the flags of create to change]
  highvibe niche list
  highvibe niche delete --id ID      (refused while a tenant uses it; names them)
  highvibe user create --username U --password-stdin [--name "Full Name"] [--tenant S --role owner|operator|viewer] [--staff]
  highvibe user set-password --username U --password-stdin
  highvibe user sessions list|revoke --username U
  highvibe user reset-2fa --username U
  highvibe apikey create --tenant S --name N --scope whatsapp_webhook[,read,import]
  highvibe apikey list --tenant S
  highvibe apikey revoke --tenant S --id ID
  highvibe migrate status
  highvibe restore (--tenant S [--media] | --platform) [--timestamp RFC3339] [--output PATH] [--litestream PATH] [--verbose]
  highvibe backup check [--max-lag 1m] [--tmp DIR] [--litestream PATH] [--verbose]
  highvibe audit verify --tenant S
  highvibe audit rotate-key --tenant S

every command takes --data DIR (env HIGHVIBE_DATA, default ./data)
`

// Main runs the command line and returns the exit code: 0 ok, 1 runtime error, 2 usage error, 65
// a database a newer HighVibe migrated (ExitNewerData).
func Main(ctx context.Context, args []string, in io.Reader, out, errw io.Writer) int {
	io := &IO{In: in, Out: out, Err: errw}
	err := run(ctx, args[1:], io)
	if err == nil {
		return ExitOK
	}
	var ue usageError
	if errors.As(err, &ue) {
		fmt.Fprintln(errw, "highvibe: "+ue.msg)
		return ExitUsage
	}
	var ve *platform.ValidationError
	if errors.As(err, &ve) {
		fmt.Fprintln(errw, "highvibe: invalid "+ve.Error())
		return ExitUsage
	}
	if errors.Is(err, flag.ErrHelp) {
		return ExitOK // the command printed its flags
	}
	msg := oneLine(err.Error())
	if hint := io.explain(err); hint != "" {
		msg += ": " + hint
	}
	fmt.Fprintln(errw, "highvibe: "+msg)
	var newer *tenantdb.NewerSchemaError
	if errors.As(err, &newer) {
		return ExitNewerData
	}
	return ExitRuntime
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func run(ctx context.Context, args []string, io *IO) error {
	if len(args) == 0 {
		fmt.Fprint(io.Err, usage)
		return usagef("missing command")
	}
	cmd, rest := args[0], args[1:]
	sub := ""
	if len(rest) > 0 && !strings.HasPrefix(rest[0], "-") {
		sub = rest[0]
	}
	switch cmd + " " + sub {
	case "tenant create":
		return cmdTenantCreate(ctx, rest[1:], io)
	case "tenant list":
		return cmdTenantList(ctx, rest[1:], io)
	case "tenant set":
		return cmdTenantSet(ctx, rest[1:], io)
	case "niche create":
		return cmdNicheCreate(ctx, rest[1:], io)
	case "niche set":
		return cmdNicheSet(ctx, rest[1:], io)
	case "niche list":
		return cmdNicheList(ctx, rest[1:], io)
	case "niche delete":
		return cmdNicheDelete(ctx, rest[1:], io)
	case "user create":
		return cmdUserCreate(ctx, rest[1:], io)
	case "user set-password":
		return cmdUserSetPassword(ctx, rest[1:], io)
	case "user sessions":
		return cmdUserSessions(ctx, rest[1:], io)
	case "user reset-2fa":
		return cmdUserReset2FA(ctx, rest[1:], io)
	case "apikey create":
		return cmdAPIKeyCreate(ctx, rest[1:], io)
	case "apikey list":
		return cmdAPIKeyList(ctx, rest[1:], io)
	case "apikey revoke":
		return cmdAPIKeyRevoke(ctx, rest[1:], io)
	case "migrate status":
		return cmdMigrateStatus(ctx, rest[1:], io)
	case "audit verify":
		return cmdAuditVerify(ctx, rest[1:], io)
	case "audit rotate-key":
		return cmdAuditRotateKey(ctx, rest[1:], io)
	case "backup check":
		return cmdBackupCheck(ctx, rest[1:], io)
	}
	switch cmd {
	case "serve":
		return cmdServe(ctx, rest, io)
	case "restore":
		return cmdRestore(ctx, rest, io)
	case "help", "-h", "--help":
		fmt.Fprint(io.Out, usage)
		return nil
	case "tenant", "user", "apikey", "migrate", "audit", "backup":
		return usagef("unknown %s subcommand %q (see highvibe help)", cmd, sub)
	}
	return usagef("unknown command %q (see highvibe help)", cmd)
}

// defaultDataMissing refuses a command that would work on ./data, the default, when neither
// --data nor HIGHVIBE_DATA named a directory and ./data does not exist: the command is almost
// surely run from the wrong folder (`sudo -u highvibe highvibe tenant create …` from a home
// directory: sudo drops the service's HIGHVIBE_DATA), and would create a new, empty data
// directory there that the server never reads. serve creates its data directory on first start
// and restore rebuilds a lost one, so both go on.
func defaultDataMissing(fs *flag.FlagSet) error {
	switch fs.Name() {
	case "serve", "restore":
		return nil
	}
	named := os.Getenv("HIGHVIBE_DATA") != ""
	fs.Visit(func(f *flag.Flag) { named = named || f.Name == "data" })
	if named || fs.Lookup("data") == nil {
		return nil
	}
	if _, err := os.Stat(fs.Lookup("data").Value.String()); err == nil {
		return nil
	}
	wd, _ := os.Getwd()
	return usagef("%s: no data directory here (%s): pass --data DIR, or set HIGHVIBE_DATA, to the server's data directory "+
		"(its service file's HIGHVIBE_DATA, such as /var/lib/highvibe/data; sudo does not pass it on)", fs.Name(), filepath.Join(wd, "data"))
}

// flags makes a flag set with --data that reports errors as usage errors, not by exiting.
func flags(name string, io *IO) (*flag.FlagSet, *string) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Err)
	def := os.Getenv("HIGHVIBE_DATA")
	if def == "" {
		def = "./data"
	}
	data := fs.String("data", def, "data directory (env HIGHVIBE_DATA)")
	io.data = data
	return fs, data
}

// parse parses a command's flags; -h or --help prints the command's flags and ends the command
// (exit 0) instead of calling the request a usage error. A word left over is refused: it is a
// value with a space that lost its quotes (`--name My Company` would otherwise create "My") or
// a flag typed without its dashes, and either way the command would do something else than asked.
func parse(fs *flag.FlagSet, args []string) error {
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		// The leftover right after a flag's value: most likely the rest of that value.
		if i := len(args) - fs.NArg(); i >= 2 && strings.HasPrefix(args[i-2], "-") && !strings.Contains(args[i-2], "=") &&
			!strings.HasPrefix(args[i-1], "-") && fs.Lookup(strings.TrimLeft(args[i-2], "-")) != nil {
			words := []string{args[i-1]}
			for _, w := range fs.Args() {
				if strings.HasPrefix(w, "-") {
					break
				}
				words = append(words, w)
			}
			return usagef("%s: unexpected %q after %s %s: put quotes around a value with spaces (%s \"%s\")",
				fs.Name(), fs.Arg(0), args[i-2], args[i-1], args[i-2], strings.Join(words, " "))
		}
		return usagef("%s: unexpected argument %q (flags start with --; see highvibe %s --help)", fs.Name(), fs.Arg(0), fs.Name())
	}
	if err := defaultDataMissing(fs); err != nil {
		return err
	}
	return rootInOthersData(fs)
}

// rootInOthersData refuses root in a data directory another user owns (the service's user): a
// tenant created, or a database opened while the server is stopped, would leave files only root
// may write, and the server could then not start or not write that business.
func rootInOthersData(fs *flag.FlagSet) error {
	f := fs.Lookup("data")
	if f == nil {
		return nil
	}
	dir := f.Value.String()
	uid, other := tenantdb.OwnedByOther(dir)
	if !other {
		return nil
	}
	name := strconv.Itoa(uid)
	if u, err := user.LookupId(name); err == nil {
		name = u.Username
	}
	return usagef("%s: you are root, but the data directory %s belongs to %s: files made now would belong to root and "+
		"the server, running as %s, could not write them. Run the command as that user: sudo -u %s highvibe %s …",
		fs.Name(), dir, name, name, name, fs.Name())
}

func parseFlags(fs *flag.FlagSet, args []string) error {
	out := fs.Output()
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprintf(out, "usage: highvibe %s [flags]\n\nflags:\n", fs.Name())
		fs.SetOutput(out)
		fs.PrintDefaults()
		return err
	}
	if err != nil {
		return usagef("%s: %v", fs.Name(), err)
	}
	return nil
}

// parseInterspersed parses flags that may come before, between or after positional arguments
// (`tenant set key=value --data DIR` is how people type it) and returns the positional ones.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := parseFlags(fs, args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return pos, defaultDataMissing(fs)
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

func openPlatform(ctx context.Context, data string) (*tenantdb.Manager, *platform.Service, error) {
	m, err := tenantdb.NewManager(ctx, data)
	if err != nil {
		return nil, nil, err
	}
	audit.Attach(m, nil) // commands that log record the chain head, as the server does
	return m, platform.NewService(m, roomSettings(channels.Registry())...), nil
}

// TenantSettings are every tenant setting the product knows: the platform's own, each registered
// channel's (a channel declares its settings in its registry entry) and the other rooms' (the job
// queue's retention windows).
func TenantSettings() *settingdef.Set { return platform.Settings(roomSettings(channels.Registry())...) }

// roomSettings are the settings the rooms declare for the platform to store: the channels' of reg,
// then the job queue's.
func roomSettings(reg *channel.Registry) []settingdef.Def {
	return append(reg.Settings(), jobs.Settings()...)
}

func cmdTenantCreate(ctx context.Context, args []string, io *IO) error {
	fs, data := flags("tenant create", io)
	slug := fs.String("slug", "", "tenant slug")
	name := fs.String("name", "", "display name")
	niche := fs.String("niche", "default", "niche persona")
	locale := fs.String("locale", "", "primary locale (default: the country's language, else tr)")
	country := fs.String("country", "", "country: starting language, currency, time zone and phone region ("+strings.Join(platform.Countries, ", ")+")")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *slug == "" || *name == "" {
		return usagef("tenant create: --slug and --name are required")
	}
	if !tenantdb.ValidSlug(*slug) {
		return usagef("tenant create: invalid slug %q: use 3-63 lowercase letters, digits or single hyphens", *slug)
	}
	m, ps, err := openPlatform(ctx, *data)
	if err != nil {
		return err
	}
	defer m.Close()
	// The staff console creates tenants through the same service, so both record the action alike.
	t, err := staffService(m, ps).CreateTenant(ctx, staff.CLI, staff.TenantInput{Slug: *slug, Name: *name, Niche: *niche, Locale: *locale, Country: *country})
	if errors.Is(err, platform.ErrExists) {
		return usagef("tenant create: tenant %q already exists", *slug)
	}
	if !staff.Done(err) {
		return err
	}
	fmt.Fprintf(io.Out, "created tenant %s (%s) → %s\n", t.Slug, t.Name, m.TenantPath(t.Slug))
	return notRecordedWarning(io, err)
}

func cmdTenantList(ctx context.Context, args []string, io *IO) error {
	fs, data := flags("tenant list", io)
	if err := parse(fs, args); err != nil {
		return err
	}
	m, ps, err := openPlatform(ctx, *data)
	if err != nil {
		return err
	}
	defer m.Close()
	ts, err := ps.ListTenants(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(io.Out, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SLUG\tNAME\tSTATUS\tNICHE\tDB SIZE\tMODULES")
	for _, t := range ts {
		size := "missing"
		if st, err := os.Stat(m.TenantPath(t.Slug)); err == nil {
			size = humanBytes(st.Size())
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", t.Slug, t.Name, t.Status, t.NicheID, size, strings.Join(t.EnabledModules(), ","))
	}
	return tw.Flush()
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

func cmdTenantSet(ctx context.Context, args []string, io *IO) error {
	fs, data := flags("tenant set", io)
	slug := fs.String("slug", "", "tenant slug")
	pairs, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if *slug == "" {
		return usagef("tenant set: --slug is required")
	}
	if len(pairs) == 0 {
		return usagef("tenant set: give at least one key=value (keys: %s)", strings.Join(TenantSettings().Keys(), " "))
	}
	defs := TenantSettings()
	kv := map[string]string{}
	for _, a := range pairs {
		k, v, ok := strings.Cut(a, "=")
		if !ok {
			return usagef("tenant set: %q is not key=value", a)
		}
		if err := platform.CheckSetting(defs, k, v); err != nil {
			return usagef("tenant set: %v", err)
		}
		kv[k] = v
	}
	m, ps, err := openPlatform(ctx, *data)
	if err != nil {
		return err
	}
	defer m.Close()
	if _, err := ps.TenantBySlug(ctx, *slug); errors.Is(err, tenantdb.ErrNotFound) {
		return usagef("tenant set: no tenant %q", *slug)
	}
	err = staffService(m, ps).SetSettings(ctx, staff.CLI, *slug, kv)
	if !staff.Done(err) {
		return err
	}
	keys := make([]string, 0, len(kv))
	for k := range kv {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := kv[k]
		if defs.IsSecret(k) {
			v = "(secret, saved)"
		}
		fmt.Fprintf(io.Out, "%s: %s = %s\n", *slug, k, v)
	}
	return notRecordedWarning(io, err)
}

// staffService is the staff console's service over the command's open databases: the commands
// that change tenants, memberships, keys and second factors act and record through it, so the
// command line and the console share one path and both trails.
func staffService(m *tenantdb.Manager, ps *platform.Service) *staff.Service {
	return &staff.Service{Platform: ps, Mgr: m}
}

// notRecordedWarning says on stderr that an action was done but not written to a trail; the
// command still succeeds (the change stands).
func notRecordedWarning(io *IO, err error) error {
	if err != nil {
		fmt.Fprintln(io.Err, "highvibe: warning: "+oneLine(err.Error()))
	}
	return nil
}

func cmdUserCreate(ctx context.Context, args []string, io *IO) error {
	fs, data := flags("user create", io)
	username := fs.String("username", "", "username")
	name := fs.String("name", "", "the name the person goes by, which customers read (default: the username)")
	pwStdin := fs.Bool("password-stdin", false, "read the password from the first line of stdin")
	tenant := fs.String("tenant", "", "tenant slug for a membership")
	role := fs.String("role", "", "owner, operator or viewer")
	isStaff := fs.Bool("staff", false, "platform staff (may enter every tenant)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *username == "" {
		return usagef("user create: --username is required")
	}
	if (*tenant == "") != (*role == "") {
		return usagef("user create: --tenant and --role go together")
	}
	if *role != "" && !platform.ValidRole(*role) {
		return usagef("user create: invalid role %q: use owner, operator or viewer", *role)
	}
	displayName, err := platform.CleanDisplayName(*name)
	if err != nil {
		var ve *platform.ValidationError
		if errors.As(err, &ve) {
			return usagef("user create: --name %s", ve.Msg)
		}
		return usagef("user create: --name: %v", err)
	}
	m, ps, err := openPlatform(ctx, *data)
	if err != nil {
		return err
	}
	defer m.Close()
	var t *platform.Tenant
	if *tenant != "" {
		if t, err = ps.TenantBySlug(ctx, *tenant); errors.Is(err, tenantdb.ErrNotFound) {
			return usagef("user create: no tenant %q", *tenant)
		} else if err != nil {
			return err
		}
	}
	u, err := ps.UserByUsername(ctx, *username)
	switch {
	case errors.Is(err, tenantdb.ErrNotFound):
		if !*pwStdin {
			return usagef("user create: a new user needs --password-stdin")
		}
		pw, err := readPassword(io)
		if err != nil {
			return err
		}
		if u, err = ps.CreateNamedUser(ctx, *username, displayName, pw, *isStaff); err != nil {
			return err
		}
		fmt.Fprintf(io.Out, "created user %s (id %d)\n", u.Username, u.ID)
		if u.DisplayName != "" {
			fmt.Fprintf(io.Out, "%s goes by %q\n", u.Username, u.DisplayName)
		}
	case err != nil:
		return err
	default:
		if *pwStdin {
			return usagef("user create: user %q already exists (omit --password-stdin to only add a membership)", *username)
		}
		if t == nil && displayName == "" {
			return usagef("user create: user %q already exists", *username)
		}
		if displayName != "" && displayName != u.DisplayName {
			if _, err := ps.SetDisplayName(ctx, u.ID, displayName); err != nil {
				return err
			}
			fmt.Fprintf(io.Out, "%s goes by %q\n", u.Username, displayName)
		}
	}
	if t != nil {
		reenabled, _, err := staffService(m, ps).AddMember(ctx, staff.CLI, t.Slug, u.Username, *role, "", "")
		if !staff.Done(err) {
			return err
		}
		fmt.Fprintf(io.Out, "%s is %s of %s\n", u.Username, *role, t.Slug)
		if reenabled {
			fmt.Fprintf(io.Out, "%s's access to %s had been turned off; it is on again\n", u.Username, t.Slug)
		}
		return notRecordedWarning(io, err)
	}
	return nil
}

// errIOEOF names io.EOF where command functions shadow the io package with their *IO argument.
var errIOEOF = io.EOF

func tenantFlag(ctx context.Context, ps *platform.Service, slug string) (*platform.Tenant, error) {
	if slug == "" {
		return nil, usagef("--tenant is required")
	}
	t, err := ps.TenantBySlug(ctx, slug)
	if errors.Is(err, tenantdb.ErrNotFound) {
		return nil, usagef("no tenant %q", slug)
	}
	return t, err
}

func cmdAPIKeyCreate(ctx context.Context, args []string, io *IO) error {
	fs, data := flags("apikey create", io)
	tenant := fs.String("tenant", "", "tenant slug")
	name := fs.String("name", "", "key name")
	scope := fs.String("scope", "", "comma-separated scopes: whatsapp_webhook, read, import")
	if err := parse(fs, args); err != nil {
		return err
	}
	scopes, err := platform.ParseScopes(*scope)
	if err != nil {
		return usagef("apikey create: %v", err)
	}
	if strings.TrimSpace(*name) == "" {
		return usagef("apikey create: --name is required")
	}
	m, ps, err := openPlatform(ctx, *data)
	if err != nil {
		return err
	}
	defer m.Close()
	t, err := tenantFlag(ctx, ps, *tenant)
	if err != nil {
		return err
	}
	key, k, err := ps.CreateAPIKey(ctx, t.ID, *name, scopes)
	if err != nil {
		return err
	}
	if db, err := m.Tenant(ctx, t.Slug); err == nil {
		_ = audit.Log(ctx, db, audit.Entry{Provider: "settings", ActionType: "create_api_key", Summary: "API key " + k.Name + " created from the command line",
			ModelName: "human-review", ActorName: "cli", Payload: map[string]any{"key_id": k.ID, "scopes": scopes}})
	}
	fmt.Fprintf(io.Err, "api key %d (%s, scopes %s) — shown once, store it now:\n", k.ID, k.Name, strings.Join(scopes, ","))
	fmt.Fprintln(io.Out, key)
	return nil
}

func cmdAPIKeyList(ctx context.Context, args []string, io *IO) error {
	fs, data := flags("apikey list", io)
	tenant := fs.String("tenant", "", "tenant slug")
	if err := parse(fs, args); err != nil {
		return err
	}
	m, ps, err := openPlatform(ctx, *data)
	if err != nil {
		return err
	}
	defer m.Close()
	t, err := tenantFlag(ctx, ps, *tenant)
	if err != nil {
		return err
	}
	keys, err := ps.ListAPIKeys(ctx, t.ID)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(io.Out, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tPREFIX\tSCOPES\tCREATED\tLAST USED\tREVOKED")
	for _, k := range keys {
		fmt.Fprintf(tw, "%d\t%s\t%s…\t%s\t%s\t%s\t%s\n", k.ID, k.Name, k.Prefix, strings.Join(k.Scopes, ","), k.CreatedAt, dash(k.LastUsedAt), dash(k.RevokedAt))
	}
	return tw.Flush()
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func cmdAPIKeyRevoke(ctx context.Context, args []string, io *IO) error {
	fs, data := flags("apikey revoke", io)
	tenant := fs.String("tenant", "", "tenant slug")
	id := fs.Int64("id", 0, "key id")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *id <= 0 {
		return usagef("apikey revoke: --id is required")
	}
	m, ps, err := openPlatform(ctx, *data)
	if err != nil {
		return err
	}
	defer m.Close()
	t, err := tenantFlag(ctx, ps, *tenant)
	if err != nil {
		return err
	}
	err = staffService(m, ps).RevokeKey(ctx, staff.CLI, t.Slug, *id)
	if errors.Is(err, tenantdb.ErrNotFound) {
		return usagef("apikey revoke: tenant %s has no key %d", t.Slug, *id)
	} else if !staff.Done(err) {
		return err
	}
	fmt.Fprintf(io.Out, "revoked key %d of %s\n", *id, t.Slug)
	return notRecordedWarning(io, err)
}

func cmdMigrateStatus(ctx context.Context, args []string, io *IO) error {
	fs, data := flags("migrate status", io)
	if err := parse(fs, args); err != nil {
		return err
	}
	m, ps, err := openPlatform(ctx, *data)
	if err != nil {
		return err
	}
	defer m.Close()
	tw := tabwriter.NewWriter(io.Out, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "DATABASE\tVERSION\tMIGRATION\tSTATE")
	show := func(name string, db *tenantdb.DB, dir string) error {
		st, err := db.Status(ctx, schema.FS, dir)
		if err != nil {
			return err
		}
		for _, s := range st {
			state := "pending"
			if s.Applied {
				state = "applied"
			}
			fmt.Fprintf(tw, "%s\t%d\t%s\t%s\n", name, s.Version, s.Name, state)
		}
		return nil
	}
	if err := show("platform", m.Platform, "platform"); err != nil {
		return err
	}
	ts, err := ps.ListTenants(ctx)
	if err != nil {
		return err
	}
	for _, t := range ts {
		db, err := m.Tenant(ctx, t.Slug)
		if err != nil {
			fmt.Fprintf(tw, "%s\t-\t-\t%v\n", t.Slug, err)
			continue
		}
		if err := show(t.Slug, db, "tenant"); err != nil {
			return err
		}
	}
	return tw.Flush()
}

func litestreamPath(flagVal string) string {
	if flagVal != "" {
		return flagVal
	}
	if v := os.Getenv("HIGHVIBE_LITESTREAM"); v != "" {
		return v
	}
	return "./litestream.yml"
}

// loadLitestream reads the replication config a command needs; a missing
// file is a usage error naming where it was looked for.
func loadLitestream(cmd, flagVal string) (*replica.Config, error) {
	cfg, err := replica.LoadConfig(litestreamPath(flagVal))
	if errors.Is(err, os.ErrNotExist) {
		if flagVal == "" && os.Getenv("HIGHVIBE_LITESTREAM") == "" {
			// Run by hand, as the guide's other commands are (sudo -u highvibe …), the server's
			// HIGHVIBE_LITESTREAM is not passed on, and ./litestream.yml is the folder the person is in.
			where, _ := filepath.Abs("litestream.yml")
			return nil, usagef("%s: no litestream config here (%s): pass --litestream PATH, or set HIGHVIBE_LITESTREAM, "+
				"to the server's (its service file's HIGHVIBE_LITESTREAM, such as /etc/highvibe/litestream.yml; sudo does not pass it on)", cmd, where)
		}
		return nil, usagef("%s: no litestream config at %s (pass --litestream PATH)", cmd, litestreamPath(flagVal))
	}
	return cfg, err
}

// litestreamLog makes the embedded Litestream, which logs through slog's default logger when it
// restores, print only its warnings and errors on stderr, or its progress too with --verbose: its
// "INFO post-restore integrity check passed" lines stood among the command's own.
func litestreamLog(verbose bool) {
	level := slog.LevelWarn
	if verbose {
		level = slog.LevelInfo
	}
	slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level})))
}

func cmdRestore(ctx context.Context, args []string, io *IO) error {
	fs, data := flags("restore", io)
	tenant := fs.String("tenant", "", "tenant slug to restore")
	plat := fs.Bool("platform", false, "restore platform.db")
	mediaDB := fs.Bool("media", false, "with --tenant: restore the tenant's media database (tenants/S.media.db: photos and files)")
	ts := fs.String("timestamp", "", "point in time (RFC 3339), default latest")
	output := fs.String("output", "", "where to write the restored file (default: its normal place, which must not exist)")
	lsPath := fs.String("litestream", "", "litestream.yml (env HIGHVIBE_LITESTREAM, default ./litestream.yml)")
	verbose := fs.Bool("verbose", false, "also print Litestream's own progress lines (by default only its warnings and errors)")
	if err := parse(fs, args); err != nil {
		return err
	}
	litestreamLog(*verbose)
	if (*tenant == "") == !*plat {
		return usagef("restore: give exactly one of --tenant S or --platform")
	}
	if *tenant != "" && !tenantdb.ValidSlug(*tenant) {
		return usagef("restore: invalid slug %q", *tenant)
	}
	if *mediaDB && *tenant == "" {
		return usagef("restore: --media goes with --tenant S")
	}
	var at time.Time
	if *ts != "" {
		var err error
		if at, err = time.Parse(time.RFC3339, *ts); err != nil {
			return usagef("restore: --timestamp must be RFC 3339, e.g. 2026-11-22T10:00:00Z")
		}
	}
	cfg, err := loadLitestream("restore", *lsPath)
	if err != nil {
		return err
	}
	dbPath := filepath.Join(*data, "platform.db")
	if *tenant != "" {
		dbPath = filepath.Join(*data, "tenants", *tenant+".db")
	}
	if *mediaDB {
		dbPath = filepath.Join(*data, "tenants", *tenant+".media.db")
	}
	abs, err := filepath.Abs(dbPath)
	if err != nil {
		return err
	}
	out := *output
	if out == "" {
		out = abs
	}
	if out == abs {
		// Into place only with the server stopped: a running server keeps writing the file it has
		// open, so the restored one would be ignored, then overwritten by its checkpoints.
		release, err := tenantdb.LockDir(*data)
		if errors.Is(err, tenantdb.ErrLocked) {
			return fmt.Errorf("restore: %v. Stop it first (systemctl stop highvibe), restore, then start it again; "+
				"or restore a copy beside it with --output PATH", err)
		} else if err != nil {
			return err
		}
		defer release()
	}
	if _, err := os.Stat(out); err == nil {
		return usagef("restore: %s already exists; move it away or pass --output", out)
	}
	for _, side := range []string{out + "-wal", out + "-shm", out + "-journal"} {
		if _, err := os.Lstat(side); err == nil {
			// Left from the file that was moved away: SQLite would replay it over the restored one.
			return usagef("restore: %s is left from the database that was moved away, and SQLite would apply it to the restored file; "+
				"move it away too (with the server stopped), then restore again", side)
		}
	}
	if err := replica.Restore(ctx, cfg, abs, out, at); err != nil {
		return err
	}
	fmt.Fprintf(io.Out, "restored %s → %s\n", abs, out)
	if *tenant != "" && !*mediaDB { // the media file holds bytes only; the audit chain lives in the tenant file
		return restoredAuditChain(ctx, *data, *tenant, out, out == abs, *ts, io)
	}
	return nil
}

// cmdBackupCheck restores every database (platform and each tenant) from its replica into a
// temporary folder, checks the copy's integrity, compares row counts with the live file (read-only,
// so it is safe while the server runs) and prints one line per database; it fails when any line does.
func cmdBackupCheck(ctx context.Context, args []string, io *IO) error {
	fs, data := flags("backup check", io)
	lsPath := fs.String("litestream", "", "litestream.yml (env HIGHVIBE_LITESTREAM, default ./litestream.yml)")
	verbose := fs.Bool("verbose", false, "also print Litestream's own progress lines (by default only its warnings and errors)")
	maxLag := fs.Duration("max-lag", time.Minute, "how far the replica may trail the live file while rows are still on their way")
	tmp := fs.String("tmp", "", "folder for the restored copies (default: the system's temporary folder)")
	if err := parse(fs, args); err != nil {
		return err
	}
	litestreamLog(*verbose)
	if *maxLag < 0 {
		return usagef("backup check: --max-lag must not be negative")
	}
	cfg, err := loadLitestream("backup check", *lsPath)
	if err != nil {
		return err
	}
	dbs, err := backupCheckList(ctx, *data)
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp(*tmp, "highvibe-backup-check-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	width := 0
	for _, d := range dbs {
		width = max(width, len(d.name))
	}
	failing := 0
	run := &platform.BackupCheck{RanAt: time.Now()}
	for _, d := range dbs {
		var ignore []string
		if d.kind == platform.BackupDBPlatform {
			// This run's own record lands in platform.db after it was checked; while the server
			// is stopped nothing ships it, and the next run would count it as missing.
			ignore = backupCheckTables
		}
		r := replica.Check(ctx, cfg, d.path, dir, *maxLag, ignore...)
		if !r.OK() {
			failing++
		}
		fmt.Fprintln(io.Out, backupCheckLine(d.name, width, r))
		run.Databases = append(run.Databases, platform.BackupCheckDB{Kind: d.kind, Slug: d.slug, OK: r.OK(), Integrity: r.Integrity,
			Diffs: strings.Join(r.Diffs, "; "), InFlight: r.OK() && len(r.InFlight) > 0, Lag: r.Lag(), Problems: strings.Join(r.Problems, "; ")})
	}
	recordBackupCheck(ctx, *data, run, io)
	if failing > 0 {
		return fmt.Errorf("backup check: %d of %d databases failing", failing, len(dbs))
	}
	fmt.Fprintf(io.Out, "backup check: all %d databases restore and match\n", len(dbs))
	return nil
}

// checkedDB is one database the backup check restores: its line's name, its file, and what it
// is for the record (platform.BackupDB* and the business's slug).
type checkedDB struct{ name, path, kind, slug string }

// backupCheckTables are platform.db's record of the checks themselves.
var backupCheckTables = []string{"backup_checks", "backup_check_databases"}

// recordBackupCheck writes the run into platform.db for the backups page. A run without
// platform.db (it is reported missing) has nowhere to go; a record that cannot be written is a
// warning: the check itself stands.
func recordBackupCheck(ctx context.Context, data string, run *platform.BackupCheck, io *IO) {
	abs, err := filepath.Abs(data)
	if err == nil && !fileExists(filepath.Join(abs, "platform.db")) {
		fmt.Fprintln(io.Err, "highvibe: warning: no platform.db, so this check is not recorded for the backups page")
		return
	}
	if err == nil {
		var m *tenantdb.Manager
		var ps *platform.Service
		if m, ps, err = openPlatform(ctx, abs); err == nil {
			err = ps.RecordBackupCheck(ctx, run)
			m.Close()
		}
	}
	if err != nil {
		fmt.Fprintln(io.Err, "highvibe: warning: this check is not recorded for the backups page: "+oneLine(err.Error()))
	}
}

// backupCheckList is platform.db and every tenant the platform knows, plus any tenant file in the
// data folder the platform does not list. A missing platform.db is not created: it is checked
// (and reported missing) like any other database.
func backupCheckList(ctx context.Context, data string) ([]checkedDB, error) {
	abs, err := filepath.Abs(data)
	if err != nil {
		return nil, err
	}
	list := []checkedDB{{"platform", filepath.Join(abs, "platform.db"), platform.BackupDBPlatform, ""}}
	seen := map[string]bool{}
	if _, err := os.Stat(list[0].path); err == nil {
		m, ps, err := openPlatform(ctx, abs)
		if err != nil {
			return nil, err
		}
		ts, err := ps.ListTenants(ctx)
		m.Close()
		if err != nil {
			return nil, err
		}
		for _, t := range ts {
			seen[t.Slug] = true
			list = append(list, checkedDB{"tenant " + t.Slug, filepath.Join(abs, "tenants", t.Slug+".db"), platform.BackupDBTenant, t.Slug})
			// The tenant's photos and files, when it has any (the file is made on first use).
			if m := filepath.Join(abs, "tenants", t.Slug+".media.db"); fileExists(m) {
				list = append(list, checkedDB{"media " + t.Slug, m, platform.BackupDBMedia, t.Slug})
			}
		}
	}
	files, _ := filepath.Glob(filepath.Join(abs, "tenants", "*.db"))
	sort.Strings(files)
	for _, f := range files {
		slug := strings.TrimSuffix(filepath.Base(f), ".db")
		if !seen[slug] && tenantdb.ValidSlug(slug) {
			list = append(list, checkedDB{"tenant " + slug + " (not in platform.db)", f, platform.BackupDBTenant, slug})
		}
	}
	return list, nil
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// backupCheckLine is one readable line: verdict, database, then what was found.
func backupCheckLine(name string, width int, r *replica.CheckReport) string {
	verdict := "ok  "
	var parts []string
	if !r.OK() {
		verdict = "FAIL"
		parts = append(parts, r.Problems...)
	} else {
		match := fmt.Sprintf("%d tables, %d rows match", r.Tables, r.Rows)
		if len(r.InFlight) > 0 {
			match = fmt.Sprintf("%d tables, %d rows; still on their way: %s", r.Tables, r.Rows, strings.Join(r.InFlight, "; "))
		}
		parts = append(parts, match)
	}
	if r.ReplicaTXID > 0 {
		pos := fmt.Sprintf("replica at transaction %d", uint64(r.ReplicaTXID))
		if r.LocalTXID > 0 {
			pos += fmt.Sprintf(" of %d", uint64(r.LocalTXID))
		}
		pos += ", written " + r.ReplicaAt.UTC().Format(time.RFC3339)
		// A matching replica that holds every transaction replication has seen is up to date,
		// whatever the file times say (a checkpoint touches the live file without new data).
		caughtUp := r.OK() && len(r.InFlight) == 0 && r.LocalTXID <= r.ReplicaTXID
		if lag := r.Lag().Round(time.Second); lag > 0 && !caughtUp {
			pos += fmt.Sprintf(", %s behind the live file", lag)
		} else {
			pos += ", up to date"
		}
		parts = append(parts, pos)
	}
	return fmt.Sprintf("%s  %-*s  %s", verdict, width, name, strings.Join(parts, " · "))
}
