package widget

import (
	"context"

	"highvibe/app/inbox"
	"highvibe/app/tenantdb"
)

// conversationsFor lists the ids of the webchat conversations a visitor's thread key names, oldest
// first (a visitor who comes back after a won/lost deal gets a new conversation on the same key).
func conversationsFor(ctx context.Context, db *tenantdb.DB, key string) ([]int64, error) {
	return inbox.ConversationsByExternalID(ctx, db.Read, "webchat", key)
}

// conversationFor returns the newest conversation of a thread key.
func conversationFor(ctx context.Context, db *tenantdb.DB, key string) (int64, error) {
	ids, err := conversationsFor(ctx, db, key)
	if err != nil {
		return 0, err
	}
	return ids[len(ids)-1], nil
}
