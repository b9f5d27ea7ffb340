package widget

import (
	"context"
	"fmt"

	"highvibe/app/tenantdb"
)

// conversationsFor lists the ids of the webchat conversations a visitor's thread key names, oldest
// first (a visitor who comes back after a won/lost deal gets a new conversation on the same key).
// It reads the conversations table directly: the inbox contract has no look-up by external id.
func conversationsFor(ctx context.Context, db *tenantdb.DB, key string) ([]int64, error) {
	rows, err := db.Read.QueryContext(ctx, `SELECT id FROM conversations WHERE channel = 'webchat' AND external_id = ? ORDER BY id`, key)
	if err != nil {
		return nil, fmt.Errorf("widget: thread: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("widget: thread: %w", err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		return nil, tenantdb.ErrNotFound
	}
	return ids, nil
}

// conversationFor returns the newest conversation of a thread key.
func conversationFor(ctx context.Context, db *tenantdb.DB, key string) (int64, error) {
	ids, err := conversationsFor(ctx, db, key)
	if err != nil {
		return 0, err
	}
	return ids[len(ids)-1], nil
}
