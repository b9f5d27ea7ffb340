package auth

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/gorilla/sessions"
)

// SessionName is the panel session cookie.
const SessionName = "hv_session"

// NewStore returns a cookie session store whose signing and encryption keys are generated on first
// start and kept in DATA/session.keys (mode 0600), so sessions survive restarts.
func NewStore(dataDir string) (*sessions.CookieStore, error) {
	path := filepath.Join(dataDir, "session.keys")
	b, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		raw := make([]byte, 64)
		if _, err := rand.Read(raw); err != nil {
			return nil, err
		}
		b = []byte(hex.EncodeToString(raw[:32]) + "\n" + hex.EncodeToString(raw[32:]) + "\n")
		if err := os.WriteFile(path, b, 0o600); err != nil {
			return nil, fmt.Errorf("auth: write session keys: %w", err)
		}
	} else if err != nil {
		return nil, fmt.Errorf("auth: read session keys: %w", err)
	}
	parts := strings.Fields(string(b))
	if len(parts) != 2 {
		return nil, fmt.Errorf("auth: %s is malformed (delete it to generate new keys; everyone will have to log in again)", path)
	}
	hashKey, err1 := hex.DecodeString(parts[0])
	blockKey, err2 := hex.DecodeString(parts[1])
	if err1 != nil || err2 != nil || len(blockKey) != 32 {
		return nil, fmt.Errorf("auth: %s is malformed", path)
	}
	st := sessions.NewCookieStore(hashKey, blockKey)
	st.Options = &sessions.Options{Path: "/", MaxAge: 14 * 24 * 3600, HttpOnly: true, SameSite: http.SameSiteLaxMode}
	st.MaxAge(14 * 24 * 3600)
	return st, nil
}
