package app

import (
	"context"
	"errors"

	"highvibe/app/channels/chanutil"
	"highvibe/app/channels/email"
	"highvibe/app/inbox"
	"highvibe/app/jobs"
	"highvibe/app/notify"
	"highvibe/app/platform"
	"highvibe/static"
)

// newNotify builds the notification room: the data directory's VAPID key pair (made on first
// start), the inbox's view of a conversation, the tenant's SMTP server for e-mails, and its jobs.
func newNotify(s *Server, o Options) (*notify.Handler, error) {
	keys, err := notify.LoadVAPID(o.DataDir)
	if err != nil {
		return nil, err
	}
	worker, err := static.ReadFile("js/sw.js")
	if err != nil {
		return nil, err
	}
	svc := &notify.Service{Platform: s.Platform, VAPID: keys, Log: o.Log, Conversation: inbox.NotifyView, Mail: notifyMail,
		MailReady: func(t *platform.Tenant) bool { return email.NoticeReady(t.Setting) }, BaseURL: o.BaseURL}
	svc.RegisterJobs(s.Jobs)
	return &notify.Handler{Render: s.Render, Svc: svc, Worker: worker}, nil
}

// notifyMail sends a notification e-mail over the tenant's SMTP settings (the e-mail channel's);
// a 5xx answer is not retried.
func notifyMail(ctx context.Context, t *platform.Tenant, to, subject, body string) (bool, error) {
	sent, err := email.Notice(ctx, t.Setting, t.Name, to, subject, body)
	var se *chanutil.SendError
	if errors.As(err, &se) && se.Permanent {
		return false, jobs.Permanent(err)
	}
	return sent, err
}
