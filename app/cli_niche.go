package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"

	"highvibe/app/i18n"
	"highvibe/app/platform"
	"highvibe/app/staff"
	"highvibe/app/tenantdb"
)

// nicheFlags are the fields of a custom niche on the command line (niche create and niche set).
type nicheFlags struct {
	id, persona, vocabulary, forbidden, modules *string
	names                                       map[string]*string
}

func addNicheFlags(fs *flag.FlagSet) *nicheFlags {
	f := &nicheFlags{
		id:         fs.String("id", "", "niche id: 2-40 lowercase letters, digits or underscores"),
		persona:    fs.String("persona", "", "who the assistant speaks for (given to a configured model)"),
		vocabulary: fs.String("vocabulary", "", "comma-separated words customers use for what the business offers"),
		forbidden:  fs.String("forbidden", "", "comma-separated topics the assistant never advises on (a person takes over)"),
		modules:    fs.String("modules", "", "comma-separated modules a tenant of the niche starts with"),
		names:      map[string]*string{},
	}
	for _, l := range platform.Locales {
		f.names[l] = fs.String("name-"+l, "", "the niche's name in "+l+map[bool]string{true: " (required)"}[l == "en"])
	}
	return f
}

// apply copies the flags given on the command line onto n (all of them when all is true).
func (f *nicheFlags) apply(fs *flag.FlagSet, n *platform.Niche, all bool) {
	set := map[string]bool{}
	fs.Visit(func(fl *flag.Flag) { set[fl.Name] = true })
	if n.Names == nil {
		n.Names = map[string]string{}
	}
	for l, v := range f.names {
		if all || set["name-"+l] {
			n.Names[l] = *v
		}
	}
	if all || set["persona"] {
		n.Persona = *f.persona
	}
	if all || set["vocabulary"] {
		n.Vocabulary = platform.SplitList(*f.vocabulary)
	}
	if all || set["forbidden"] {
		n.Forbidden = platform.SplitList(*f.forbidden)
	}
	if all || set["modules"] {
		n.Modules = platform.SplitList(*f.modules)
	}
}

func cmdNicheCreate(ctx context.Context, args []string, io *IO) error {
	fs, data := flags("niche create", io)
	f := addNicheFlags(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if *f.id == "" {
		return usagef("niche create: --id is required")
	}
	n := &platform.Niche{ID: *f.id}
	f.apply(fs, n, true)
	m, ps, err := openPlatform(ctx, *data)
	if err != nil {
		return err
	}
	defer m.Close()
	err = staffService(m, ps).CreateNiche(ctx, staff.CLI, n)
	if errors.Is(err, platform.ErrExists) {
		return usagef("niche create: niche %q already exists (change it with niche set)", n.ID)
	}
	if !staff.Done(err) {
		return err
	}
	fmt.Fprintf(io.Out, "niche %s created: %s; modules %s\n", n.ID, n.Names["en"], moduleList(n.Modules))
	return notRecordedWarning(io, err)
}

func cmdNicheSet(ctx context.Context, args []string, io *IO) error {
	fs, data := flags("niche set", io)
	f := addNicheFlags(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if *f.id == "" {
		return usagef("niche set: --id is required")
	}
	m, ps, err := openPlatform(ctx, *data)
	if err != nil {
		return err
	}
	defer m.Close()
	n, err := ps.CustomNiche(ctx, *f.id)
	if errors.Is(err, tenantdb.ErrNotFound) {
		return usagef("niche set: no custom niche %q (see niche list)", *f.id)
	}
	if err != nil {
		return err
	}
	f.apply(fs, n, false)
	err = staffService(m, ps).UpdateNiche(ctx, staff.CLI, n)
	if !staff.Done(err) {
		return err
	}
	fmt.Fprintf(io.Out, "niche %s saved: %s; modules %s\n", n.ID, n.Names["en"], moduleList(n.Modules))
	return notRecordedWarning(io, err)
}

func cmdNicheDelete(ctx context.Context, args []string, io *IO) error {
	fs, data := flags("niche delete", io)
	id := fs.String("id", "", "the custom niche to delete")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *id == "" {
		return usagef("niche delete: --id is required")
	}
	m, ps, err := openPlatform(ctx, *data)
	if err != nil {
		return err
	}
	defer m.Close()
	err = staffService(m, ps).DeleteNiche(ctx, staff.CLI, *id)
	var inUse *platform.NicheInUseError
	switch {
	case errors.As(err, &inUse):
		return usagef("niche delete: niche %s is still used by %d tenant(s): %s (give each another niche first: tenant set --slug S niche=ID)",
			*id, len(inUse.Tenants), strings.Join(inUse.Tenants, ", "))
	case errors.Is(err, tenantdb.ErrNotFound):
		if slices.Contains(platform.Niches, *id) {
			return usagef("niche delete: %q is a built-in niche; only custom niches can be deleted", *id)
		}
		return usagef("niche delete: no custom niche %q (see niche list)", *id)
	case !staff.Done(err):
		return err
	}
	fmt.Fprintf(io.Out, "niche %s deleted\n", *id)
	return notRecordedWarning(io, err)
}

func cmdNicheList(ctx context.Context, args []string, io *IO) error {
	fs, data := flags("niche list", io)
	if err := parse(fs, args); err != nil {
		return err
	}
	m, ps, err := openPlatform(ctx, *data)
	if err != nil {
		return err
	}
	defer m.Close()
	list, err := ps.CustomNiches(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(io.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tKIND\tNAME\tMODULES\tTENANTS")
	for _, id := range platform.Niches {
		k, err := ps.TenantsOfNiche(ctx, id)
		if err != nil {
			return err
		}
		// The name the panel shows an English reader: an installer picks the --niche of tenant
		// create from this list, and a bare "-" told them nothing of what parke_tas or kadin_koc is.
		fmt.Fprintf(tw, "%s\tbuilt-in\t%s\t%s\t%d\n", id, i18n.For("en").T("niche."+id), moduleList(platform.NicheModules(id)), k)
	}
	for _, n := range list {
		k, err := ps.TenantsOfNiche(ctx, n.ID)
		if err != nil {
			return err
		}
		fmt.Fprintf(tw, "%s\tcustom\t%s\t%s\t%d\n", n.ID, n.Names["en"], moduleList(n.Modules), k)
	}
	return tw.Flush()
}

// moduleList writes a niche's modules with the two that are always on.
func moduleList(optional []string) string {
	return strings.Join(append([]string{platform.ModuleCore, platform.ModuleConversations}, optional...), ",")
}
