package widget_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"highvibe/app/apptest"
	"highvibe/app/inbox"
)

// TestBrowserWidgetPhotoShowsLive: a visitor on a customer's site attaches a photo through the
// widget's paperclip (made smaller in their browser, then uploaded); the operator who has the
// conversation open sees the photo appear in the timeline without reloading, and it loads.
func TestBrowserWidgetPhotoShowsLive(t *testing.T) {
	ctx, problems := apptest.Chromium(t, 90*time.Second)
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	e.User("acme", "olga", "operator")
	site := plainHostPage(t, e.URL)
	noScriptErrors(t, problems)

	// The visitor writes first: that opens the conversation.
	visitor := ctx
	if _, err := chromedp.Run(visitor, chromedp.Navigate(site)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, visitor, "the widget", `!!document.querySelector('[data-highvibe-widget]') && !!`+widgetRoot+`.querySelector('.launch')`)
	if _, err := chromedp.Run(visitor, chromedp.Evaluate[bool](`(function(){var r=`+widgetRoot+`;
		r.querySelector('.launch').click();
		r.querySelector('input[name=name]').value='Ayşe';
		r.querySelector('textarea').value='Bahçenin fotoğrafını gönderiyorum';
		r.querySelector('form').requestSubmit(); return true})()`)); err != nil {
		t.Fatal(err)
	}
	db := e.DB("acme")
	var conv int64
	apptest.Await(t, db, "the visitor's message to reach the inbox", func() bool {
		_ = db.Read.QueryRow(`SELECT conversation_id FROM messages WHERE channel = 'webchat' AND body = 'Bahçenin fotoğrafını gönderiyorum'`).Scan(&conv)
		return conv != 0
	})

	// The operator opens the conversation in another tab and keeps it open.
	operator, cancel := chromedp.NewContext(ctx)
	defer cancel()
	if err := chromedp.Do(operator, chromedp.Navigate(e.URL+"/login/"), chromedp.WaitVisible(chromedp.CSS(`input[name=username]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name=username]`), "olga"), chromedp.SendKeys(chromedp.CSS(`input[name=password]`), apptest.Password),
		chromedp.Submit(chromedp.CSS(`input[name=password]`))); err != nil {
		t.Fatal(err)
	}
	waitFor(t, operator, "leaving the login page", `location.pathname !== '/login/'`)
	if _, err := chromedp.Run(operator, chromedp.Navigate(e.URL+"/app/inbox/"+strconv.FormatInt(conv, 10)+"/")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, operator, "the conversation", `!!document.querySelector('#timeline') && document.body.textContent.includes('Bahçenin fotoğrafını gönderiyorum')`)
	waitFor(t, operator, "the page's event stream", `!!document.querySelector('[sse-connect][data-live="open"]')`)
	// A mark on this document: it is gone if the page reloads.
	if n, _ := chromedp.Run(operator, chromedp.Evaluate[float64](`window.__sameDocument = true, document.querySelectorAll('#timeline .msg-photo img').length`)); n != 0 {
		t.Fatalf("%v photos before the visitor sent one", n)
	}

	// The visitor picks a 2400×1800 photo: the widget makes it smaller and uploads it.
	if _, err := chromedp.Run(visitor, chromedp.Evaluate[bool](`(function(){
		var c=document.createElement('canvas'); c.width=2400; c.height=1800;
		var g=c.getContext('2d'); g.fillStyle='#2e7d32'; g.fillRect(0,0,2400,1800); g.fillStyle='#8d6e63'; g.fillRect(0,1200,2400,600);
		c.toBlob(function(b){
			var dt=new DataTransfer(); dt.items.add(new File([b],'bahce.png',{type:'image/png'}));
			var input=`+widgetRoot+`.querySelector('input[type=file]'); input.files=dt.files;
			input.dispatchEvent(new Event('change'));
		},'image/png');
		return true})()`)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, visitor, "the photo in the visitor's thread", widgetRoot+`.querySelector('.ph img') !== null`)

	// The operator's open page shows it, without a reload, and the thumbnail loads.
	waitFor(t, operator, "the photo on the operator's page", `(function(){var i=document.querySelector('#timeline .msg-photo img');
		return !!i && i.complete && i.naturalWidth > 0})()`)
	var w, h, size int64
	if err := db.Read.QueryRow(`SELECT size FROM attachments WHERE conversation_id = ?`, conv).Scan(&size); err != nil {
		t.Fatal(err)
	}
	dims, err := chromedp.Run(operator, chromedp.Evaluate[[]int64](`(function(){var i=document.querySelector('#timeline .msg-photo img'); return [i.naturalWidth, i.naturalHeight]})()`))
	if err != nil || len(dims) != 2 {
		t.Fatal(err)
	}
	w, h = dims[0], dims[1]
	if w != 480 || h != 360 { // the thumbnail of the 1600×1200 upload
		t.Errorf("thumbnail %d×%d, want 480×360", w, h)
	}
	if size <= 0 || size > 1<<20 {
		t.Errorf("the uploaded photo is %d bytes: not made smaller in the browser", size)
	}
	if same, _ := chromedp.Run(operator, chromedp.Evaluate[bool](`window.__sameDocument === true`)); !same {
		t.Error("the operator's page was reloaded: the photo did not arrive live")
	}

	// A quote's tracking link in a reply opens from the visitor's thread; the words around it stay text.
	link := e.URL + "/q/acme.abcdefghijklmnopqrstuvwx"
	if _, err := e.Handlers.InboxService.AddMessage(t.Context(), "acme", db, conv, inbox.Outgoing{Direction: "outbound", AuthorKind: "user",
		AuthorName: "Olga", Body: "Teklifiniz: " + link + ". <b>Teşekkürler</b>"}, ""); err != nil {
		t.Fatal(err)
	}
	waitFor(t, visitor, "the link in the visitor's thread", widgetRoot+`.querySelector('.log a.ln') !== null`)
	got, err := chromedp.Run(visitor, chromedp.Evaluate[[]string](`(function(){var a=`+widgetRoot+`.querySelector('.log a.ln');
		return [a.href, a.target, a.rel, a.parentNode.textContent, String(`+widgetRoot+`.querySelector('.log b') === null)]})()`))
	if err != nil || len(got) != 5 {
		t.Fatal(err)
	}
	if got[0] != link || got[1] != "_blank" || got[2] != "noopener noreferrer nofollow" || !strings.HasSuffix(got[3], "Teklifiniz: "+link+". <b>Teşekkürler</b>") || got[4] != "true" {
		t.Errorf("link in the widget: %q", got)
	}
}
