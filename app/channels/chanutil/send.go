package chanutil

import (
	"fmt"
	"net/http"
	"time"
)

// SendError is a failed call to a messaging provider. Permanent errors (the provider refused the
// request itself) are not retried; network trouble, 429 and 5xx are.
type SendError struct {
	Status    int
	Body      string
	Permanent bool
	// RetryAfter is how long the provider asked to wait before the next call (Telegram's 429
	// parameters.retry_after); 0 = it did not say.
	RetryAfter time.Duration
}

func (e *SendError) Error() string {
	if e.Status == 0 {
		return "provider unreachable: " + e.Body
	}
	return fmt.Sprintf("provider answered %d: %s", e.Status, e.Body)
}

// ClassifyStatus builds the SendError for a non-2xx answer.
func ClassifyStatus(status int, body string) *SendError {
	if len(body) > 300 {
		body = body[:300]
	}
	perm := status >= 400 && status < 500 && status != http.StatusTooManyRequests && status != http.StatusRequestTimeout
	return &SendError{Status: status, Body: body, Permanent: perm}
}

// HTTPClient is the client used for provider calls when none is given.
var HTTPClient = &http.Client{Timeout: 20 * time.Second}
