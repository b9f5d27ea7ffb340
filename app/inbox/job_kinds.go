package inbox

import "highvibe/app/channels/channel"

// The job kinds the inbox queues. Each is declared once; the room that handles a kind refers to
// the constant here (ai.JobTriage, app/serve.go) or in the channel package (channel.JobDeliver).
const (
	// JobTriage asks the assistant to read a conversation after a customer message (ai handles it).
	JobTriage = "ai_triage"
	// JobSendScheduled moves a scheduled reply into delivery at its time (Service.SendScheduled).
	JobSendScheduled = "send_scheduled"
	// JobDeliver sends a reply on a channel the server delivers (app/channels handles it).
	JobDeliver = channel.JobDeliver
)
