//go:build unix

package replica

import (
	"bufio"
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

const sshdPath = "/usr/sbin/sshd"

// testSSHD is a throw-away OpenSSH server on a loopback port.
type testSSHD struct {
	addr        string // 127.0.0.1:port
	user        string
	clientKey   string // private key file for the client
	hostKeyLine string // "ssh-ed25519 AAAA..."
	hostKeyFile string // the same, as a .pub file
}

// startSSHD runs sshd as a child process with keys generated for this test.
// Missing sshd skips the test locally and fails it in CI, where
// openssh-server is installed.
func startSSHD(t *testing.T) *testSSHD {
	t.Helper()
	if _, err := os.Stat(sshdPath); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is missing; CI must install openssh-server", sshdPath)
		}
		t.Skipf("skipping: %s not found (install openssh-server to run the SFTP test)", sshdPath)
	}
	u, err := user.Current()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()

	writeKey := func(name string) ssh.PublicKey {
		pub, priv, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		block, err := ssh.MarshalPrivateKey(priv, "")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), pem.EncodeToMemory(block), 0o600); err != nil {
			t.Fatal(err)
		}
		sshPub, err := ssh.NewPublicKey(pub)
		if err != nil {
			t.Fatal(err)
		}
		return sshPub
	}
	hostPub := writeKey("host_ed25519")
	clientPub := writeKey("client_ed25519")
	if err := os.WriteFile(filepath.Join(dir, "authorized_keys"), ssh.MarshalAuthorizedKey(clientPub), 0o600); err != nil {
		t.Fatal(err)
	}
	s := &testSSHD{
		user:        u.Username,
		clientKey:   filepath.Join(dir, "client_ed25519"),
		hostKeyLine: strings.TrimSpace(string(ssh.MarshalAuthorizedKey(hostPub))),
		hostKeyFile: filepath.Join(dir, "host_ed25519.pub"),
	}
	if err := os.WriteFile(s.hostKeyFile, ssh.MarshalAuthorizedKey(hostPub), 0o600); err != nil {
		t.Fatal(err)
	}

	// As root, sshd insists on its privilege-separation directory, which
	// containers often lack.
	if os.Geteuid() == 0 {
		if err := os.MkdirAll("/run/sshd", 0o755); err != nil {
			t.Fatalf("create /run/sshd for sshd: %v", err)
		}
	}

	// A port that was free a moment ago; sshd failing to bind is retried.
	for attempt := 0; ; attempt++ {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := l.Addr().(*net.TCPAddr).Port
		_ = l.Close()

		conf := filepath.Join(dir, "sshd_config")
		// StrictModes off: temp dirs and root-owned files would fail its
		// ownership checks. PermitRootLogin: the test may run as root.
		body := strings.Join([]string{
			"Port " + strconv.Itoa(port),
			"ListenAddress 127.0.0.1",
			"HostKey " + filepath.Join(dir, "host_ed25519"),
			"PidFile " + filepath.Join(dir, "sshd.pid"),
			"AuthorizedKeysFile " + filepath.Join(dir, "authorized_keys"),
			"AllowUsers " + u.Username,
			"StrictModes no",
			"PermitRootLogin yes",
			"PubkeyAuthentication yes",
			"PasswordAuthentication no",
			"UsePAM no",
			"Subsystem sftp internal-sftp",
			"LogLevel ERROR",
			"",
		}, "\n")
		if err := os.WriteFile(conf, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		var stderr syncBuffer
		cmd := exec.Command(sshdPath, "-D", "-e", "-f", conf)
		cmd.Stderr = &stderr
		// sshd forks a child per connection, and clients that are never
		// closed keep those alive: run it in its own process group so the
		// whole group can be ended, and do not wait on the pipe forever.
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		cmd.WaitDelay = 2 * time.Second
		if err := cmd.Start(); err != nil {
			t.Fatalf("start sshd: %v", err)
		}
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()

		addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
		stop := func() {
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-exited
		}
		if waitForSSHBanner(addr, exited, 10*time.Second) {
			t.Cleanup(stop)
			s.addr = addr
			return s
		}
		stop()
		if attempt >= 2 {
			t.Fatalf("sshd did not come up on %s:\n%s", addr, stderr.String())
		}
	}
}

// waitForSSHBanner reports whether an SSH server answers on addr before the
// process exits or the time is up.
func waitForSSHBanner(addr string, exited <-chan error, within time.Duration) bool {
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		select {
		case <-exited:
			return false
		default:
		}
		conn, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			_ = conn.SetDeadline(time.Now().Add(2 * time.Second))
			line, _ := bufio.NewReader(conn).ReadString('\n')
			_ = conn.Close()
			if strings.HasPrefix(line, "SSH-") {
				return true
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	return false
}

// Replicate to a real SFTP server and restore from it.
func TestSFTPReplica(t *testing.T) {
	sshd := startSSHD(t)
	dir := t.TempDir()
	remote := filepath.Join(dir, "remote")
	sftpURL := func(p string) string {
		return (&url.URL{Scheme: "sftp", User: url.User(sshd.user), Host: sshd.addr, Path: filepath.ToSlash(p)}).String()
	}
	cfg := mustParse(t, fmt.Sprintf(`
dbs:
  - path: data/platform.db
    replica:
      url: %s
      key-path: %s
      host-key: %q
  - dir: data/tenants
    pattern: "*.db"
    replica:
      url: %s
      key-path: %s
      host-key-path: %s
`, sftpURL(filepath.Join(remote, "platform.db")), sshd.clientKey, sshd.hostKeyLine,
		sftpURL(filepath.Join(remote, "tenants")), sshd.clientKey, sshd.hostKeyFile), dir)
	ctx := testCtx(t)

	platform := filepath.Join(dir, "data", "platform.db")
	acme := filepath.Join(dir, "data", "tenants", "acme.db")
	platformDB := openAppDB(t, platform)
	insertNotes(t, platformDB, 1, 60)
	m := startManager(t, cfg, func(m *Manager) { m.scanInterval = time.Hour })

	acmeDB := openAppDB(t, acme)
	insertNotes(t, acmeDB, 1, 75)
	if ok, err := m.Add(ctx, acme); !ok || err != nil {
		t.Fatalf("Add(acme) = %v, %v", ok, err)
	}
	insertNotes(t, platformDB, 61, 15)
	for _, p := range []string{platform, acme} {
		if err := m.Sync(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	st := m.Status()
	if !st.Healthy || len(st.DBs) != 2 {
		t.Fatalf("status = %+v", st)
	}
	for _, d := range st.DBs {
		if !strings.HasPrefix(d.Replica, "sftp://"+sshd.user+"@"+sshd.addr+"/") {
			t.Fatalf("replica description %q", d.Replica)
		}
	}
	// Same layout as the file replica: <remote dir>/<db name>/ltx/...
	if _, err := os.Stat(filepath.Join(remote, "tenants", "acme.db", "ltx", "0")); err != nil {
		t.Fatalf("remote layout: %v", err)
	}

	for _, p := range []string{platform, acme} {
		out := filepath.Join(dir, "restored", filepath.Base(p))
		if err := Restore(ctx, cfg, p, out, time.Time{}); err != nil {
			t.Fatal(err)
		}
		if got, want := readNotes(t, out), readNotes(t, p); got != want {
			t.Fatalf("restored %s = %+v, want %+v", filepath.Base(p), got, want)
		}
	}

	// A wrong host key must be refused, not silently trusted.
	bad := mustParse(t, fmt.Sprintf(`
dbs:
  - path: data/platform.db
    replica:
      url: %s
      key-path: %s
      host-key: %q
`, sftpURL(filepath.Join(remote, "platform.db")), sshd.clientKey, otherHostKey(t)), dir)
	err := Restore(ctx, bad, platform, filepath.Join(dir, "never.db"), time.Time{})
	if err == nil || !strings.Contains(err.Error(), "host key") {
		t.Fatalf("restore with a wrong host key: err = %v", err)
	}
}

func otherHostKey(t *testing.T) string {
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	k, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(ssh.MarshalAuthorizedKey(k)))
}

// syncBuffer collects a child's stderr safely.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
