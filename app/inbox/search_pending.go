package inbox

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"highvibe/app/jobs"
	"highvibe/app/tenantdb"
)

// JobSearch rebuilds the search documents of the conversations waiting in search_pending
// (Service.IndexPending). It runs in the customer lane: the assistant's lanes wait while a burst
// of deliveries keeps the writer busy, and the search must not wait with them.
const JobSearch = "inbox_search"

// SearchDelay is how long after a batch of inbound messages the search documents of the
// conversations it touched are rebuilt. While messages keep arriving, every conversation's
// document is rebuilt once per delay however many of its messages arrived in it, instead of once
// per group commit: a regular customer's long thread (a document of up to 64 KB) is folded and
// tokenized a few times a second instead of for every message. The search finds a message within
// about this delay plus one rebuild (TestSearchCatchesUpUnderLoad: within a few runs under load).
const SearchDelay = 300 * time.Millisecond

// searchBatch bounds the documents one IndexPending transaction rebuilds, so the acknowledgements
// waiting for the writer never wait behind more than about this many rebuilds; the rest follow in
// the next run, queued at once.
const searchBatch = 64

// searchDedupe is the dedupe key of the one open inbox_search job of a tenant.
const searchDedupe = "pending"

// markPending records the conversations a batch touched (first: the first message the batch added
// to each) and queues the rebuild, in the batch's transaction. A conversation already waiting
// keeps its older first message; a job already queued is not queued twice (its dedupe key).
func markPending(ctx context.Context, q querier, order []int64, first map[int64]int64) error {
	if len(order) == 0 {
		return nil
	}
	for _, id := range order {
		if _, err := q.ExecContext(ctx, `INSERT INTO search_pending(conversation_id, from_message_id) VALUES(?, ?) ON CONFLICT DO NOTHING`,
			id, first[id]); err != nil {
			return fmt.Errorf("inbox: queueing search update: %w", err)
		}
	}
	if _, err := jobs.Enqueue(ctx, q, JobSearch, struct{}{}, jobs.Options{RunAt: time.Now().Add(SearchDelay), DedupeKey: searchDedupe}); err != nil {
		return fmt.Errorf("inbox: queueing search update: %w", err)
	}
	return nil
}

// IndexPending is the inbox_search job: it rebuilds the waiting documents, oldest conversation
// first, up to searchBatch of them, and marks itself done in the same transaction. Marking itself
// done there is what makes the hand-over safe: a batch that commits after this transaction finds
// no open job and queues a new one, and one that committed before left its conversations in
// search_pending, which this transaction reads. When more wait than one run takes, the next run
// is queued in the same transaction: at once, or after SearchDelay when only long threads rebuilt
// less than longThreadGap ago are waiting.
//
// While the tenant's deliveries keep its writer busy (Service.Busy: a burst), the rebuilds wait,
// up to BusySearchLag after the first run that waited: a conversation writing several messages in
// that span is rebuilt once for all of them instead of once per SearchDelay, and the CPU and the
// writer go to storing the messages first. Once the span is over the waiting documents are all
// rebuilt, run after run, before the next span can begin.
func (s *Service) IndexPending(ctx context.Context, j *jobs.Job) error {
	st := longBuildsOf(j.DB)
	if s.Busy != nil && s.Busy(j.Tenant) {
		now := time.Now()
		st.mu.Lock()
		if st.heldSince.IsZero() {
			st.heldSince = now
		}
		wait := st.heldSince.Add(BusySearchLag).Sub(now)
		st.mu.Unlock()
		if wait > 0 {
			return postponeSearch(ctx, j, now.Add(min(wait, busyRecheck)))
		}
	}
	_, more, err := indexPending(ctx, j.DB, j, false)
	if err == nil && !more {
		st.mu.Lock()
		st.heldSince = time.Time{}
		st.mu.Unlock()
	}
	return err
}

// BusySearchLag bounds how long the search documents wait during a burst (IndexPending): a word
// that arrives in a burst is found within about this long plus the rebuilds; busyRecheck is how
// often a waiting run looks whether the burst is over.
const (
	BusySearchLag = 10 * time.Second
	busyRecheck   = time.Second
)

// postponeSearch ends run j without rebuilding and queues the next run at at, in one transaction
// (the hand-over IndexPending describes).
func postponeSearch(ctx context.Context, j *jobs.Job, at time.Time) error {
	ctx = context.WithoutCancel(ctx)
	return j.DB.InTx(ctx, func(tx *sql.Tx) error {
		if err := jobs.DoneTx(ctx, tx, []*jobs.Job{j}); err != nil {
			return err
		}
		if _, err := jobs.Enqueue(ctx, tx, JobSearch, struct{}{}, jobs.Options{RunAt: at, DedupeKey: searchDedupe}); err != nil {
			return fmt.Errorf("inbox: queueing search update: %w", err)
		}
		return nil
	})
}

// IndexPendingNow rebuilds every waiting search document at once, long threads included (tests
// and benchmarks; the server leaves it to the inbox_search job). It reports how many it rebuilt.
func IndexPendingNow(ctx context.Context, db *tenantdb.DB) (int, error) {
	total := 0
	for {
		n, _, err := indexPending(ctx, db, nil, true)
		total += n
		if err != nil || n == 0 {
			return total, err
		}
	}
}

// A long thread (a search document of bigDoc or more) is rebuilt at most once per longThreadGap:
// its document is up to 64 KB, folded and tokenized whole for every rebuild, and a regular
// customer writing every few hundred milliseconds would otherwise cost that several times a
// second. Its newest words are found within longThreadGap plus SearchDelay (about 1 s).
const (
	bigDoc        = 16 << 10
	longThreadGap = 700 * time.Millisecond
)

// longBuilds is when this process last rebuilt each long thread of one database (kept with the
// handle: a restart only rebuilds them sooner).
type longBuilds struct {
	mu sync.Mutex
	at map[int64]time.Time
	// heldSince is when the first run that waited for a burst to end did (zero: none waiting).
	heldSince time.Time
}

type longBuildsKey struct{}

func longBuildsOf(db *tenantdb.DB) *longBuilds {
	return db.Memo(longBuildsKey{}, func() any { return &longBuilds{at: map[int64]time.Time{}} }).(*longBuilds)
}

// maxPendingRead bounds the waiting conversations one run reads to choose from; maxBatchBytes
// the documents one run builds (sixteen of the longest, or searchBatch short ones).
const (
	maxPendingRead = 1024
	maxBatchBytes  = 1 << 20
)

func indexPending(ctx context.Context, db *tenantdb.DB, j *jobs.Job, force bool) (n int, due bool, err error) {
	ctx = context.WithoutCancel(ctx) // short, and a cancellable context costs the driver a goroutine per statement
	long := longBuildsOf(db)
	now := time.Now()
	long.mu.Lock()
	recent := make(map[int64]bool, len(long.at))
	for id, at := range long.at {
		if now.Sub(at) >= longThreadGap {
			delete(long.at, id)
		} else if !force {
			recent[id] = true
		}
	}
	long.mu.Unlock()
	type pending struct{ conv, from int64 }
	var list []pending
	var built []int64 // the long threads this run rebuilt
	err = db.InTx(ctx, func(tx *sql.Tx) error {
		list, built, due = list[:0], built[:0], false
		q := &stmtCache{tx: tx, db: db, m: map[string]*sql.Stmt{}}
		rows, err := q.QueryContext(ctx, `SELECT conversation_id, from_message_id FROM search_pending ORDER BY from_message_id LIMIT ?`, maxPendingRead)
		if err != nil {
			return fmt.Errorf("inbox: pending search updates: %w", err)
		}
		more, later := false, false // more due now; long threads due later
		for rows.Next() {
			var p pending
			if err := rows.Scan(&p.conv, &p.from); err != nil {
				rows.Close()
				return fmt.Errorf("inbox: pending search updates: %w", err)
			}
			switch {
			case recent[p.conv]:
				later = true
			case len(list) == searchBatch:
				more = true
			default:
				list = append(list, p)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("inbox: pending search updates: %w", err)
		}
		// The documents are built oldest first until they hold maxBatchBytes (the rest wait for
		// the next run: a run of long threads keeps little in memory at once).
		docs := make([]string, 0, len(list))
		var terms []string
		size := 0
		for i, p := range list {
			if size >= maxBatchBytes {
				list, more = list[:i], true
				break
			}
			doc, t, n, err := buildDoc(ctx, q, p.conv, p.from)
			if errors.Is(err, sql.ErrNoRows) { // the conversation is gone: nothing to find
				docs = append(docs, "")
				continue
			}
			if err != nil {
				return err
			}
			docs = append(docs, doc)
			terms = append(terms, t)
			size += n
			if n >= bigDoc {
				built = append(built, p.conv)
			}
		}
		// Every old document goes first, then every new one in ascending rowid order: FTS5 writes
		// the words it holds in memory out as a new segment before a delete, and before an insert
		// whose rowid is not above the last one it holds, so any other order would cost a segment
		// (and the merges it brings) per document instead of one per transaction.
		order := make([]int, len(list))
		ids := make([]string, len(list))
		for i, p := range list {
			order[i], ids[i] = i, fmt.Sprint(p.conv)
		}
		slices.SortFunc(order, func(a, b int) int { return cmp.Compare(list[a].conv, list[b].conv) })
		if len(ids) > 0 {
			in := strings.Join(ids, ",")
			if _, err := tx.ExecContext(ctx, `DELETE FROM conversation_search WHERE rowid IN (`+in+`)`); err != nil {
				return fmt.Errorf("inbox: pending search updates: %w", err)
			}
			for _, i := range order {
				if docs[i] == "" {
					continue
				}
				if _, err := q.ExecContext(ctx, `INSERT INTO conversation_search(rowid, doc) VALUES(?, ?)`, list[i].conv, docs[i]); err != nil {
					return fmt.Errorf("inbox: indexing conversation %d: %w", list[i].conv, err)
				}
			}
			if err := addTerms(ctx, q, strings.Join(terms, "\n")); err != nil {
				return fmt.Errorf("inbox: pending search updates: %w", err)
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM search_pending WHERE conversation_id IN (`+in+`)`); err != nil {
				return fmt.Errorf("inbox: pending search updates: %w", err)
			}
		}
		due = more
		if j != nil {
			if err := jobs.DoneTx(ctx, tx, []*jobs.Job{j}); err != nil {
				return err
			}
			if more || later {
				o := jobs.Options{DedupeKey: searchDedupe}
				if !more {
					o.RunAt = time.Now().Add(SearchDelay)
				}
				if _, err := jobs.Enqueue(ctx, q, JobSearch, struct{}{}, o); err != nil {
					return fmt.Errorf("inbox: queueing search update: %w", err)
				}
			}
		}
		return nil
	})
	if err != nil {
		return 0, false, err
	}
	long.mu.Lock()
	for _, id := range built {
		long.at[id] = now
	}
	long.mu.Unlock()
	return len(list), due, nil
}
