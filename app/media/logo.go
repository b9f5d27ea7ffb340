package media

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"image"
	"image/draw"
	"image/png"
	"os"

	xdraw "golang.org/x/image/draw"

	"highvibe/app/tenantdb"
)

// PinLogo is the pin of the business's logo (printed on its quotes).
const PinLogo = "logo"

// LogoMaxBytes is the largest logo file accepted; LogoSide the longest side it is kept at (sharp
// at 40 mm wide on paper).
const (
	LogoMaxBytes = 2 << 20
	LogoSide     = 800
)

// NormalizeLogo checks an uploaded logo (its bytes must be a JPEG, PNG, WebP or GIF image of at
// most LogoMaxBytes and a sane canvas) and returns it as a PNG of at most LogoSide pixels on the
// long side: a new encoding of the pixels alone (no metadata), with its transparency, in the one
// format the PDF library reads without surprises. A *Refusal says what is wrong (empty,
// too_large, bad_type).
func NormalizeLogo(data []byte) ([]byte, error) {
	switch {
	case len(data) == 0:
		return nil, &Refusal{ErrCodeEmpty}
	case len(data) > LogoMaxBytes:
		return nil, &Refusal{ErrCodeTooLarge}
	}
	ct, err := Sniff(KindImage, data)
	if err != nil {
		return nil, err
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err == nil && (cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width*cfg.Height > maxPixels) {
		return nil, &Refusal{ErrCodeTooLarge}
	}
	src, err := decodeImage(data, ct)
	if err != nil {
		return nil, &Refusal{ErrCodeBadType}
	}
	b := src.Bounds()
	w, h := b.Dx(), b.Dy()
	if w <= 0 || h <= 0 || w*h > maxPixels {
		return nil, &Refusal{ErrCodeTooLarge}
	}
	if w > LogoSide || h > LogoSide {
		if w >= h {
			w, h = LogoSide, max(1, h*LogoSide/w)
		} else {
			w, h = max(1, w*LogoSide/h), LogoSide
		}
	}
	dst := image.NewNRGBA(image.Rect(0, 0, w, h))
	if w == b.Dx() && h == b.Dy() {
		draw.Draw(dst, dst.Bounds(), src, b.Min, draw.Src)
	} else {
		xdraw.CatmullRom.Scale(dst, dst.Bounds(), src, b, xdraw.Src, nil)
	}
	var out bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&out, dst); err != nil {
		return nil, fmt.Errorf("media: logo: %w", err)
	}
	return out.Bytes(), nil
}

// SetLogo keeps the business's logo (checked and made a PNG by NormalizeLogo) in its media
// database and pins it; a previous logo that nothing else names is removed. The logo counts
// toward the media quota (a *Refusal quota when it does not fit).
func (s *Service) SetLogo(ctx context.Context, slug string, data []byte) error {
	logo, err := NormalizeLogo(data)
	if err != nil {
		return err
	}
	t, err := s.Platform.TenantBySlug(ctx, slug)
	if err != nil {
		return err
	}
	mdb, err := s.Mgr.Media(ctx, slug)
	if err != nil {
		return err
	}
	sum := Sum(logo)
	known, err := hasBlob(ctx, mdb, sum)
	if err != nil {
		return err
	}
	if !known {
		used, err := usedBytes(ctx, mdb)
		if err != nil {
			return err
		}
		if used+int64(len(logo)) > QuotaBytes(t.Setting) {
			return &Refusal{ErrCodeQuota}
		}
	}
	var old string
	err = mdb.InTx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT sha256 FROM pins WHERE name = ?`, PinLogo).Scan(&old); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO blobs(sha256, size, content_type, data, created_at) VALUES(?,?,?,?,?)
			ON CONFLICT(sha256) DO NOTHING`, sum, len(logo), "image/png", logo, tenantdb.Now()); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO pins(name, sha256, content_type, updated_at) VALUES(?,?,?,?)
			ON CONFLICT(name) DO UPDATE SET sha256 = excluded.sha256, content_type = excluded.content_type, updated_at = excluded.updated_at`,
			PinLogo, sum, "image/png", tenantdb.Now())
		return err
	})
	if err != nil {
		return fmt.Errorf("media: set logo: %w", err)
	}
	if old != "" && old != sum {
		return s.dropUnnamed(ctx, slug, mdb, []string{old})
	}
	return nil
}

// Logo returns the business's logo as PNG bytes, nil when it has none. A tenant without a media
// file has none (and the file is not created by asking).
func (s *Service) Logo(ctx context.Context, slug string) ([]byte, error) {
	if _, err := os.Stat(s.Mgr.MediaPath(slug)); err != nil {
		return nil, nil
	}
	mdb, err := s.Mgr.Media(ctx, slug)
	if err != nil {
		return nil, err
	}
	var data []byte
	err = mdb.Read.QueryRowContext(ctx, `SELECT b.data FROM pins p JOIN blobs b ON b.sha256 = p.sha256 WHERE p.name = ?`, PinLogo).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("media: logo: %w", err)
	}
	return data, nil
}

// RemoveLogo unpins the business's logo and removes its bytes unless something else names them.
func (s *Service) RemoveLogo(ctx context.Context, slug string) error {
	if _, err := os.Stat(s.Mgr.MediaPath(slug)); err != nil {
		return nil
	}
	mdb, err := s.Mgr.Media(ctx, slug)
	if err != nil {
		return err
	}
	var old string
	err = mdb.InTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `DELETE FROM pins WHERE name = ? RETURNING sha256`, PinLogo).Scan(&old)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		return err
	})
	if err != nil || old == "" {
		return err
	}
	return s.dropUnnamed(ctx, slug, mdb, []string{old})
}

// dropUnnamed deletes those of sums that no attachment of the tenant and no pin names any more.
func (s *Service) dropUnnamed(ctx context.Context, slug string, mdb *tenantdb.DB, sums []string) error {
	db, err := s.Mgr.Tenant(ctx, slug)
	if err != nil {
		return err
	}
	keep, err := referenced(ctx, db.Read)
	if err != nil {
		return err
	}
	pinned, err := pinnedSums(ctx, mdb)
	if err != nil {
		return err
	}
	var gone []string
	for _, s := range sums {
		if !keep[s] && !pinned[s] {
			gone = append(gone, s)
		}
	}
	return deleteBlobs(ctx, mdb, gone)
}

// pinnedSums lists the contents the business keeps for itself.
func pinnedSums(ctx context.Context, mdb *tenantdb.DB) (map[string]bool, error) {
	out := map[string]bool{}
	err := tenantdb.EachRow(ctx, mdb.Read, `SELECT sha256 FROM pins`, nil, func(r *sql.Rows) error {
		var s string
		if err := r.Scan(&s); err != nil {
			return err
		}
		out[s] = true
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("media: pins: %w", err)
	}
	return out, nil
}
