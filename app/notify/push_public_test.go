package notify

import "testing"

// TestPushDialsPublicAddressesOnly: the push client's dial check refuses every address of the
// server's own networks, those that count as global unicast but are not the public internet
// (carrier-grade NAT, NAT64, 6to4, Teredo, benchmarking) included, and lets public ones through.
func TestPushDialsPublicAddressesOnly(t *testing.T) {
	for _, a := range []string{"127.0.0.1:443", "10.0.0.5:443", "192.168.1.1:443", "169.254.169.254:80", "[::1]:443", "[fd00::1]:443",
		"100.64.0.1:443", "100.127.255.254:443", "198.18.0.1:443", "192.0.0.8:443",
		"[64:ff9b::a00:1]:443", "[64:ff9b:1::a00:1]:443", "[2002:a00:1::1]:443", "[2001:0:4136:e378::1]:443", "[::ffff:10.0.0.1]:443"} {
		if err := publicOnly("tcp", a, nil); err == nil {
			t.Errorf("dial to %s allowed", a)
		}
	}
	for _, a := range []string{"142.250.74.170:443", "[2a00:1450:4001:82b::200a]:443", "17.253.144.10:443"} {
		if err := publicOnly("tcp", a, nil); err != nil {
			t.Errorf("dial to %s refused: %v", a, err)
		}
	}
}
