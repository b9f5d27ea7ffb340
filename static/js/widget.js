/* HighVibe chat widget. Embed on any site:
 *   <script src="https://HOST/widget.js" data-tenant-slug="SLUG" data-lang="tr" async></script>
 * No dependencies, no secrets: it builds its own DOM inside a shadow root (so the host page's CSS
 * cannot break it), talks to HOST's JSON API with CORS, keeps the visitor token in localStorage
 * and polls for replies every few seconds. All text is inserted with textContent (never HTML).
 * The 📎 button attaches a photo: it is made smaller in the browser (canvas, at most 1600 px on
 * the long side, JPEG) before upload, so phones' 10 MB photos travel as a few hundred KB.
 * When the business tracks conversions (config "marketing"), the loader reads the ad click ids
 * (gclid, gbraid, wbraid, fbclid, ttclid), the campaign (utm_*) and the Meta cookies (_fbp, _fbc)
 * of the host page, keeps them for this tab only (sessionStorage, so a click id seen on the page
 * the visitor landed on is still known on the page where they open the chat) and sends them with
 * the first message only; the server keeps them only when the visitor ticks the marketing box. */
(function () {
  "use strict";
  var script = document.currentScript ||
    document.querySelector("script[data-tenant-slug]");
  if (!script || window.__highvibeWidget) { return; }
  window.__highvibeWidget = true;
  var slug = script.getAttribute("data-tenant-slug") || "";
  var lang = script.getAttribute("data-lang") || "";
  var base = new URL(script.src, location.href).origin;
  var api = base + "/widget/api/" + encodeURIComponent(slug);
  var storeKey = "highvibe:" + base + ":" + slug;
  var token = "";
  try { token = localStorage.getItem(storeKey) || ""; } catch (e) { token = ""; }
  var lastID = 0, seen = {}, cfg = null, timer = null, open = false;
  // Replies that came while the chat was closed are counted on its button, also those that came
  // while the visitor was away from the site: seenKey keeps the last message id they had in front
  // of them with the chat open (-1: none kept yet, as for a thread begun before this was kept,
  // whose replies so far count as seen).
  var seenKey = storeKey + ":seen", seenUpTo = -1, replies = [];
  try { seenUpTo = parseInt(localStorage.getItem(seenKey) || "-1", 10); } catch (e) { seenUpTo = -1; }
  if (isNaN(seenUpTo)) { seenUpTo = -1; }

  // attribution gathers what the host page says about the ad that brought the visitor: the first
  // values seen in this tab win (first touch), fbclid with the time it was first seen (Meta's fbc
  // is built from it on the server).
  var attrKey = "highvibe:attr:" + slug;
  function attribution() {
    var a = {};
    try { a = JSON.parse(sessionStorage.getItem(attrKey) || "{}") || {}; } catch (e) { a = {}; }
    var q = new URLSearchParams(location.search);
    ["gclid", "gbraid", "wbraid", "fbclid", "ttclid", "utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content"].forEach(function (k) {
      var v = q.get(k);
      if (v && !a[k]) { a[k] = v.slice(0, 500); if (k === "fbclid") { a.fbclid_at = String(Date.now()); } }
    });
    document.cookie.split(";").forEach(function (c) {
      var i = c.indexOf("="), k = c.slice(0, i).trim(), v = decodeURIComponent(c.slice(i + 1).trim());
      if (k === "_fbp" && v && !a.fbp) { a.fbp = v.slice(0, 200); }
      if (k === "_fbc" && v && !a.fbc) { a.fbc = v.slice(0, 600); }
    });
    if (!a.page_url) { a.page_url = location.origin + location.pathname; }
    try { sessionStorage.setItem(attrKey, JSON.stringify(a)); } catch (e) {}
    return a;
  }

  var css = ":host{all:initial}[hidden]{display:none!important}*{box-sizing:border-box;font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif}" +
    ".launch{position:fixed;inset-block-end:20px;inset-inline-end:20px;z-index:2147483000;border:0;border-radius:28px;padding:14px 20px;background:#0f766e;color:#fff;font-size:15px;font-weight:600;cursor:pointer;box-shadow:0 4px 14px rgba(0,0,0,.25)}" +
    ".badge{display:inline-block;min-width:22px;margin-inline-start:8px;padding:0 6px;border-radius:11px;background:#b91c1c;color:#fff;font-size:13px;line-height:22px;text-align:center}" +
    ".panel{position:fixed;inset-block-end:84px;inset-inline-end:20px;z-index:2147483000;width:min(360px,calc(100vw - 24px));height:min(520px,calc(100vh - 110px));display:flex;flex-direction:column;background:#fff;color:#1f2937;border-radius:12px;box-shadow:0 10px 30px rgba(0,0,0,.25);overflow:hidden;font-size:14px}" +
    ".panel[hidden]{display:none}.head{background:#0f766e;color:#fff;padding:12px 14px;font-weight:600}" +
    ".log{flex:1;overflow-y:auto;padding:12px;display:flex;flex-direction:column;gap:8px;background:#f8fafc}" +
    ".m{max-width:85%;padding:8px 10px;border-radius:10px;white-space:pre-wrap;word-wrap:break-word;line-height:1.35}" +
    ".in{align-self:flex-end;background:#0f766e;color:#fff}.out{align-self:flex-start;background:#e5e7eb;color:#111827}" +
    ".who{display:block;font-size:11px;opacity:.75;margin-block-end:2px}.greet{align-self:flex-start;background:#fff;border:1px solid #e5e7eb}.closed{background:#fffbeb;border-color:#fcd34d;color:#78350f}" +
    "form{display:flex;flex-direction:column;gap:6px;padding:10px;border-block-start:1px solid #e5e7eb}" +
    "input,textarea{width:100%;padding:7px 9px;border:1px solid #cbd5e1;border-radius:6px;font-size:14px;color:#111827;background:#fff}" +
    "textarea{resize:none;height:60px}.row{display:flex;flex-direction:column;gap:6px}.consent{font-size:12px;display:flex;gap:6px;align-items:flex-start}" +
    ".consent input{width:auto}.consent a{color:#0f766e}button.send{border:0;border-radius:6px;padding:9px;background:#0f766e;color:#fff;font-weight:600;cursor:pointer}" +
    "button.send:disabled{opacity:.6}.err{color:#b91c1c;font-size:12px;min-height:1em}" +
    ".acts{display:flex;gap:6px}.acts .send{flex:1}button.attach{display:flex;align-items:center;border:1px solid #cbd5e1;border-radius:6px;background:#fff;padding:0 10px;cursor:pointer}" +
    "button.attach:disabled{opacity:.6}.ph{display:block;margin-block-start:4px;max-width:100%;border-radius:8px;overflow:hidden}.ph img{display:block;max-width:100%;max-height:220px}" +
    ".fl{display:block;margin-block-start:4px;color:inherit;text-decoration:underline}.ln{color:inherit;text-decoration:underline;overflow-wrap:anywhere}" +
    ".at{display:block;margin-block-start:2px;font-size:11px;opacity:.75;text-align:end}.lost{padding:4px 12px;font-size:12px;color:#6b7280;background:#f8fafc;text-align:center}";

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text != null) { e.textContent = text; }
    return e;
  }

  // The host element is the only part of the widget the page's CSS can reach. Its own tag name
  // (no page rule for div, section … matches it) and an inline "all: initial !important" (which
  // beats even the page's !important rules for *, body > * …) keep the page from restyling it,
  // from moving its fixed-position panel (a transform or filter on it would) and from passing
  // its letter-spacing, capitals or line height down into the shadow root. It hangs from <html>,
  // after <body>, so that body > *:last-child and the like still mean the page's own elements.
  var host = document.createElement("highvibe-chat");
  host.style.setProperty("all", "initial", "important");
  host.setAttribute("data-highvibe-widget", slug);
  var root = host.attachShadow ? host.attachShadow({ mode: "open" }) : host;
  var style = el("style");
  style.textContent = css;
  root.appendChild(style);
  var launch = el("button", "launch");
  launch.type = "button";
  var launchText = el("span", "", "…"), badge = el("span", "badge");
  badge.hidden = true;
  launch.appendChild(launchText); launch.appendChild(badge);
  var panel = el("div", "panel");
  panel.hidden = true;
  panel.setAttribute("role", "dialog");
  var head = el("div", "head", "");
  var log = el("div", "log");
  log.setAttribute("aria-live", "polite");
  var form = el("form");
  var who = el("div", "row");
  var name = el("input"); name.name = "name"; name.autocomplete = "name"; name.maxLength = 200;
  var phone = el("input"); phone.name = "phone"; phone.type = "tel"; phone.autocomplete = "tel"; phone.maxLength = 40;
  who.appendChild(name); who.appendChild(phone);
  var text = el("textarea"); text.name = "text"; text.required = true;
  // What the visitor types takes its own direction: Turkish typed into an Arabic widget keeps its
  // question mark at its end, Arabic in a Turkish one starts at the right.
  text.dir = "auto"; name.dir = "auto";
  var consentRow = el("label", "consent");
  var consent = el("input"); consent.type = "checkbox"; consent.name = "consent";
  var consentText = el("span");
  var privacy = el("a"); privacy.target = "_blank"; privacy.rel = "noopener";
  consentRow.appendChild(consent); consentRow.appendChild(consentText); consentRow.appendChild(privacy);
  var marketingRow = el("label", "consent");
  marketingRow.hidden = true;
  var marketing = el("input"); marketing.type = "checkbox"; marketing.name = "marketing";
  var marketingText = el("span");
  marketingRow.appendChild(marketing); marketingRow.appendChild(marketingText);
  var err = el("div", "err");
  err.setAttribute("role", "alert");
  var send = el("button", "send", "");
  send.type = "submit";
  var attach = el("button", "attach");
  attach.type = "button"; attach.hidden = true;
  // A paperclip drawn, not an emoji: a page without an emoji font would show an empty box.
  var clip = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  clip.setAttribute("viewBox", "0 0 24 24"); clip.setAttribute("width", "20"); clip.setAttribute("height", "20"); clip.setAttribute("aria-hidden", "true");
  var clipPath = document.createElementNS("http://www.w3.org/2000/svg", "path");
  clipPath.setAttribute("d", "M16.5 6.5v10a4.5 4.5 0 0 1-9 0V5a3 3 0 0 1 6 0v10.5a1.5 1.5 0 0 1-3 0V6.5");
  clipPath.setAttribute("fill", "none"); clipPath.setAttribute("stroke", "#0f766e"); clipPath.setAttribute("stroke-width", "2"); clipPath.setAttribute("stroke-linecap", "round");
  clip.appendChild(clipPath); attach.appendChild(clip);
  var file = el("input"); file.type = "file"; file.accept = "image/jpeg,image/png,image/webp,image/gif"; file.hidden = true;
  var acts = el("div", "acts");
  acts.appendChild(attach); acts.appendChild(send);
  form.appendChild(who); form.appendChild(text); form.appendChild(consentRow); form.appendChild(marketingRow); form.appendChild(err); form.appendChild(acts); form.appendChild(file);
  // lost is a quiet line under the thread while replies cannot be checked (the visitor's
  // connection, or the server, is away): only inside the open chat, never on the closed button.
  var lost = el("div", "lost"); lost.hidden = true; lost.setAttribute("role", "status");
  panel.appendChild(head); panel.appendChild(log); panel.appendChild(lost); panel.appendChild(form);
  root.appendChild(launch); root.appendChild(panel);

  function label(k, d) { return (cfg && cfg.labels && cfg.labels[k]) || d; }

  // refused says why a post was turned away: the server's words in the visitor's language, or,
  // when something between answered instead (a proxy's 502 page), that chat is unavailable — never
  // "Error 502".
  function refused(r) { return (r.data && r.data.detail) || label("unavailable", "Chat is unavailable."); }
  // unsent says that the post never got an answer: the visitor's own connection, most often. The
  // text stays in the box, and sending it again reuses its client id, so a post that did arrive
  // before the connection dropped is not stored twice.
  function unsent() { return label("offline", "Not sent: there is no connection."); }
  var pending = { text: null, id: "" };
  function clientID(words) {
    if (pending.text !== words || !pending.id) {
      pending = { text: words, id: newID() };
    }
    return pending.id;
  }

  // newID is a message's client id: 128 random bits (32 hex digits), so a first message sent again
  // gets back the token its lost answer carried (the server makes it from this id, which only this
  // browser knows). Without a random source, a short id: the server then makes a token at random.
  function newID() {
    var c = window.crypto;
    if (!c || !c.getRandomValues) { return Date.now().toString(36) + Math.random().toString(36).slice(2, 8); }
    var b = new Uint8Array(16), s = "";
    c.getRandomValues(b);
    for (var i = 0; i < b.length; i++) { s += (b[i] < 16 ? "0" : "") + b[i].toString(16); }
    return s;
  }

  function request(method, path, body) {
    var opts = { method: method, headers: {}, credentials: "omit", mode: "cors" };
    if (body) { opts.headers["Content-Type"] = "application/json"; opts.body = JSON.stringify(body); }
    return fetch(api + path, opts).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (data) { return { status: res.status, data: data }; });
    });
  }

  // words puts a message's text into b as text, with its web addresses (a quote's tracking link)
  // as links that open in a new tab; nothing of the text is ever read as HTML.
  function words(b, s) {
    var re = /https?:\/\/[^\s<>"']+/g, at = 0, mm;
    while ((mm = re.exec(s)) !== null) {
      var u = mm[0].replace(/[.,;:!?)]+$/, "");
      if (mm.index > at) { b.appendChild(document.createTextNode(s.slice(at, mm.index))); }
      var a = el("a", "ln"); a.href = u; a.target = "_blank"; a.rel = "noopener noreferrer nofollow"; a.textContent = u;
      b.appendChild(a);
      at = mm.index + u.length;
      re.lastIndex = at;
    }
    if (at < s.length) { b.appendChild(document.createTextNode(s.slice(at))); }
  }

  function add(m) {
    if (seen[m.id]) { return; }
    seen[m.id] = true;
    if (m.id > lastID) { lastID = m.id; }
    var b = el("div", "m " + (m.direction === "inbound" ? "in" : "out"));
    if (m.direction !== "inbound") { b.appendChild(el("span", "who", m.author === "assistant" ? (cfg && cfg.name) || "" : m.author)); }
    if (m.text) { var t = el("span"); t.dir = "auto"; words(t, m.text); b.appendChild(t); } // its own direction: Turkish in an Arabic widget
    (m.files || []).forEach(function (f) {
      var a = el("a", f.content_type.indexOf("image/") === 0 ? "ph" : "fl");
      a.href = base + f.url; a.target = "_blank"; a.rel = "noopener";
      if (a.className === "ph") {
        var img = el("img"); img.src = base + (f.thumb_url || f.url); img.alt = label("photo", "Photo");
        a.appendChild(img);
      } else { a.textContent = f.name; }
      b.appendChild(a);
    });
    var at = when(m.created_at);
    if (at) { b.appendChild(at); }
    b.setAttribute("data-message-id", String(m.id));
    log.appendChild(b);
    log.scrollTop = log.scrollHeight;
    if (m.direction !== "inbound") { replies.push(m.id); }
    if (open) { markSeen(); } else { showUnread(); }
  }

  // when is a message's time, small under it, in the visitor's own time zone and the widget's
  // language (Latin digits, as the panel writes them): "14:05", and the day too for an earlier one.
  function when(iso) {
    var d = new Date(iso || "");
    if (isNaN(d.getTime())) { return null; }
    var o = { hour: "2-digit", minute: "2-digit" };
    if (d.toDateString() !== new Date().toDateString()) { o.day = "numeric"; o.month = "short"; }
    var t = el("time", "at"); t.dateTime = iso;
    try { t.textContent = d.toLocaleString((lang || "tr") + "-u-nu-latn", o); } catch (e) { t.textContent = d.toLocaleString(undefined, o); }
    return t;
  }

  // markSeen notes that the visitor has the thread in front of them, up to its last message.
  function markSeen() {
    if (lastID > seenUpTo) {
      seenUpTo = lastID;
      try { localStorage.setItem(seenKey, String(seenUpTo)); } catch (e) {}
    }
    showUnread();
  }

  // showUnread puts the number of replies the visitor has not seen on the chat's button.
  function showUnread() {
    var n = open || seenUpTo < 0 ? 0 : replies.filter(function (id) { return id > seenUpTo; }).length;
    badge.textContent = n ? String(n) : "";
    badge.hidden = !n;
    var words = open ? label("close", "Close") : label("open", "Chat with us");
    if (n) { launch.setAttribute("aria-label", words + " — " + label("unread", "New replies") + ": " + n); } else { launch.removeAttribute("aria-label"); }
  }

  function poll() {
    if (!token) { return; }
    request("GET", "/messages?token=" + encodeURIComponent(token) + "&after=" + lastID + "&lang=" + encodeURIComponent(lang)).then(function (r) {
      away(r.status !== 200 && r.status !== 404 && r.status !== 400);
      if (r.status === 200 && r.data.messages) {
        r.data.messages.forEach(add);
        if (seenUpTo < 0) { markSeen(); } // a thread from before replies were counted: all seen
      }
      else if (r.status === 404 || r.status === 400) { forget(); }
    }).catch(function () { away(true); });
  }

  function away(v) { lost.hidden = !v; lost.textContent = v ? label("reconnecting", "Reconnecting…") : ""; }

  function forget() {
    token = ""; away(false);
    try { localStorage.removeItem(storeKey); localStorage.removeItem(seenKey); } catch (e) {}
    seenUpTo = -1; replies = []; showUnread();
    who.hidden = false;
    consentRow.hidden = !(cfg && cfg.consent_required);
    marketingRow.hidden = !(cfg && cfg.marketing);
  }

  // adopt takes the visitor token another tab of the same site got with its first message (the
  // browser shares localStorage between them): this tab then writes into that one conversation,
  // instead of starting a second lead, and shows its messages.
  function adopt() {
    if (token) { return true; }
    var t = "";
    try { t = localStorage.getItem(storeKey) || ""; } catch (e) { t = ""; }
    if (!t) { return false; }
    token = t;
    who.hidden = true; consentRow.hidden = true; marketingRow.hidden = true;
    if (cfg) { startPolling(); }
    return true;
  }
  window.addEventListener("storage", function (ev) {
    if (ev.key === seenKey) { // read in another tab of the site
      var v = parseInt(ev.newValue || "-1", 10);
      if (!isNaN(v) && v > seenUpTo) { seenUpTo = v; showUnread(); }
      return;
    }
    if (ev.key !== storeKey) { return; }
    if (ev.newValue) { adopt(); } else if (token) { forget(); }
  });

  function startPolling() {
    if (timer) { return; }
    poll();
    timer = setInterval(poll, open ? 3000 : 15000);
  }

  // setOpen opens or closes the chat window. While it is open the button under it says Close (on a
  // phone the window covers the page, and a button still saying "Chat with us" is no way back to
  // it); Escape closes it too and gives the focus back to the button.
  function setOpen(v) {
    open = v;
    panel.hidden = !v;
    launchText.textContent = v ? label("close", "Close") : label("open", "Chat with us");
    launch.setAttribute("aria-expanded", v ? "true" : "false");
    if (v) { markSeen(); } else { showUnread(); }
    if (timer) { clearInterval(timer); timer = null; }
    if (token) { startPolling(); }
    if (v) { text.focus(); }
  }

  launch.addEventListener("click", function () { setOpen(!open); });
  panel.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape" && open) { ev.preventDefault(); setOpen(false); launch.focus(); }
  });

  // shrink draws a photo on a canvas at most max pixels on its long side and hands back a JPEG.
  function shrink(f, max, done) {
    var url = URL.createObjectURL(f);
    var img = new Image();
    img.onload = function () {
      var w = img.naturalWidth, h = img.naturalHeight, k = Math.min(1, max / Math.max(w, h));
      var c = document.createElement("canvas");
      c.width = Math.max(1, Math.round(w * k)); c.height = Math.max(1, Math.round(h * k));
      var g = c.getContext("2d");
      g.fillStyle = "#fff"; g.fillRect(0, 0, c.width, c.height);
      g.drawImage(img, 0, 0, c.width, c.height);
      URL.revokeObjectURL(url);
      c.toBlob(function (b) { done(b || f); }, "image/jpeg", 0.85);
    };
    img.onerror = function () { URL.revokeObjectURL(url); done(f); }; // the server says what is wrong with it
    img.src = url;
  }

  attach.addEventListener("click", function () { file.click(); });
  file.addEventListener("change", function () {
    var f = file.files && file.files[0];
    file.value = "";
    if (!f) { return; }
    adopt();
    busy(true); err.textContent = "";
    shrink(f, 1600, function (blob) {
      var fd = new FormData();
      fd.append("file", blob, (f.name || "photo").replace(/\.[^.]*$/, "") + ".jpg");
      fd.append("text", text.value); fd.append("lang", lang);
      fd.append("client_id", newID());
      if (token) { fd.append("token", token); } else {
        fd.append("name", name.value); fd.append("phone", phone.value); fd.append("consent", consent.checked ? "true" : "");
        if (cfg && cfg.marketing) { fd.append("marketing", marketing.checked ? "true" : ""); fd.append("attribution", JSON.stringify(attribution())); }
      }
      fetch(api + "/media", { method: "POST", body: fd, credentials: "omit", mode: "cors" }).then(function (res) {
        return res.json().catch(function () { return {}; }).then(function (data) { return { status: res.status, data: data }; });
      }).then(function (r) {
        busy(false);
        if (r.status === 201) { sent(r.data); } else { err.textContent = refused(r); }
      }).catch(function () { busy(false); err.textContent = unsent(); });
    });
  });

  // busy says on the send button that a message or photo is on its way ("Sending…"): on a slow
  // phone connection a photo takes seconds, and a greyed "Send" looked like a chat that froze.
  function busy(v) {
    send.disabled = v; attach.disabled = v;
    send.textContent = v ? label("sending", "Sending…") : label("send", "Send");
  }

  // sent takes a 201 answer: the first one carries the visitor's token.
  function sent(data) {
    if (!token) {
      token = data.token;
      try { localStorage.setItem(storeKey, token); } catch (e) {}
      who.hidden = true; consentRow.hidden = true; marketingRow.hidden = true;
    }
    text.value = "";
    pending = { text: null, id: "" };
    poll();
    startPolling();
  }

  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    adopt();
    var body = { text: text.value, lang: lang, client_id: clientID(text.value) };
    if (token) { body.token = token; } else {
      body.name = name.value; body.phone = phone.value; body.consent = consent.checked;
      if (cfg && cfg.marketing) { body.marketing = marketing.checked; body.attribution = attribution(); }
    }
    busy(true); err.textContent = "";
    request("POST", "/messages", body).then(function (r) {
      busy(false);
      if (r.status === 201) {
        sent(r.data);
      } else {
        if (r.status === 400 && r.data.code === "bad_token") { forget(); }
        err.textContent = refused(r);
      }
    }).catch(function () { busy(false); err.textContent = unsent(); });
  });

  request("GET", "/config?lang=" + encodeURIComponent(lang)).then(function (r) {
    if (r.status !== 200) { return; } // unknown or disabled: show nothing at all
    cfg = r.data;
    lang = cfg.lang || lang;
    host.setAttribute("dir", cfg.dir || "ltr");
    host.style.setProperty("direction", cfg.dir || "ltr", "important"); // a page's * {direction} too
    panel.setAttribute("aria-label", label("title", "Chat"));
    launchText.textContent = label("open", "Chat with us");
    launch.setAttribute("aria-expanded", "false");
    head.textContent = cfg.name || label("title", "Chat");
    var g = el("div", "m greet", cfg.greeting);
    g.dir = "auto"; // the business's own words, in its language whatever the widget's
    log.appendChild(g);
    if (cfg.closed_note) { log.appendChild(el("div", "m greet closed", cfg.closed_note)); }
    name.placeholder = label("name", "Name") + " (" + label("optional", "optional") + ")";
    phone.placeholder = label("phone", "Phone") + " (" + label("optional", "optional") + ")";
    text.placeholder = label("placeholder", "Write a message…");
    text.maxLength = cfg.max_length || 4000;
    send.textContent = label("send", "Send");
    attach.hidden = !cfg.attach;
    attach.title = label("attach", "Attach a photo");
    attach.setAttribute("aria-label", attach.title);
    consentText.textContent = label("consent", "I agree to the privacy notice") + " ";
    privacy.textContent = label("privacy", "Privacy notice");
    privacy.href = base + cfg.privacy_url;
    consentRow.hidden = !cfg.consent_required || !!token;
    marketingText.textContent = label("marketing", "");
    marketingRow.hidden = !cfg.marketing || !!token;
    if (cfg.marketing && !token) { attribution(); } // remember the landing page's click ids for this tab
    who.hidden = !!token;
    if (!cfg.enabled) {
      form.hidden = true;
      log.appendChild(el("div", "m out", label("unavailable", "Chat is unavailable.")));
    }
    document.documentElement.appendChild(host);
    if (token) { startPolling(); }
  }).catch(function () {});
})();
