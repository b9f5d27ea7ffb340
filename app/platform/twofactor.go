package platform

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"highvibe/app/tenantdb"
)

// TwoFactor is a user's second-factor state.
type TwoFactor struct {
	Secret    string    // base32 TOTP secret; "" when none
	EnabledAt time.Time // zero while enrolment is unfinished (or never started)
	LastStep  int64     // the newest time step already used (a code is good once)
	CodesLeft int       // unused recovery codes
}

// Enabled reports whether sign-in asks for a code.
func (t TwoFactor) Enabled() bool { return !t.EnabledAt.IsZero() && t.Secret != "" }

// TwoFactorOf reads the user's second-factor state.
func (s *Service) TwoFactorOf(ctx context.Context, userID int64) (TwoFactor, error) {
	var tf TwoFactor
	var enabled sql.NullInt64
	err := s.DB.Read.QueryRowContext(ctx, `SELECT totp_secret, totp_enabled_at, totp_last_step,
		(SELECT count(*) FROM recovery_codes WHERE user_id = users.id AND used_at IS NULL) FROM users WHERE id = ?`, userID).
		Scan(&tf.Secret, &enabled, &tf.LastStep, &tf.CodesLeft)
	if errors.Is(err, sql.ErrNoRows) {
		return tf, tenantdb.ErrNotFound
	}
	if err != nil {
		return tf, fmt.Errorf("platform: two-factor: %w", err)
	}
	if enabled.Valid {
		tf.EnabledAt = tenantdb.Time(enabled.Int64)
	}
	return tf, nil
}

// StartTwoFactor stores a new secret for enrolment; it does not count until FinishTwoFactor. An
// enrolled user cannot start again without turning the second factor off first.
func (s *Service) StartTwoFactor(ctx context.Context, userID int64, secret string) error {
	res, err := s.DB.Exec(ctx, `UPDATE users SET totp_secret = ?, totp_last_step = 0 WHERE id = ? AND totp_enabled_at IS NULL`, secret, userID)
	if err != nil {
		return fmt.Errorf("platform: start two-factor: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("platform: start two-factor: %w", ErrExists)
	}
	return nil
}

// NormalizeRecoveryCode is how recovery codes are compared: lower case, no dashes or spaces.
func NormalizeRecoveryCode(code string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '-' || r == ' ':
			return -1
		case r >= 'A' && r <= 'Z':
			return r + 'a' - 'A'
		}
		return r
	}, code)
}

func hashRecoveryCode(code string) string {
	sum := sha256.Sum256([]byte(NormalizeRecoveryCode(code)))
	return hex.EncodeToString(sum[:])
}

// FinishTwoFactor turns the second factor on after the first good code (step), replaces the
// recovery codes with codes (stored hashed) and ends every other session of the user.
func (s *Service) FinishTwoFactor(ctx context.Context, userID, step int64, codes []string, keepSession int64, now time.Time) error {
	return s.DB.InTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET totp_enabled_at = ?, totp_last_step = ? WHERE id = ? AND totp_secret != '' AND totp_enabled_at IS NULL`,
			tenantdb.Millis(now), step, userID)
		if err != nil {
			return fmt.Errorf("platform: finish two-factor: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("platform: finish two-factor: %w", tenantdb.ErrNotFound)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM recovery_codes WHERE user_id = ?`, userID); err != nil {
			return fmt.Errorf("platform: recovery codes: %w", err)
		}
		for _, c := range codes {
			if _, err := tx.ExecContext(ctx, `INSERT INTO recovery_codes(user_id, code_hash) VALUES(?, ?)`, userID, hashRecoveryCode(c)); err != nil {
				return fmt.Errorf("platform: recovery codes: %w", err)
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ? AND id != ?`, userID, keepSession); err != nil {
			return fmt.Errorf("platform: finish two-factor: end sessions: %w", err)
		}
		return nil
	})
}

// UseTOTPStep records that the code of step was used, if it is newer than any used before; false
// means the code was already used (a replay) and must be refused.
func (s *Service) UseTOTPStep(ctx context.Context, userID, step int64) (bool, error) {
	res, err := s.DB.Exec(ctx, `UPDATE users SET totp_last_step = ? WHERE id = ? AND totp_last_step < ?`, step, userID, step)
	if err != nil {
		return false, fmt.Errorf("platform: use code: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// UseRecoveryCode spends one recovery code; false when it is unknown or already used.
func (s *Service) UseRecoveryCode(ctx context.Context, userID int64, code string, now time.Time) (bool, error) {
	res, err := s.DB.Exec(ctx, `UPDATE recovery_codes SET used_at = ? WHERE user_id = ? AND code_hash = ? AND used_at IS NULL`,
		tenantdb.Millis(now), userID, hashRecoveryCode(code))
	if err != nil {
		return false, fmt.Errorf("platform: use recovery code: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// ResetTwoFactor turns the second factor off (secret and recovery codes gone) and ends every
// session of the user except keepSession (0: all of them, the lost-phone procedure).
func (s *Service) ResetTwoFactor(ctx context.Context, userID, keepSession int64) error {
	return s.DB.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE users SET totp_secret = '', totp_enabled_at = NULL, totp_last_step = 0 WHERE id = ?`, userID); err != nil {
			return fmt.Errorf("platform: reset two-factor: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM recovery_codes WHERE user_id = ?`, userID); err != nil {
			return fmt.Errorf("platform: reset two-factor: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ? AND id != ?`, userID, keepSession); err != nil {
			return fmt.Errorf("platform: reset two-factor: end sessions: %w", err)
		}
		return nil
	})
}

// RequiresTwoFactor reports whether any tenant the user belongs to (enabled membership) has
// require_2fa on.
func (s *Service) RequiresTwoFactor(ctx context.Context, userID int64) (bool, error) {
	var n int
	err := s.DB.Read.QueryRowContext(ctx, `SELECT count(*) FROM memberships m JOIN tenant_settings ts ON ts.tenant_id = m.tenant_id
		WHERE m.user_id = ? AND m.disabled = 0 AND ts.key = 'require_2fa' AND ts.value = 'true'`, userID).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("platform: require 2fa: %w", err)
	}
	return n > 0, nil
}
