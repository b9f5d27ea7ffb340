package whatsapp_test

import "highvibe/app/channels/chanutil"

func newTinyLimits() *chanutil.Limiters { return chanutil.NewLimiters(0.01, 2) }
