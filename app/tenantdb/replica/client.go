package replica

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/benbjohnson/litestream"
	"github.com/benbjohnson/litestream/file"
	"github.com/benbjohnson/litestream/s3"
	"github.com/benbjohnson/litestream/sftp"
	"golang.org/x/crypto/ssh"
)

// supportedKinds is what HighVibe builds in; other Litestream backends would
// pull in large SDKs nobody asked for.
const supportedKinds = "file, s3, sftp"

// kind returns the replica type: URL scheme first, then type:, else file.
func (rc *ReplicaConfig) kind() (string, error) {
	if rc.URL != "" {
		i := strings.Index(rc.URL, "://")
		if i <= 0 {
			return "", fmt.Errorf("replica url %q needs a scheme such as file://, s3:// or sftp://", rc.URL)
		}
		return strings.ToLower(rc.URL[:i]), nil
	}
	if rc.Type != "" {
		return strings.ToLower(rc.Type), nil
	}
	return "file", nil
}

// newReplicaClient builds the Litestream client for one destination. It does
// no I/O beyond reading a host-key file; connections are made lazily.
func newReplicaClient(rc *ReplicaConfig) (litestream.ReplicaClient, error) {
	kind, err := rc.kind()
	if err != nil {
		return nil, err
	}
	switch kind {
	case "file":
		return newFileClient(rc)
	case "s3":
		c, err := newS3Client(rc)
		if err != nil {
			return nil, err
		}
		if p := caBundlePath(rc); p != "" {
			pem, err := readCABundle(p)
			if err != nil {
				return nil, err
			}
			return newCAS3Client(c, pem), nil
		}
		return c, nil
	case "sftp":
		return newSFTPClient(rc)
	case "gs", "abs", "webdav", "webdavs", "nats", "oss":
		return nil, fmt.Errorf("replica type %q is not built into HighVibe (supported: %s)", kind, supportedKinds)
	default:
		return nil, fmt.Errorf("unknown replica type %q (supported: %s)", kind, supportedKinds)
	}
}

func newFileClient(rc *ReplicaConfig) (*file.ReplicaClient, error) {
	if rc.URL != "" && rc.Path != "" {
		return nil, errors.New("file replica: give either url or path, not both")
	}
	p := rc.Path
	if rc.URL != "" {
		var err error
		if p, err = fileURLPath(rc.URL); err != nil {
			return nil, err
		}
	}
	if p == "" {
		return nil, errors.New("file replica: path is required")
	}
	abs, err := filepath.Abs(p)
	if err != nil {
		return nil, fmt.Errorf("file replica: %w", err)
	}
	return file.NewReplicaClient(abs), nil
}

// fileURLPath extracts the local path from a file:// URL the way the CLI does.
func fileURLPath(u string) (string, error) {
	scheme, _, p, err := litestream.ParseReplicaURL(u)
	if err != nil {
		return "", fmt.Errorf("file replica url: %w", err)
	}
	if scheme != "file" {
		return "", fmt.Errorf("file replica url %q must start with file://", u)
	}
	if p == "" || p == "." {
		return "", fmt.Errorf("file replica url %q has no path", u)
	}
	return filepath.FromSlash(p), nil
}

func newS3Client(rc *ReplicaConfig) (*s3.ReplicaClient, error) {
	bucket, prefix := rc.Bucket, rc.Path
	region, endpoint := rc.Region, rc.Endpoint
	skipVerify := rc.SkipVerify
	var urlPathStyle *bool

	if rc.URL != "" {
		if rc.Bucket != "" || rc.Path != "" {
			return nil, errors.New("s3 replica: give either url or bucket/path, not both")
		}
		_, host, upath, query, _, err := litestream.ParseReplicaURLWithQuery(rc.URL)
		if err != nil {
			return nil, fmt.Errorf("s3 replica url: %w", err)
		}
		prefix = upath
		var hostRegion, hostEndpoint string
		var hostPathStyle bool
		if strings.HasPrefix(host, "arn:") {
			bucket, hostRegion = host, litestream.RegionFromS3ARN(host)
		} else {
			bucket, hostRegion, hostEndpoint, hostPathStyle = s3.ParseHost(host)
		}
		if v := query.Get("endpoint"); v != "" {
			hostEndpoint, hostPathStyle = v, true
		}
		if v := query.Get("region"); v != "" {
			hostRegion = v
		}
		if v, ok := litestream.BoolQueryValue(query, "forcePathStyle", "force-path-style"); ok {
			hostPathStyle = v
		}
		if v, ok := litestream.BoolQueryValue(query, "skipVerify", "skip-verify"); ok {
			skipVerify = v
		}
		if region == "" {
			region = hostRegion
		}
		if endpoint == "" {
			endpoint = hostEndpoint
		}
		if hostEndpoint != "" || hostPathStyle {
			urlPathStyle = &hostPathStyle
		}
	}
	if bucket == "" {
		return nil, errors.New("s3 replica: bucket is required (url: s3://BUCKET/path or bucket:)")
	}
	if endpoint != "" {
		endpoint, _ = litestream.EnsureEndpointScheme(endpoint)
	}

	c := s3.NewReplicaClient()
	c.Bucket = bucket
	c.Path = strings.Trim(prefix, "/")
	c.Region = region
	c.Endpoint = endpoint
	c.SkipVerify = skipVerify
	c.StorageClass = rc.StorageClass

	// Keys may also come from the environment, read as the CLI reads them:
	// LITESTREAM_ACCESS_KEY_ID / LITESTREAM_SECRET_ACCESS_KEY stand in for
	// AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY when those are not set, and
	// the AWS_* ones (or a profile) reach the SDK's own credential chain.
	c.AccessKeyID = firstNonEmpty(rc.AccessKeyID, envUnlessAWS("LITESTREAM_ACCESS_KEY_ID", "AWS_ACCESS_KEY_ID"))
	c.SecretAccessKey = firstNonEmpty(rc.SecretAccessKey, envUnlessAWS("LITESTREAM_SECRET_ACCESS_KEY", "AWS_SECRET_ACCESS_KEY"))

	// Path-style addressing is what every self-hosted S3 (MinIO, Garage,
	// ...) needs, and AWS itself is used without an endpoint.
	switch {
	case rc.ForcePathStyle != nil:
		c.ForcePathStyle = *rc.ForcePathStyle
	case urlPathStyle != nil:
		c.ForcePathStyle = *urlPathStyle
	default:
		c.ForcePathStyle = endpoint != ""
	}
	if rc.SignPayload != nil {
		c.SignPayload = *rc.SignPayload
	}
	switch {
	case rc.RequireContentMD5 != nil:
		c.RequireContentMD5 = *rc.RequireContentMD5
	case litestream.IsTigrisEndpoint(endpoint):
		c.RequireContentMD5 = false // Tigris rejects it
	}
	return c, nil
}

func newSFTPClient(rc *ReplicaConfig) (*sftp.ReplicaClient, error) {
	if rc.URL != "" && (rc.Path != "" || rc.Host != "") {
		return nil, errors.New("sftp replica: give either url or host/path, not both")
	}
	host, user, password, remotePath := rc.Host, rc.User, rc.Password, rc.Path
	if rc.URL != "" {
		u, err := url.Parse(rc.URL)
		if err != nil {
			return nil, fmt.Errorf("sftp replica url: %w", err)
		}
		host = u.Host
		if u.User != nil {
			if user == "" {
				user = u.User.Username()
			}
			if pw, ok := u.User.Password(); ok && password == "" {
				password = pw
			}
		}
		// The CLI keeps the URL path as given (absolute), so we do too:
		// both must find the same files.
		remotePath = u.Path
	}
	switch {
	case host == "":
		return nil, errors.New("sftp replica: host is required (url: sftp://user@host:22/path)")
	case user == "":
		return nil, errors.New("sftp replica: user is required (url: sftp://user@host:22/path)")
	case password == "" && rc.KeyPath == "":
		return nil, errors.New("sftp replica: password or key-path is required")
	case rc.HostKey != "" && rc.HostKeyPath != "":
		return nil, errors.New("sftp replica: give either host-key or host-key-path, not both")
	}

	hostKey := rc.HostKey
	if rc.HostKeyPath != "" {
		var err error
		if hostKey, err = readHostKey(rc.HostKeyPath); err != nil {
			return nil, err
		}
	} else if hostKey != "" {
		if _, _, _, _, err := ssh.ParseAuthorizedKey([]byte(hostKey)); err != nil {
			return nil, fmt.Errorf("sftp replica: host-key: %w", err)
		}
	}

	c := sftp.NewReplicaClient()
	c.Host = host
	c.User = user
	c.Password = password
	c.Path = remotePath
	c.KeyPath = rc.KeyPath
	c.HostKey = hostKey
	if rc.ConcurrentWrites != nil {
		c.ConcurrentWrites = *rc.ConcurrentWrites
	}
	return c, nil
}

// readHostKey reads a public host key from a .pub file or a known_hosts
// line and returns it in the one-line form Litestream's SFTP client expects.
func readHostKey(p string) (string, error) {
	data, err := os.ReadFile(p)
	if err != nil {
		return "", fmt.Errorf("sftp replica: host-key-path: %w", err)
	}
	if key, _, _, _, err := ssh.ParseAuthorizedKey(data); err == nil {
		return strings.TrimSpace(string(ssh.MarshalAuthorizedKey(key))), nil
	}
	if _, _, key, _, _, err := ssh.ParseKnownHosts(data); err == nil {
		return strings.TrimSpace(string(ssh.MarshalAuthorizedKey(key))), nil
	}
	return "", fmt.Errorf("sftp replica: host-key-path %s: no public key found", p)
}

// forSubpath returns the destination for one database of a dir: entry:
// the entry's destination plus the database's path relative to the dir.
// This is the layout the Litestream CLI uses in directory mode, so
// `litestream restore` finds the files with a plain path: entry.
func (rc *ReplicaConfig) forSubpath(rel string) (*ReplicaConfig, error) {
	cp := *rc
	rel = filepath.ToSlash(rel)
	if rel == "" || rel == "." {
		return &cp, nil
	}
	if cp.URL != "" {
		u, err := url.Parse(cp.URL)
		if err != nil {
			return nil, fmt.Errorf("replica url: %w", err)
		}
		u.Path = "/" + strings.TrimPrefix(path.Join(u.Path, rel), "/")
		u.RawPath = ""
		cp.URL = u.String()
		return &cp, nil
	}
	kind, err := rc.kind()
	if err != nil {
		return nil, err
	}
	if kind == "file" {
		cp.Path = filepath.Join(cp.Path, filepath.FromSlash(rel))
	} else {
		cp.Path = path.Join(filepath.ToSlash(cp.Path), rel)
	}
	return &cp, nil
}

// describe names a destination for status pages without any secret.
func describe(rc *ReplicaConfig) string {
	kind, err := rc.kind()
	if err != nil {
		return "invalid"
	}
	switch kind {
	case "file":
		if c, err := newFileClient(rc); err == nil {
			return "file://" + filepath.ToSlash(c.Path())
		}
	case "s3":
		if c, err := newS3Client(rc); err == nil {
			s := "s3://" + c.Bucket + "/" + c.Path
			if c.Endpoint != "" {
				s += " (endpoint " + c.Endpoint + ")"
			}
			return s
		}
	case "sftp":
		if c, err := newSFTPClient(rc); err == nil {
			return "sftp://" + c.User + "@" + c.Host + "/" + strings.TrimPrefix(c.Path, "/")
		}
	}
	return kind
}

// envUnlessAWS returns the value of the variable name, unless awsName is
// set (even empty), in which case the AWS one takes over, as in the CLI.
func envUnlessAWS(name, awsName string) string {
	if _, ok := os.LookupEnv(awsName); ok {
		return ""
	}
	return os.Getenv(name)
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}
