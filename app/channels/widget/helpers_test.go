package widget_test

import (
	"strconv"

	"highvibe/app/inbox"
)

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func inboxOutgoing(body string) inbox.Outgoing {
	return inbox.Outgoing{Direction: "outbound", AuthorKind: "user", AuthorName: "Talha", Body: body}
}

func inboxSystem(body string) inbox.Outgoing {
	return inbox.Outgoing{Direction: "system", AuthorKind: "system", Body: body}
}
