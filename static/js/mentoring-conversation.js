// Live mentoring conversation: progressive enhancement of the plain HTML form and list.
// The server stays the source of truth: the shared client catches up by sequence, a reset or
// a sent message re-reads the conversation over HTTP, and every message carries its id so
// nothing shows twice.
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

  // Live messages through the tab's one shared socket (static/js/realtime.js), which replays
  // what was missed by sequence; a reset (too much missed) re-reads the list over HTTP.
  if (window.Realtime) {
    document.addEventListener("realtime:event", function (e) {
      if (e.detail.stream !== stream || e.detail.event !== "message") return;
      lastSeq = Math.max(lastSeq, e.detail.seq);
      appendHtml(e.detail.data.html);
    });
    document.addEventListener("realtime:reset", function (e) {
      if (e.detail.stream !== stream) return;
      e.preventDefault();
      catchUp();
    });
    document.addEventListener("realtime:revoked", function (e) {
      if (e.detail.stream === stream) list.replaceChildren();
    });
    window.Realtime.subscribe(stream, { lastSeq: lastSeq });
  }

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
