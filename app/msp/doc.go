// Package msp is the MSP module's room (guide 42-msp-tickets.md): an IT service provider's
// clients (CRM customers with the MSP's own fields), their sites and devices, and tickets —
// numbered per tenant (T-000123), worked through a fixed set of statuses with a timeline of
// status changes, assignments, internal notes and public replies (sent on the ticket's
// conversation through the inbox's outgoing path). It owns msp_clients, msp_sites, msp_devices,
// msp_ticket_numbers, msp_tickets and msp_ticket_events.
//
// Every status change of a ticket — its creation included (from "" to "new") — goes through
// SetStatusTx, which runs the hooks registered with OnStatusChange inside the same transaction;
// public replies run the OnReply hooks the same way. The SLA clocks (sla*.go) hang off these.
package msp
