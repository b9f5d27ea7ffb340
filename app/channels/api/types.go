package api

import (
	"bytes"
	"encoding/json"
)

// The typed shapes of every request and answer of /api/v1. The OpenAPI document served at
// /api/v1/openapi.json is generated from these structs (openapi.go), so a field added here is
// documented by construction. Tags read by the generator:
//   - json: the field name; a field without omitempty is required in the answer
//   - doc: the field's description
//   - enum: the allowed values, space separated
//   - format: the JSON Schema format (date-time, email)
//   - max: the longest string allowed, in characters
// A pointer field is nullable: it is always present and holds null when there is no value.

// Conversation is one conversation as a list item.
type Conversation struct {
	ID                 int64   `json:"id"`
	Channel            string  `json:"channel" doc:"where the conversation happens: webchat, whatsapp, telegram, email, call or manual"`
	State              string  `json:"state" enum:"new contacted engaged qualified offer negotiation won lost"`
	LeadID             int64   `json:"lead_id"`
	LeadName           string  `json:"lead_name"`
	LeadPhone          string  `json:"lead_phone" doc:"E.164 (+905321234567) or empty"`
	HandoffRequired    bool    `json:"handoff_required" doc:"the assistant asked for a person"`
	UrgencyScore       *int64  `json:"urgency_score" doc:"0–100, null until scored"`
	QualificationScore *int64  `json:"qualification_score" doc:"0–100, null until scored"`
	SentimentScore     *int64  `json:"sentiment_score" doc:"-100–100, null until scored"`
	NextAction         string  `json:"next_action"`
	AIMode             string  `json:"ai_mode" enum:"active paused manual"`
	LastMessageAt      *string `json:"last_message_at" format:"date-time"`
	CreatedAt          *string `json:"created_at" format:"date-time"`
}

// ConversationList answers GET /api/v1/conversations.
type ConversationList struct {
	Conversations []Conversation `json:"conversations"`
	NextCursor    *string        `json:"next_cursor" doc:"pass back as cursor for the next page; null on the last page"`
}

// Message is one message of a conversation, oldest first.
type Message struct {
	ID                int64   `json:"id"`
	Direction         string  `json:"direction" enum:"inbound outbound system"`
	Author            string  `json:"author" enum:"customer ai user system"`
	Text              string  `json:"text"`
	ProviderMessageID *string `json:"provider_message_id" doc:"the channel's own id (a WhatsApp wamid), null when none"`
	DeliveryStatus    *string `json:"delivery_status" doc:"outbound messages on a delivering channel: queued, sent, delivered, read or failed; null otherwise"`
	CreatedAt         *string `json:"created_at" format:"date-time"`
}

// ConversationDetail answers GET /api/v1/conversations/{id}: the list fields, the messages and
// the recommendations.
type ConversationDetail struct {
	Conversation
	// Messages are the newest MessagesPage messages before the cursor (all of them when fewer),
	// oldest first.
	Messages []Message `json:"messages"`
	// NextCursor, passed back as cursor, answers the messages before these; null when these reach
	// the conversation's first.
	NextCursor      *string          `json:"next_cursor"`
	Recommendations []Recommendation `json:"recommendations"`
}

// Lead is one lead.
type Lead struct {
	ID             int64   `json:"id"`
	ExternalID     string  `json:"external_id" doc:"your system's id, empty when none"`
	Name           string  `json:"name"`
	Phone          string  `json:"phone"`
	Email          string  `json:"email"`
	Stage          string  `json:"stage" enum:"new contacted qualified proposal won lost"`
	Source         string  `json:"source" doc:"a channel (webchat, whatsapp, telegram, email, call, manual, …) or import, referral, landing"`
	LostReason     string  `json:"lost_reason"`
	ConsentVersion string  `json:"consent_version"`
	ConsentAt      *string `json:"consent_at" format:"date-time"`
	UTMSource      string  `json:"utm_source"`
	UTMMedium      string  `json:"utm_medium"`
	UTMCampaign    string  `json:"utm_campaign"`
	CustomerID     *int64  `json:"customer_id" doc:"the CRM customer, null when none"`
	CreatedAt      *string `json:"created_at" format:"date-time"`
	UpdatedAt      *string `json:"updated_at" format:"date-time"`
}

// LeadList answers GET /api/v1/leads.
type LeadList struct {
	Leads      []Lead  `json:"leads"`
	NextCursor *string `json:"next_cursor" doc:"pass back as cursor for the next page; null on the last page"`
}

// Recommendation is one decision recommendation of the approval queue.
type Recommendation struct {
	ID                int64   `json:"id"`
	ConversationID    *int64  `json:"conversation_id"`
	LeadID            *int64  `json:"lead_id"`
	Title             string  `json:"title"`
	Summary           string  `json:"summary"`
	RecommendedAction string  `json:"recommended_action"`
	Priority          string  `json:"priority" enum:"low medium high critical"`
	Confidence        float64 `json:"confidence" doc:"0–1"`
	ActionType        string  `json:"action_type"`
	Status            string  `json:"status" enum:"draft pending approved rejected executed"`
	DecidedBy         *string `json:"decided_by" doc:"who approved or rejected it, null while undecided"`
	DecidedAt         *string `json:"decided_at" format:"date-time"`
}

// RecommendationList answers GET /api/v1/recommendations.
type RecommendationList struct {
	Recommendations []Recommendation `json:"recommendations"`
}

// ActionLog is one row of the audit trail.
type ActionLog struct {
	ID              int64   `json:"id"`
	Provider        string  `json:"provider" doc:"what wrote the row: integration_api, whatsapp_webhook, approval_queue, conversation_inbox, ai_triage, settings, auth and others"`
	ActionType      string  `json:"action_type"`
	Status          string  `json:"status" enum:"completed failed pending"`
	DecisionSummary string  `json:"decision_summary"`
	Input           string  `json:"input" doc:"an excerpt of at most 500 characters"`
	Output          string  `json:"output" doc:"an excerpt of at most 500 characters"`
	Payload         Payload `json:"payload" doc:"the row's structured details; its keys depend on provider and action_type"`
	ModelName       string  `json:"model_name" doc:"the AI model, or human-review for people"`
	ActorName       string  `json:"actor_name"`
	ConversationID  int64   `json:"conversation_id" doc:"0 when the row concerns no conversation"`
	CreatedAt       *string `json:"created_at" format:"date-time"`
}

// ActionLogList answers GET /api/v1/action-logs.
type ActionLogList struct {
	ActionLogs []ActionLog `json:"action_logs"`
	NextCursor *string     `json:"next_cursor" doc:"pass back as cursor for the next page; null on the last page"`
}

// Payload is a JSON object kept as written.
type Payload []byte

// MarshalJSON writes the object as it is stored ({} when empty or not a JSON object).
func (p Payload) MarshalJSON() ([]byte, error) {
	b := bytes.TrimSpace(p)
	if len(b) == 0 || b[0] != '{' || !json.Valid(b) {
		return []byte("{}"), nil
	}
	return b, nil
}

// UnmarshalJSON keeps the object's bytes.
func (p *Payload) UnmarshalJSON(b []byte) error {
	*p = append((*p)[:0], b...)
	return nil
}

// ImportResult answers a successful import.
type ImportResult struct {
	Created int     `json:"created" doc:"rows that made a new record"`
	Updated int     `json:"updated" doc:"rows that updated the record with the same external_id (or sku)"`
	IDs     []int64 `json:"ids" doc:"the records' ids in row order"`
}

// AddMessageRequest is the body of POST /api/v1/conversations/{id}/messages.
type AddMessageRequest struct {
	Direction string `json:"direction,omitempty" enum:"inbound outbound system" doc:"inbound (default) runs the inbound path: the assistant may answer; outbound and system only record"`
	Text      string `json:"text,omitempty" max:"65536" doc:"the message, at most 65,536 characters; required unless body is given"`
	Body      string `json:"body,omitempty" max:"65536" doc:"another name for text"`
	Author    string `json:"author,omitempty" max:"200" doc:"who wrote an outbound or system message (default API), at most 200 characters"`
}

// AddMessageResult answers POST /api/v1/conversations/{id}/messages.
type AddMessageResult struct {
	ConversationID int64 `json:"conversation_id"`
	MessageID      int64 `json:"message_id"`
}
