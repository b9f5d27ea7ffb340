// Package replicatest holds what the replica package's tests and the app's
// end-to-end backup tests share: the official Litestream CLI, built once per
// `go test` run, and an S3-compatible server running inside the test.
package replicatest

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
)

const litestreamModule = "github.com/benbjohnson/litestream"

var (
	cliOnce sync.Once
	cliPath string
	cliErr  error
)

// LitestreamCLI returns the path of the official Litestream CLI at the
// version this module pins. It is built once into a directory named after
// that version and the Go toolchain, so every test package of one
// `go test ./...` run (each its own process) shares the same binary; a
// concurrent build by another package is harmless because the binary is
// moved into place in one rename.
func LitestreamCLI(t testing.TB) string {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("skipping: the go tool is not on PATH, so the official litestream CLI cannot be built")
	}
	cliOnce.Do(func() { cliPath, cliErr = buildCLI(goBin) })
	if cliErr != nil {
		t.Fatal(cliErr)
	}
	return cliPath
}

func buildCLI(goBin string) (string, error) {
	// Test binaries carry no dependency list, so ask the go tool which
	// version the module pins (and where a replace points).
	ver, err := exec.Command(goBin, "list", "-m", "-f", "{{.Version}}{{with .Replace}}-replaced-{{.Path}}@{{.Version}}{{end}}", litestreamModule).Output()
	if err != nil {
		return "", fmt.Errorf("go list %s: %w", litestreamModule, err)
	}
	version := strings.NewReplacer("/", "_", string(filepath.Separator), "_").Replace(strings.TrimSpace(string(ver)))
	dir := filepath.Join(os.TempDir(), fmt.Sprintf("highvibe-test-litestream-%s-%s-%s_%s",
		version, runtime.Version(), runtime.GOOS, runtime.GOARCH))
	bin := filepath.Join(dir, "litestream")
	if fi, err := os.Stat(bin); err == nil && fi.Mode().IsRegular() && fi.Size() > 0 {
		return bin, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("litestream CLI: %w", err)
	}
	tmp, err := os.CreateTemp(dir, "build-*")
	if err != nil {
		return "", fmt.Errorf("litestream CLI: %w", err)
	}
	_ = tmp.Close()
	// A bound on a hung build, not a speed check: on a loaded machine with a cold build cache
	// it took over ten minutes (the tests' own -timeout still ends a run that truly hangs).
	ctx, cancel := context.WithTimeout(context.Background(), 40*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, goBin, "build", "-o", tmp.Name(), litestreamModule+"/cmd/litestream").CombinedOutput()
	if err != nil {
		_ = os.Remove(tmp.Name())
		return "", fmt.Errorf("go build litestream CLI: %v\n%s", err, out)
	}
	if err := os.Rename(tmp.Name(), bin); err != nil {
		_ = os.Remove(tmp.Name())
		return "", fmt.Errorf("litestream CLI: %w", err)
	}
	return bin, nil
}

// S3 is an S3-compatible server (gofakes3 over an in-memory store) that
// only answers requests signed with its access key, so a test proves which
// credentials the client really used.
type S3 struct {
	Bucket    string
	AccessKey string
	SecretKey string

	handler  http.Handler
	refused  atomic.Int64
	answered atomic.Int64
}

// NewS3 creates the store with one empty bucket; Serve and ServeTLS put it
// on the network (both may be used at once, sharing the same objects).
func NewS3(t testing.TB) *S3 {
	t.Helper()
	backend := s3mem.New()
	s := &S3{Bucket: "highvibe-backup", AccessKey: "HVTESTKEY", SecretKey: "hv-test-secret"}
	if err := backend.CreateBucket(s.Bucket); err != nil {
		t.Fatal(err)
	}
	fake := gofakes3.New(backend, gofakes3.WithLogger(gofakes3.DiscardLog()))
	inner := fake.Server()
	s.handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// SigV4: "AWS4-HMAC-SHA256 Credential=KEY/date/region/s3/aws4_request, ..."
		if !strings.Contains(r.Header.Get("Authorization"), "Credential="+s.AccessKey+"/") {
			s.refused.Add(1)
			w.Header().Set("Content-Type", "application/xml")
			w.WriteHeader(http.StatusForbidden)
			fmt.Fprint(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>InvalidAccessKeyId</Code><Message>unknown access key</Message></Error>`)
			return
		}
		s.answered.Add(1)
		inner.ServeHTTP(w, r)
	})
	return s
}

// Refused is how many requests came without the right access key.
func (s *S3) Refused() int64 { return s.refused.Load() }

// Answered is how many requests carried the right access key.
func (s *S3) Answered() int64 { return s.answered.Load() }

// Serve starts a plain-HTTP listener on loopback and returns its URL.
func (s *S3) Serve(t testing.TB) string {
	t.Helper()
	srv := httptest.NewServer(s.handler)
	t.Cleanup(srv.Close)
	return srv.URL
}

// ServeTLS starts an HTTPS listener on loopback whose certificate is signed
// by a CA made for this test, and returns its URL and the CA's PEM file.
// Nothing on the machine trusts that CA unless told to.
func (s *S3) ServeTLS(t testing.TB) (url, caFile string) {
	t.Helper()
	caPEM, cert := newCA(t)
	caFile = filepath.Join(t.TempDir(), "test-ca.pem")
	if err := os.WriteFile(caFile, caPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(s.handler)
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv.URL, caFile
}

// newCA makes a self-signed CA and a server certificate for 127.0.0.1 and
// localhost signed by it.
func newCA(t testing.TB) (caPEM []byte, server tls.Certificate) {
	t.Helper()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	caTmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "HighVibe test CA"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(24 * time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	caCert, err := x509.ParseCertificate(caDER)
	if err != nil {
		t.Fatal(err)
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2),
		Subject:      pkix.Name{CommonName: "s3.test"},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:     []string{"localhost"},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1"), net.IPv6loopback},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, caCert, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}),
		tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

// IsolateAWS keeps the AWS SDK (embedded or in the official CLI) away from
// the machine's own AWS settings: no shared config or credentials files, no
// instance metadata lookups, no CA bundle, no keys, unless the test sets
// them afterwards.
func IsolateAWS(t *testing.T) {
	t.Helper()
	none := filepath.Join(t.TempDir(), "no-aws-config")
	t.Setenv("AWS_CONFIG_FILE", none)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", none)
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	for _, k := range []string{"AWS_CA_BUNDLE", "AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
		"AWS_SESSION_TOKEN", "LITESTREAM_ACCESS_KEY_ID", "LITESTREAM_SECRET_ACCESS_KEY",
		"AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3"} {
		t.Setenv(k, "") // restored when the test ends
		if err := os.Unsetenv(k); err != nil {
			t.Fatal(err)
		}
	}
}
