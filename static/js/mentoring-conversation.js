// Live mentoring conversation: progressive enhancement of the plain HTML form and list.
// The server stays the source of truth: on (re)subscribe or a sequence gap we re-read the
// conversation over HTTP, and every message carries its id so nothing shows twice.
(function () {
  "use strict";
  const list = document.getElementById("messages");
  if (!list) return;
  const stream = list.dataset.stream;
  let lastSeq = Number(list.dataset.lastSeq || 0);
  const base = window.location.pathname.replace(/\/?$/, "/");

  function append(li) {
    if (!li || !li.id || document.getElementById(li.id)) return;
    list.appendChild(li);
    const empty = document.getElementById("no-messages");
    if (empty) empty.remove();
  }

  function appendHtml(html) {
    const tpl = document.createElement("template");
    tpl.innerHTML = html.trim();
    Array.from(tpl.content.querySelectorAll("li.msg")).forEach(append);
  }

  async function catchUp() {
    const response = await fetch(base + "conversation/", { credentials: "same-origin" });
    if (!response.ok) return;
    const data = await response.json();
    appendHtml(data.html);
    lastSeq = Math.max(lastSeq, data.last_seq || 0);
  }

  let delay = 1000;
  function connect() {
    if (!("WebSocket" in window)) return;
    const scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    const socket = new WebSocket(scheme + window.location.host + "/ws/?lang=" + (document.body.dataset.lang || "en"));
    socket.addEventListener("open", function () {
      delay = 1000;
      socket.send(JSON.stringify({ type: "subscribe", stream: stream, last_seq: lastSeq }));
    });
    socket.addEventListener("message", function (event) {
      let frame;
      try { frame = JSON.parse(event.data); } catch (e) { return; }
      if (frame.stream !== stream) return;
      if (frame.type === "subscribed") { catchUp(); return; }
      if (frame.type === "event" && frame.event === "message") {
        if (frame.seq > lastSeq + 1) catchUp();
        lastSeq = Math.max(lastSeq, frame.seq);
        appendHtml(frame.data.html);
      }
    });
    socket.addEventListener("close", function () {
      window.setTimeout(connect, delay);
      delay = Math.min(delay * 2, 30000);
    });
  }
  connect();

  const form = document.getElementById("message-form");
  if (!form) return;
  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    const data = new FormData(form);
    if (!form.dataset.key) {
      form.dataset.key = window.crypto && crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random();
    }
    data.set("client_key", form.dataset.key);
    try {
      const response = await fetch(form.action, {
        method: "POST", body: data, credentials: "same-origin", headers: { "X-Requested-With": "fetch" },
      });
      if (!response.ok) throw new Error(String(response.status));
      form.reset();
      delete form.dataset.key;
      await catchUp();
    } catch (e) {
      HTMLFormElement.prototype.submit.call(form);
    }
  });
})();
