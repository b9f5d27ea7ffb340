package analytics

import (
	"context"
	"fmt"
	"sort"
	"time"

	"highvibe/app/hours"
	"highvibe/app/hours/hoursdb"
	"highvibe/app/tenantdb"
)

// ResponseWindow is how far back the response-time figures look.
const ResponseWindow = 30 * 24 * time.Hour

// maxResponseRows bounds the conversations one figure reads (the newest first).
const maxResponseRows = 5000

// Response is the first-response figure of the KPI page: for the conversations started in the
// last 30 days, the time from the customer's first message to the first reply a person wrote.
// The assistant's replies and after-hours acknowledgements do not count: they answer at once and
// would hide how long a customer waits for a person. Nor does a reply the channel refused
// (failed); a send-later reply counts when it went out (its scheduled time), and not while it waits.
type Response struct {
	Answered       int
	MedianWall     time.Duration // clock time
	MedianBusiness time.Duration // only the business's opening hours (equal to MedianWall without hours)
	BusinessHours  bool          // whether the business has hours switched on
}

// ResponseTimes computes the figure at now from the tenant database.
func ResponseTimes(ctx context.Context, db *tenantdb.DB, now time.Time) (*Response, error) {
	s, err := hoursdb.Schedule(ctx, db.Read)
	if err != nil {
		return nil, err
	}
	rows, err := db.Read.QueryContext(ctx, `
		SELECT f.first_in, (SELECT min(coalesce(o.scheduled_at, o.created_at)) FROM messages o
		                     WHERE o.conversation_id = f.cid AND o.direction = 'outbound' AND o.author_kind = 'user' AND o.created_at >= f.first_in
		                     AND coalesce(o.delivery_status, '') <> 'failed' AND NOT (o.delivery_status = 'queued' AND o.scheduled_at IS NOT NULL))
		FROM (SELECT m.conversation_id AS cid, min(m.created_at) AS first_in
		      FROM messages m JOIN conversations c ON c.id = m.conversation_id
		      WHERE m.direction = 'inbound' AND c.created_at >= ?
		      GROUP BY m.conversation_id ORDER BY first_in DESC LIMIT ?) f`, now.Add(-ResponseWindow).UnixMilli(), maxResponseRows)
	if err != nil {
		return nil, fmt.Errorf("analytics: response times: %w", err)
	}
	defer rows.Close()
	var wall, business []time.Duration
	for rows.Next() {
		var in int64
		var out *int64
		if err := rows.Scan(&in, &out); err != nil {
			return nil, fmt.Errorf("analytics: response times: %w", err)
		}
		if out == nil {
			continue
		}
		a, b := time.UnixMilli(in), time.UnixMilli(*out)
		wall = append(wall, b.Sub(a))
		business = append(business, s.Between(a, b))
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("analytics: response times: %w", err)
	}
	return &Response{Answered: len(wall), MedianWall: medianDuration(wall), MedianBusiness: medianDuration(business), BusinessHours: s != nil}, nil
}

// medianDuration of ds (0 for none); ds is sorted in place.
func medianDuration(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	if n := len(ds); n%2 == 0 {
		return (ds[n/2-1] + ds[n/2]) / 2
	}
	return ds[len(ds)/2]
}

// durationWords words a response time like the inbox's waiting times.
func durationWords(t hours.Translate, d time.Duration) string { return hours.Business(t, d) }
