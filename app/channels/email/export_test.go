package email

import "crypto/x509"

// TrustRoots makes the mail client accept certificates signed by pool (a test server's own)
// until the returned func puts the system's back.
func TrustRoots(pool *x509.CertPool) (restore func()) {
	roots = pool
	return func() { roots = nil }
}
