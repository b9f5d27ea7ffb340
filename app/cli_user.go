package app

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"highvibe/app/auth"
	"highvibe/app/platform"
	"highvibe/app/staff"
	"highvibe/app/tenantdb"
)

// userFlag opens platform.db and finds the --username user (a usage error when there is none).
func userFlag(ctx context.Context, cmd, data, username string) (*tenantdb.Manager, *platform.Service, *platform.User, error) {
	if username == "" {
		return nil, nil, nil, usagef("%s: --username is required", cmd)
	}
	m, ps, err := openPlatform(ctx, data)
	if err != nil {
		return nil, nil, nil, err
	}
	u, err := ps.UserByUsername(ctx, username)
	if errors.Is(err, tenantdb.ErrNotFound) {
		m.Close()
		return nil, nil, nil, usagef("%s: no user %q", cmd, username)
	}
	if err != nil {
		m.Close()
		return nil, nil, nil, err
	}
	return m, ps, u, nil
}

// readPassword reads the first line of stdin.
func readPassword(io *IO) (string, error) {
	line, err := bufio.NewReader(io.In).ReadString('\n')
	if err != nil && err != errIOEOF {
		return "", fmt.Errorf("read password: %w", err)
	}
	return strings.TrimRight(line, "\r\n"), nil
}

// cmdUserSetPassword is the way back in for an owner who lost the password: it sets a new one
// and ends every session of the user (a running server refuses the old cookies at once).
func cmdUserSetPassword(ctx context.Context, args []string, io *IO) error {
	fs, data := flags("user set-password", io)
	username := fs.String("username", "", "username")
	pwStdin := fs.Bool("password-stdin", false, "read the new password from the first line of stdin")
	if err := parse(fs, args); err != nil {
		return err
	}
	if !*pwStdin {
		return usagef("user set-password: give the new password on stdin with --password-stdin")
	}
	m, ps, u, err := userFlag(ctx, "user set-password", *data, *username)
	if err != nil {
		return err
	}
	defer m.Close()
	pw, err := readPassword(io)
	if err != nil {
		return err
	}
	if err := ps.SetPassword(ctx, u.ID, pw); err != nil {
		return err
	}
	fmt.Fprintf(io.Out, "password of %s changed; every session of %s ended\n", u.Username, u.Username)
	return nil
}

// cmdUserSessions lists or revokes a user's panel sessions.
func cmdUserSessions(ctx context.Context, args []string, io *IO) error {
	action := ""
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		action, args = args[0], args[1:]
	}
	if action != "list" && action != "revoke" {
		return usagef("user sessions: say list or revoke (highvibe user sessions revoke --username U)")
	}
	fs, data := flags("user sessions "+action, io)
	username := fs.String("username", "", "username")
	if err := parse(fs, args); err != nil {
		return err
	}
	m, ps, u, err := userFlag(ctx, "user sessions "+action, *data, *username)
	if err != nil {
		return err
	}
	defer m.Close()
	if action == "revoke" {
		n, err := ps.RevokeSessions(ctx, u.ID)
		if err != nil {
			return err
		}
		fmt.Fprintf(io.Out, "%d sessions of %s ended\n", n, u.Username)
		return nil
	}
	st := &auth.Store{Platform: ps}
	list, err := ps.SessionsOfUser(ctx, u.ID, st.Cutoffs())
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(io.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSIGNED IN\tLAST SEEN\tADDRESS\tBROWSER")
	for _, s := range list {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", s.ID, s.CreatedAt.UTC().Format(time.RFC3339), s.LastSeenAt.UTC().Format(time.RFC3339),
			dash(s.IP), dash(auth.BrowserLabel(s.UserAgent)))
	}
	return tw.Flush()
}

// cmdUserReset2FA is the lost-phone procedure: it turns the user's second factor off (secret and
// recovery codes deleted) and ends every session; the user signs in with the password and enrols
// again.
func cmdUserReset2FA(ctx context.Context, args []string, io *IO) error {
	fs, data := flags("user reset-2fa", io)
	username := fs.String("username", "", "username")
	if err := parse(fs, args); err != nil {
		return err
	}
	m, ps, u, err := userFlag(ctx, "user reset-2fa", *data, *username)
	if err != nil {
		return err
	}
	defer m.Close()
	if _, err := staffService(m, ps).ResetTwoFactor(ctx, staff.CLI, u.ID); !staff.Done(err) {
		return err
	} else if err != nil {
		_ = notRecordedWarning(io, err)
	}
	fmt.Fprintf(io.Out, "two-step sign-in of %s turned off and every session of %s ended; they enrol again after signing in\n", u.Username, u.Username)
	return nil
}
