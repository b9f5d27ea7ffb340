package msp_test

import (
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"
)

// In a browser: the timer on a ticket's page starts, survives a reload, stops into an entry; a
// typed entry with its end before its start comes back with the field error shown (not dropped
// by htmx), and nothing is stored.
func TestTimerInTheBrowser(t *testing.T) {
	t.Parallel()
	te := newTimeEnv(t, false, "en")
	_, run, waitFor := signedInBrowser(t, te)
	e := te.e
	page := e.URL + "/app/msp/tickets/" + strconv.FormatInt(te.ticket.ID, 10) + "/"
	run("ticket", chromedp.Navigate(page))
	waitFor("the timer button", `!!document.querySelector('#timer-start')`)
	run("start", chromedp.Click(chromedp.CSS(`#timer-start`)))
	waitFor("the running timer", `!!document.querySelector('#timer-stop')`)
	run("reload", chromedp.Navigate(page))
	waitFor("the timer after a reload", `!!document.querySelector('#timer-stop') && !document.querySelector('#timer-start')`)
	run("stop", chromedp.Click(chromedp.CSS(`#timer-stop`)))
	waitFor("the stopped timer's entry", `!!document.querySelector('#timer-start') && document.querySelectorAll('.time-entries li').length === 1`)
	if n := te.count(t, `SELECT count(*) FROM msp_time_entries`); n != 1 {
		t.Fatalf("%d entries after the stop", n)
	}
	run("open the form", chromedp.Click(chromedp.CSS(`.entry-form > summary`)))
	waitFor("the form", `!!document.querySelector('#te-start') && document.querySelector('#te-start').offsetParent !== null`)
	run("fill", chromedp.SetValue(chromedp.CSS(`#te-start`), "10:00"), chromedp.SetValue(chromedp.CSS(`#te-end`), "09:00"),
		chromedp.Click(chromedp.CSS(`#entry-form button[type=submit]`)))
	waitFor("the field error", `!!document.querySelector('#te-end-error') && document.querySelector('#te-end-error').textContent.includes('after the start')`)
	if n := te.count(t, `SELECT count(*) FROM msp_time_entries`); n != 1 {
		t.Fatalf("%d entries after a refused form", n)
	}
}
