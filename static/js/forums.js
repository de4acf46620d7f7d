// Forums progressive enhancement: live thread/category updates over the hub socket,
// in-place preview, quote insertion and @mention autocomplete. Pages work without it.
(function () {
  "use strict";
  const csrf = () => (document.querySelector("input[name=csrfmiddlewaretoken]") || {}).value || "";
  const lang = document.body.dataset.lang || "en";

  // --- live updates (through the shared socket of static/js/realtime.js) ----------------
  const fill = (template, values) => template.replace(/\{(\w+)\}/g, (m, k) => (k in values ? values[k] : m));
  const announce = (text) => {
    const live = document.getElementById("live-status");
    if (live) live.textContent = text;
  };
  const me = Number(document.body.dataset.userId || 0);

  const threadEl = document.querySelector("[data-live-thread]");
  if (threadEl && window.Realtime) liveThread(threadEl);
  const categoryEl = document.querySelector("[data-live-category]");
  if (categoryEl && window.Realtime) liveCategory(categoryEl);

  function liveThread(root) {
    const stream = root.dataset.realtimeStream;
    const label = (name) => root.getAttribute("data-label-" + name) || "";
    const list = root.querySelector("[data-posts]");
    const note = root.querySelector("[data-live-new]");
    const typingEl = root.querySelector("[data-typing]");
    const presenceEl = root.querySelector("[data-presence]");
    const isModerator = root.hasAttribute("data-moderator");
    const typers = new Map(); // typer id -> {name, until}
    const readers = new Map(); // user id -> name
    const PLACEHOLDER = "999999999";

    function showNote(text) {
      if (!note) return;
      note.textContent = text;
      note.hidden = false;
    }

    // The viewer's own controls (reactions, quote, flag, edit...) from a server-rendered stub.
    function controlsFor(authorId, postId) {
      const tpl = document.querySelector('template[data-controls="' + (authorId === me ? "own" : "other") + '"]');
      if (!tpl) return null;
      const html = tpl.innerHTML.split(PLACEHOLDER).join(String(postId));
      const holder = document.createElement("template");
      holder.innerHTML = html;
      return holder.content.querySelector(".post-footer");
    }

    function buildPost(data) {
      const holder = document.createElement("template");
      holder.innerHTML = ((data.html && (data.html[lang] || data.html.en)) || "").trim();
      const li = holder.content.querySelector("li.post");
      if (!li) return null;
      const body = li.querySelector("[data-body]");
      if (body) body.innerHTML = data.body_html; // sanitised on the server when stored
      const footer = controlsFor(data.author_id, data.post_id);
      const old = li.querySelector(".post-footer");
      if (footer && old) old.replaceWith(footer);
      if (data.hidden) li.classList.add("is-hidden");
      li.classList.add("is-live");
      return li;
    }

    function placeholder(post, text) {
      const body = post.querySelector("[data-body]");
      if (body) {
        const p = document.createElement("p");
        p.className = "post-placeholder";
        p.textContent = text;
        body.replaceWith(p);
      }
      const footer = post.querySelector(".post-footer");
      if (footer) footer.remove();
    }

    function handle(event, data) {
      const post = data.post_id ? document.getElementById("post-" + data.post_id) : null;
      switch (event) {
        case "post.created":
        case "post.restored": {
          if (event === "post.created" && post && !post.hasAttribute("data-echo")) return;
          if (!list || (!root.hasAttribute("data-last-page") && !post)) {
            showNote(label("new-elsewhere"));
            return;
          }
          const li = buildPost(data);
          if (!li) return;
          if (post) post.replaceWith(li); else list.appendChild(li);
          if (event === "post.created" && data.author_id !== me) {
            announce(fill(label("new-post"), { name: data.author.name }));
          }
          typers.forEach((t, id) => { if (t.userId === data.author_id) typers.delete(id); });
          renderTyping();
          break;
        }
        case "post.edited": {
          const body = post && post.querySelector("[data-body]");
          if (body) body.innerHTML = data.body_html;
          break;
        }
        case "post.hidden":
          if (!post) return;
          post.classList.add("is-hidden");
          if (!isModerator && Number(post.dataset.author || 0) !== me) placeholder(post, label("hidden"));
          break;
        case "post.deleted":
          if (!post) return;
          post.classList.add("is-deleted");
          if (!isModerator) placeholder(post, label("deleted"));
          break;
        case "reaction":
          if (post) post.querySelectorAll("[data-count]").forEach((el) => { el.textContent = (data.counts || {})[el.dataset.count] || 0; });
          break;
        case "thread.locked":
          if (data.locked) showNote(label("locked"));
          break;
        case "thread.moved":
          showNote(label("moved"));
          break;
        case "typing":
          if (data.typer === window.Realtime.typer()) return;
          typers.set(data.typer, { name: data.name, userId: data.user_id, until: Date.now() + 6000 });
          renderTyping();
          setTimeout(renderTyping, 6100);
          break;
        case "presence.roster":
          readers.clear();
          (data.members || []).forEach((m) => readers.set(m.user_id, m.name));
          renderPresence();
          break;
        case "presence":
          if (data.user_id === me) return;
          if (data.state === "here") readers.set(data.user_id, data.name); else readers.delete(data.user_id);
          renderPresence();
          break;
      }
    }

    function renderTyping() {
      if (!typingEl) return;
      const now = Date.now();
      typers.forEach((t, id) => { if (t.until < now) typers.delete(id); });
      const named = Array.from(typers.values()).filter((t) => t.name).map((t) => t.name);
      const count = typers.size;
      // In big rooms (or when someone types anonymously) only a count is shown.
      const big = readers.size > 20;
      let text = "";
      if (count === 1 && named.length === 1 && !big) text = fill(label("typing-one"), { name: named[0] });
      else if (count === 2 && named.length === 2 && !big) text = fill(label("typing-two"), { first: named[0], second: named[1] });
      else if (count > 0) text = fill(label("typing-many"), { count: count });
      typingEl.textContent = text;
    }

    function renderPresence() {
      if (!presenceEl) return;
      const names = Array.from(readers.values());
      if (!names.length) presenceEl.textContent = "";
      else if (names.length > 8) presenceEl.textContent = fill(label("reading-many"), { count: names.length });
      else presenceEl.textContent = fill(label("reading"), { names: names.join(", ") });
    }

    document.addEventListener("realtime:event", (e) => {
      if (e.detail.stream === stream) handle(e.detail.event, e.detail.data || {});
    });
    document.addEventListener("realtime:revoked", (e) => {
      if (e.detail.stream !== stream) return;
      // Access ended (thread moved to a board this member may not read, or deleted).
      root.querySelectorAll("[data-posts], .reply-box, [data-presence], [data-typing], .participants").forEach((el) => el.remove());
      const notice = document.createElement("p");
      notice.className = "notice";
      notice.setAttribute("role", "alert");
      notice.textContent = label("revoked");
      root.appendChild(notice);
    });

    // Posting over the socket, with a local echo reconciled by the server's ack; the form's
    // own idempotency key makes a fallback to the plain HTTP post safe.
    const form = root.querySelector("form[data-live-reply]");
    if (!form) return;
    const textarea = form.querySelector("textarea");
    const keyInput = form.querySelector("input[name=idempotency_key]");
    const replyTo = form.querySelector("input[name=reply_to]");
    const errors = form.querySelector("[data-live-errors]");
    let lastTyping = 0;
    textarea.addEventListener("input", () => {
      const now = Date.now();
      if (now - lastTyping > 3000 && textarea.value.trim()) {
        lastTyping = now;
        window.Realtime.send({ type: "typing", stream: stream });
      }
    });
    const pending = new Map(); // key -> {echo, timer, body}
    form.addEventListener("submit", (event) => {
      if (event.submitter && event.submitter.name === "preview") return;
      if (!keyInput || !list || !root.hasAttribute("data-last-page") || window.Realtime.state() !== "live") return;
      const body = textarea.value.trim();
      if (!body) return;
      const key = keyInput.value || window.Realtime.uuid();
      const frame = { type: "post", stream: stream, body: body, key: key };
      if (replyTo && replyTo.value) frame.reply_to = Number(replyTo.value);
      if (!window.Realtime.send(frame)) return; // not connected: the form posts over HTTP
      event.preventDefault();
      const echo = document.createElement("li");
      echo.className = "post is-pending";
      echo.setAttribute("data-echo", key);
      echo.setAttribute("data-sending", label("sending"));
      const header = document.createElement("header");
      header.className = "post-header";
      const text = document.createElement("div");
      text.className = "post-body";
      text.textContent = body;
      echo.append(header, text);
      list.appendChild(echo);
      textarea.value = "";
      if (errors) errors.hidden = true;
      // No answer in time: post the same key over HTTP (stored once either way).
      const timer = setTimeout(() => { textarea.value = body; HTMLFormElement.prototype.submit.call(form); }, 10000);
      pending.set(key, { echo: echo, timer: timer, body: body });
    });
    document.addEventListener("realtime:ack", (e) => {
      const entry = pending.get(e.detail.key);
      if (!entry) return;
      clearTimeout(entry.timer);
      pending.delete(e.detail.key);
      if (keyInput) keyInput.value = window.Realtime.uuid();
      if (replyTo) replyTo.value = "";
      if (document.getElementById("post-" + e.detail.id)) entry.echo.remove(); // already arrived
      else entry.echo.id = "post-" + e.detail.id; // replaced when post.created arrives
    });
    document.addEventListener("realtime:error", (e) => {
      const entry = pending.get(e.detail.key);
      if (!entry) return;
      clearTimeout(entry.timer);
      pending.delete(e.detail.key);
      entry.echo.remove();
      textarea.value = entry.body;
      if (errors) { errors.textContent = e.detail.message || ""; errors.hidden = false; }
    });
  }

  function liveCategory(root) {
    const stream = root.dataset.realtimeStream;
    const note = document.querySelector("[data-live-new]");
    document.addEventListener("realtime:event", (e) => {
      if (e.detail.stream !== stream) return;
      if (e.detail.event === "thread.created" || e.detail.event === "thread.moved") {
        if (note) note.hidden = false;
        if (e.detail.event === "thread.created" && e.detail.data.title) {
          announce(fill(root.getAttribute("data-label-new-thread") || "", { title: e.detail.data.title }));
        }
      }
    });
  }

  // --- preview and mentions in editors ------------------------------------------------
  document.querySelectorAll("form[data-editor]").forEach((form) => {
    const textarea = form.querySelector("textarea");
    if (!textarea) return;
    const target = form.dataset.thread ? "thread=" + form.dataset.thread : "category=" + encodeURIComponent(form.dataset.category || "");
    const previewBox = form.querySelector("[data-preview]");
    const previewButton = form.querySelector("button[name=preview]");
    if (previewButton && previewBox) {
      previewButton.addEventListener("click", async (event) => {
        event.preventDefault();
        const body = new URLSearchParams(target);
        body.set("body", textarea.value);
        const response = await fetch("/" + lang + "/forums/preview/", { method: "POST", body: body, headers: { "X-CSRFToken": csrf() } });
        const data = await response.json();
        previewBox.hidden = false;
        if (data.html !== undefined) previewBox.innerHTML = data.html; else previewBox.textContent = (data.errors || []).join(" ");
      });
    }
    const menu = document.createElement("ul");
    menu.className = "mention-menu";
    menu.setAttribute("role", "listbox");
    menu.id = textarea.id + "-mentions";
    menu.hidden = true;
    textarea.after(menu);
    let timer = null;
    textarea.addEventListener("input", () => {
      const before = textarea.value.slice(0, textarea.selectionStart);
      const match = /(^|\s)@([\w.-]{1,40})$/u.exec(before);
      clearTimeout(timer);
      if (!match) { menu.hidden = true; return; }
      timer = setTimeout(async () => {
        const response = await fetch("/" + lang + "/forums/mentions/?" + target + "&q=" + encodeURIComponent(match[2]));
        if (!response.ok) return;
        const data = await response.json();
        menu.replaceChildren();
        data.results.forEach((member) => {
          const item = document.createElement("li");
          item.setAttribute("role", "option");
          item.textContent = "@" + member.handle + " (" + member.name + ")";
          item.addEventListener("mousedown", (event) => {
            event.preventDefault();
            const start = textarea.selectionStart - match[2].length;
            textarea.setRangeText(member.handle + " ", start, textarea.selectionStart, "end");
            menu.hidden = true;
            textarea.focus();
          });
          menu.appendChild(item);
        });
        menu.hidden = data.results.length === 0;
      }, 150);
    });
  });
})();
