package replica

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path"
	"sort"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/feature/s3/manager"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	"github.com/benbjohnson/litestream"
	"github.com/benbjohnson/litestream/s3"
	"github.com/superfly/ltx"
	"golang.org/x/sync/errgroup"
)

// Litestream's own S3 client hands the AWS SDK a plain *http.Client, and
// the SDK can add a custom root CA only to the HTTP client it builds
// itself: with AWS_CA_BUNDLE set (or a ca-bundle in the config), the
// upstream client fails every call with "unable to add custom RootCAs
// HTTPClient, has no WithTransportOptions". The official CLI has the same
// limit. caS3Client is the S3 replica client HighVibe uses whenever a CA
// bundle is in force: it builds the SDK's own HTTP client so the bundle
// applies, and writes the same object layout and metadata as Litestream's
// client (<path>/<level as 4 hex digits>/<min>-<max>.ltx with a
// litestream-timestamp), so either client, and the official CLI reaching
// the same bucket, reads what the other wrote.
type caS3Client struct {
	// settings carries bucket, path, endpoint, keys and flags exactly as
	// newS3Client resolved them; its own connection is never used.
	settings *s3.ReplicaClient
	caPEM    []byte

	mu       chan struct{} // one Init at a time; a channel so Init honours ctx
	api      *awss3.Client
	uploader *manager.Uploader
}

var _ litestream.ReplicaClient = (*caS3Client)(nil)

// caMetadataWorkers bounds the parallel HEAD requests made when a restore
// asks for exact file times.
const caMetadataWorkers = 8

// caBundlePath is the CA bundle in force for a replica: its ca-bundle
// option, else AWS_CA_BUNDLE as the AWS tools read it.
func caBundlePath(rc *ReplicaConfig) string {
	return firstNonEmpty(rc.CABundle, os.Getenv("AWS_CA_BUNDLE"))
}

// readCABundle reads a PEM file and checks that it holds at least one
// certificate, so a wrong path fails when the config is loaded.
func readCABundle(p string) ([]byte, error) {
	data, err := os.ReadFile(p)
	if err != nil {
		return nil, fmt.Errorf("s3 replica: ca-bundle: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(data) {
		kind := "nothing"
		if b, _ := pem.Decode(data); b != nil {
			kind = "a " + b.Type
		}
		return nil, fmt.Errorf("s3 replica: ca-bundle %s holds no PEM certificate (found %s)", p, kind)
	}
	return data, nil
}

func newCAS3Client(settings *s3.ReplicaClient, caPEM []byte) *caS3Client {
	return &caS3Client{settings: settings, caPEM: caPEM, mu: make(chan struct{}, 1)}
}

// Type is "s3": to Litestream this is an S3 replica like any other.
func (c *caS3Client) Type() string { return s3.ReplicaClientType }

// SetLogger is part of Litestream's interface; this client logs nothing
// (every failure is returned to the caller, which logs and tracks it).
func (c *caS3Client) SetLogger(*slog.Logger) {}

// Init builds the SDK client on first use; later calls return at once.
func (c *caS3Client) Init(ctx context.Context) error {
	select {
	case c.mu <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-c.mu }()
	if c.api != nil {
		return nil
	}
	s := c.settings
	if s.Bucket == "" {
		return errors.New("s3: bucket name is required")
	}

	// The transport mirrors Litestream's (proxy from the environment,
	// bounded idle connections, long overall timeout for big snapshots);
	// the SDK itself adds the bundle to it as the trusted roots.
	httpClient := awshttp.NewBuildableClient().
		WithTimeout(24 * time.Hour).
		WithTransportOptions(func(tr *http.Transport) {
			tr.Proxy = http.ProxyFromEnvironment
			tr.MaxIdleConns = 100
			tr.IdleConnTimeout = 90 * time.Second
			if s.SkipVerify {
				if tr.TLSClientConfig == nil {
					tr.TLSClientConfig = &tls.Config{}
				}
				tr.TLSClientConfig.InsecureSkipVerify = true
			}
		})
	region := firstNonEmpty(s.Region, func() string {
		if s.Endpoint != "" {
			return s3.DefaultRegion // S3-compatible stores rarely care
		}
		return ""
	}())
	load := func(region string) (aws.Config, error) {
		opts := []func(*config.LoadOptions) error{
			config.WithHTTPClient(httpClient),
			config.WithCustomCABundle(bytes.NewReader(c.caPEM)),
			config.WithRetryer(func() aws.Retryer {
				return retry.NewStandard(func(o *retry.StandardOptions) {
					o.MaxAttempts = 5
					o.MaxBackoff = time.Second
					// An untrusted certificate stays untrusted: say so at once.
					o.Retryables = append([]retry.IsErrorRetryable{retry.IsErrorRetryableFunc(func(err error) aws.Ternary {
						var verify *tls.CertificateVerificationError
						if errors.As(err, &verify) {
							return aws.FalseTernary
						}
						return aws.UnknownTernary
					})}, o.Retryables...)
				})
			}),
		}
		if region != "" {
			opts = append(opts, config.WithRegion(region))
		}
		if s.AccessKeyID != "" && s.SecretAccessKey != "" {
			opts = append(opts, config.WithCredentialsProvider(
				credentials.NewStaticCredentialsProvider(s.AccessKeyID, s.SecretAccessKey, "")))
		}
		return config.LoadDefaultConfig(ctx, opts...)
	}

	if region == "" {
		// AWS itself without a region: ask where the bucket lives.
		cfg, err := load(s3.DefaultRegion)
		if err != nil {
			return fmt.Errorf("s3: cannot load aws config: %w", err)
		}
		out, err := awss3.NewFromConfig(cfg).GetBucketLocation(ctx, &awss3.GetBucketLocationInput{Bucket: aws.String(s.Bucket)})
		if err != nil {
			return fmt.Errorf("s3: cannot lookup bucket region: %w", err)
		}
		region = firstNonEmpty(string(out.LocationConstraint), s3.DefaultRegion)
	}
	cfg, err := load(region)
	if err != nil {
		return fmt.Errorf("s3: cannot load aws config: %w", err)
	}

	api := awss3.NewFromConfig(cfg, func(o *awss3.Options) {
		o.UsePathStyle = s.ForcePathStyle
		o.UseARNRegion = true
		if s.Endpoint != "" {
			o.BaseEndpoint = aws.String(s.Endpoint)
			// S3-compatible stores do not take the SDK's streamed
			// (aws-chunked) checksums; send them only where required.
			o.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
			o.ResponseChecksumValidation = aws.ResponseChecksumValidationWhenRequired
		}
		o.APIOptions = append(o.APIOptions, func(stack *middleware.Stack) error {
			if s.Endpoint != "" || !s.SignPayload {
				stack.Finalize.Remove("addInputChecksumTrailer")
			}
			if s.SignPayload {
				return nil
			}
			_ = v4.RemoveComputePayloadSHA256Middleware(stack)
			if err := v4.AddUnsignedPayloadMiddleware(stack); err != nil {
				return err
			}
			_ = v4.RemoveContentSHA256HeaderMiddleware(stack)
			return v4.AddContentSHA256HeaderMiddleware(stack)
		})
	})
	c.uploader = manager.NewUploader(api, func(u *manager.Uploader) {
		if s.Endpoint != "" {
			u.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
		}
	})
	c.api = api
	return nil
}

// key is where Litestream keeps one LTX file.
func (c *caS3Client) key(level int, minTXID, maxTXID ltx.TXID) string {
	return c.levelPrefix(level) + ltx.FormatFilename(minTXID, maxTXID)
}

func (c *caS3Client) levelPrefix(level int) string {
	return c.settings.Path + "/" + fmt.Sprintf("%04x/", level)
}

// LTXFiles lists one level, ordered by TXID, from seek on. With useMetadata
// the creation time comes from the litestream-timestamp metadata (what a
// point-in-time restore needs), else from the object's modification time.
func (c *caS3Client) LTXFiles(ctx context.Context, level int, seek ltx.TXID, useMetadata bool) (ltx.FileIterator, error) {
	if err := c.Init(ctx); err != nil {
		return nil, err
	}
	var infos []*ltx.FileInfo
	var keys []string
	pages := awss3.NewListObjectsV2Paginator(c.api, &awss3.ListObjectsV2Input{
		Bucket: aws.String(c.settings.Bucket),
		Prefix: aws.String(c.levelPrefix(level)),
	})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("s3: list %s: %w", c.levelPrefix(level), err)
		}
		for _, obj := range page.Contents {
			minTXID, maxTXID, err := ltx.ParseFilename(path.Base(aws.ToString(obj.Key)))
			if err != nil || minTXID < seek {
				continue // not an LTX file, or before the seek point
			}
			infos = append(infos, &ltx.FileInfo{
				Level: level, MinTXID: minTXID, MaxTXID: maxTXID,
				Size: aws.ToInt64(obj.Size), CreatedAt: aws.ToTime(obj.LastModified).UTC(),
			})
			keys = append(keys, aws.ToString(obj.Key))
		}
	}
	if useMetadata {
		g, gctx := errgroup.WithContext(ctx)
		g.SetLimit(caMetadataWorkers)
		for i := range infos {
			g.Go(func() error {
				head, err := c.api.HeadObject(gctx, &awss3.HeadObjectInput{Bucket: aws.String(c.settings.Bucket), Key: aws.String(keys[i])})
				if err != nil {
					return nil // keep the modification time, as Litestream does
				}
				if ts, err := time.Parse(time.RFC3339Nano, head.Metadata[s3.MetadataKeyTimestamp]); err == nil {
					infos[i].CreatedAt = ts.UTC()
				}
				return nil
			})
		}
		if err := g.Wait(); err != nil {
			return nil, err
		}
	}
	sort.Slice(infos, func(i, j int) bool { return infos[i].MinTXID < infos[j].MinTXID })
	return ltx.NewFileInfoSliceIterator(infos), nil
}

// OpenLTXFile reads one LTX file from offset (size bytes, or to the end
// when size is 0); a missing file is os.ErrNotExist.
func (c *caS3Client) OpenLTXFile(ctx context.Context, level int, minTXID, maxTXID ltx.TXID, offset, size int64) (io.ReadCloser, error) {
	if err := c.Init(ctx); err != nil {
		return nil, err
	}
	rng := fmt.Sprintf("bytes=%d-", offset)
	if size > 0 {
		rng = fmt.Sprintf("bytes=%d-%d", offset, offset+size-1)
	}
	key := c.key(level, minTXID, maxTXID)
	out, err := c.api.GetObject(ctx, &awss3.GetObjectInput{Bucket: aws.String(c.settings.Bucket), Key: aws.String(key), Range: aws.String(rng)})
	if err != nil {
		if isNoSuchKey(err) {
			return nil, os.ErrNotExist
		}
		return nil, fmt.Errorf("s3: get object %s: %w", key, err)
	}
	return out.Body, nil
}

// WriteLTXFile uploads one LTX file with its creation time (from the LTX
// header) in the object's metadata.
func (c *caS3Client) WriteLTXFile(ctx context.Context, level int, minTXID, maxTXID ltx.TXID, r io.Reader) (*ltx.FileInfo, error) {
	if err := c.Init(ctx); err != nil {
		return nil, err
	}
	key := c.key(level, minTXID, maxTXID)
	hdr, body, err := ltx.PeekHeader(r)
	if err != nil {
		return nil, fmt.Errorf("s3: read ltx header for %s: %w", key, err)
	}
	counted := &countingReader{r: body}
	created := time.UnixMilli(hdr.Timestamp).UTC()
	in := &awss3.PutObjectInput{
		Bucket:   aws.String(c.settings.Bucket),
		Key:      aws.String(key),
		Body:     counted,
		Metadata: map[string]string{s3.MetadataKeyTimestamp: created.Format(time.RFC3339Nano)},
	}
	if c.settings.StorageClass != "" {
		in.StorageClass = types.StorageClass(c.settings.StorageClass)
	}
	if _, err := c.uploader.Upload(ctx, in); err != nil {
		return nil, fmt.Errorf("s3: upload %s: %w", key, err)
	}
	return &ltx.FileInfo{Level: level, MinTXID: minTXID, MaxTXID: maxTXID, Size: counted.n, CreatedAt: created}, nil
}

// DeleteLTXFiles removes files one request each: a single-object delete has
// no body, so it needs none of the checksum headers that S3-compatible
// stores disagree about for batch deletes.
func (c *caS3Client) DeleteLTXFiles(ctx context.Context, a []*ltx.FileInfo) error {
	if err := c.Init(ctx); err != nil {
		return err
	}
	keys := make([]string, len(a))
	for i, info := range a {
		keys[i] = c.key(info.Level, info.MinTXID, info.MaxTXID)
	}
	return c.deleteKeys(ctx, keys)
}

// DeleteAll removes everything under the replica's path.
func (c *caS3Client) DeleteAll(ctx context.Context) error {
	if err := c.Init(ctx); err != nil {
		return err
	}
	var keys []string
	pages := awss3.NewListObjectsV2Paginator(c.api, &awss3.ListObjectsV2Input{
		Bucket: aws.String(c.settings.Bucket),
		Prefix: aws.String(c.settings.Path + "/"),
	})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("s3: list %s/: %w", c.settings.Path, err)
		}
		for _, obj := range page.Contents {
			keys = append(keys, aws.ToString(obj.Key))
		}
	}
	return c.deleteKeys(ctx, keys)
}

func (c *caS3Client) deleteKeys(ctx context.Context, keys []string) error {
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(caMetadataWorkers)
	for _, key := range keys {
		g.Go(func() error {
			_, err := c.api.DeleteObject(gctx, &awss3.DeleteObjectInput{Bucket: aws.String(c.settings.Bucket), Key: aws.String(key)})
			if err != nil && !isNoSuchKey(err) {
				return fmt.Errorf("s3: delete %s: %w", key, err)
			}
			return nil
		})
	}
	return g.Wait()
}

func isNoSuchKey(err error) bool {
	var apiErr smithy.APIError
	return errors.As(err, &apiErr) && (apiErr.ErrorCode() == "NoSuchKey" || apiErr.ErrorCode() == "NotFound")
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
