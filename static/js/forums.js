// Forums progressive enhancement: live thread/category updates over the hub socket,
// in-place preview, quote insertion and @mention autocomplete. Pages work without it.
(function () {
  "use strict";
  const csrf = () => (document.querySelector("input[name=csrfmiddlewaretoken]") || {}).value || "";
  const lang = document.body.dataset.lang || "en";

  // --- live updates ------------------------------------------------------------------
  const streamEl = document.querySelector("[data-stream]");
  if (streamEl && "WebSocket" in window) {
    const stream = streamEl.dataset.stream;
    let lastSeq = 0;
    const connect = () => {
      const ws = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws/?lang=" + lang);
      ws.onopen = () => ws.send(JSON.stringify({ type: "subscribe", stream: stream, last_seq: lastSeq || undefined }));
      ws.onmessage = (message) => {
        let frame;
        try { frame = JSON.parse(message.data); } catch (e) { return; }
        if (frame.type !== "event" || frame.stream !== stream) return;
        if (frame.seq) lastSeq = Math.max(lastSeq, frame.seq);
        handle(frame.event, frame.data || {});
      };
      ws.onclose = () => setTimeout(connect, 3000 + Math.random() * 2000);
    };
    connect();
  }

  function announce(text) {
    const live = document.getElementById("live-status");
    if (live) live.textContent = text;
  }

  function handle(event, data) {
    const list = document.querySelector("[data-posts]");
    const note = document.querySelector("[data-live-new]");
    if (event === "post.created" && list) {
      if (document.getElementById("post-" + data.post_id)) return;
      // The server-rendered HTML is already sanitised; we only wrap it.
      const li = document.createElement("li");
      li.className = "post is-unread";
      li.id = "post-" + data.post_id;
      const header = document.createElement("header");
      header.className = "post-header";
      const author = document.createElement("strong");
      author.textContent = data.author.name;
      const link = document.createElement("a");
      link.href = data.permalink;
      link.textContent = new Date(data.created_at).toLocaleString();
      header.append(author, " ", link);
      const body = document.createElement("div");
      body.className = "post-body";
      body.innerHTML = data.body_html;
      li.append(header, body);
      list.appendChild(li);
      announce(data.author.name);
    } else if ((event === "post.edited" || event === "post.restored") && data.body_html) {
      const body = document.querySelector("#post-" + data.post_id + " [data-body]");
      if (body) body.innerHTML = data.body_html;
    } else if (event === "post.hidden" || event === "post.deleted") {
      const body = document.querySelector("#post-" + data.post_id + " [data-body]");
      if (body) body.textContent = "—";
    } else if (event === "reaction") {
      const post = document.getElementById("post-" + data.post_id);
      if (post) post.querySelectorAll("[data-count]").forEach((el) => { el.textContent = data.counts[el.dataset.count] || 0; });
    } else if (event === "thread.created" || event === "thread.moved" || event === "thread.locked") {
      if (note) { note.hidden = false; }
    }
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
