/* Live updates over one websocket per tab (progressive enhancement: pages work without it).
 *
 * window.Realtime.subscribe(stream, {lastSeq}) follows a stream; the page passes the sequence
 * it was rendered at (data-seq) so nothing between render and subscribe is lost.
 * Events arrive as DOM CustomEvents on document:
 *   realtime:event   detail {stream, event, seq, data}   in order, each seq exactly once
 *   realtime:revoked detail {stream}                    access ended: remove its content
 *   realtime:reset   detail {stream, seq}               too much missed: reload (default)
 *   realtime:status  detail {state}                     live | reconnecting | offline
 * Missed events are replayed by the server from the client's last seq (on reconnect and on a
 * gap); duplicates are dropped by seq. Realtime.uuid() makes idempotency keys for posts.
 */
(function () {
  "use strict";

  var GAP_WAIT_MS = 1000; // an out-of-order event may still arrive before asking for catch-up
  var MAX_BACKOFF_MS = 30000;
  var OFFLINE_AFTER = 4; // failed attempts before saying "offline" rather than "reconnecting"

  var lang = document.body ? document.body.getAttribute("data-lang") || "en" : "en";
  var LABELS = {
    en: { live: "Live updates on", reconnecting: "Reconnecting to live updates…", offline: "Live updates offline; they will resume automatically." },
    fr: { live: "Mises à jour en direct activées", reconnecting: "Reconnexion aux mises à jour en direct…", offline: "Mises à jour en direct indisponibles ; elles reprendront automatiquement." },
    es: { live: "Actualizaciones en directo activas", reconnecting: "Reconectando las actualizaciones en directo…", offline: "Actualizaciones en directo sin conexión; se reanudarán automáticamente." }
  };
  var labels = LABELS[lang] || LABELS.en;

  var socket = null;
  var attempts = 0;
  var state = "";
  var streams = {}; // stream -> {last: int|null, pending: {seq: frame}, gapTimer, catchingUp}
  var reconnectTimer = null;

  function uuid() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }

  function emit(name, detail) {
    return document.dispatchEvent(new CustomEvent("realtime:" + name, { detail: detail, cancelable: true }));
  }

  function setState(next) {
    if (next === state) return;
    var announce = state !== "" || next !== "live"; // do not announce the first "live"
    state = next;
    var region = document.getElementById("live-status");
    if (region && announce) region.textContent = labels[next];
    document.querySelectorAll("[data-realtime-badge]").forEach(function (badge) {
      badge.textContent = labels[next];
      badge.setAttribute("data-state", next);
    });
    document.documentElement.setAttribute("data-realtime", next);
    emit("status", { state: next });
  }

  function url() {
    var scheme = location.protocol === "https:" ? "wss:" : "ws:";
    return scheme + "//" + location.host + "/ws/?lang=" + encodeURIComponent(lang);
  }

  function send(frame) {
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(frame));
  }

  function sendSubscribe(stream) {
    var s = streams[stream];
    var frame = { type: "subscribe", stream: stream };
    if (s.last !== null) frame.last_seq = s.last;
    s.catchingUp = true;
    send(frame);
  }

  function connect() {
    reconnectTimer = null;
    try {
      socket = new WebSocket(url());
    } catch (e) {
      scheduleReconnect();
      return;
    }
    socket.onopen = function () {
      attempts = 0;
      Object.keys(streams).forEach(sendSubscribe);
      setState("live");
    };
    socket.onmessage = function (message) {
      var frame;
      try { frame = JSON.parse(message.data); } catch (e) { return; }
      handle(frame);
    };
    socket.onclose = function (event) {
      socket = null;
      // 4401: access changed (logout...): reconnecting re-authenticates from the session.
      // 4012: the live layer restarted: reconnect and catch up. Others: network trouble.
      scheduleReconnect(event.code === 4012 || event.code === 4401);
    };
  }

  function scheduleReconnect(soon) {
    if (reconnectTimer) return;
    attempts += 1;
    setState(attempts > OFFLINE_AFTER ? "offline" : "reconnecting");
    // Exponential backoff with full jitter, so a restarted server is not stampeded.
    var ceiling = soon && attempts === 1 ? 1000 : Math.min(MAX_BACKOFF_MS, 500 * Math.pow(2, attempts));
    reconnectTimer = setTimeout(connect, Math.random() * ceiling);
  }

  function deliver(stream, frame) {
    var s = streams[stream];
    if (!s || !frame.seq) {
      if (s && frame.type === "event") emit("event", { stream: stream, event: frame.event, seq: 0, data: frame.data });
      return;
    }
    if ((s.last !== null && frame.seq <= s.last) || s.pending[frame.seq]) return; // duplicate
    s.pending[frame.seq] = frame;
    drain(stream);
  }

  function drain(stream) {
    var s = streams[stream];
    if (s.last === null) return;
    Object.keys(s.pending).forEach(function (seq) { if (+seq <= s.last) delete s.pending[seq]; });
    while (s.pending[s.last + 1]) {
      var next = s.pending[s.last + 1];
      delete s.pending[s.last + 1];
      s.last += 1;
      if (next.type === "event") emit("event", { stream: stream, event: next.event, seq: next.seq, data: next.data });
    }
    clearTimeout(s.gapTimer);
    if (Object.keys(s.pending).length && !s.catchingUp) {
      // A gap: wait briefly (events from two servers may cross), then ask for catch-up.
      s.gapTimer = setTimeout(function () { if (Object.keys(s.pending).length) sendSubscribe(stream); }, GAP_WAIT_MS);
    }
  }

  function handle(frame) {
    var stream = frame.stream;
    var s = streams[stream];
    switch (frame.type) {
      case "event":
      case "skip":
        deliver(stream, frame);
        break;
      case "subscribed":
        if (!s) return;
        s.catchingUp = false;
        if (s.last === null) s.last = frame.seq;
        drain(stream);
        break;
      case "reset":
        if (!s) return;
        s.last = frame.seq;
        s.pending = {};
        if (emit("reset", { stream: stream, seq: frame.seq })) location.reload();
        break;
      case "revoked":
        delete streams[stream];
        emit("revoked", { stream: stream });
        break;
      case "error":
        if (frame.code === "forbidden" && s) {
          delete streams[stream];
          emit("revoked", { stream: stream });
        }
        break;
      case "status":
        if (frame.live === false) setState("reconnecting");
        break;
    }
  }

  function subscribe(stream, options) {
    var lastSeq = options && typeof options.lastSeq === "number" ? options.lastSeq : null;
    if (!streams[stream]) streams[stream] = { last: lastSeq, pending: {}, gapTimer: null, catchingUp: false };
    if (!socket && !reconnectTimer) connect();
    else sendSubscribe(stream);
  }

  function unsubscribe(stream) {
    delete streams[stream];
    send({ type: "unsubscribe", stream: stream });
  }

  window.addEventListener("online", function () {
    if (!socket && reconnectTimer !== "paused") reconnect();
  });

  function disconnect() {
    // Stop until connect() (e.g. to save battery, or in tests to simulate a network loss).
    clearTimeout(reconnectTimer);
    reconnectTimer = "paused";
    if (socket) { socket.onclose = null; socket.close(); socket = null; }
    setState("offline");
  }

  function reconnect() {
    if (reconnectTimer && reconnectTimer !== "paused") clearTimeout(reconnectTimer);
    reconnectTimer = null;
    attempts = 0;
    if (!socket) connect();
  }

  window.Realtime = {
    subscribe: subscribe,
    disconnect: disconnect,
    connect: reconnect,
    unsubscribe: unsubscribe,
    uuid: uuid,
    lastSeq: function (stream) { return streams[stream] ? streams[stream].last : null; },
    state: function () { return state; }
  };

  // Declarative use: <... data-realtime-stream="thread:42" data-realtime-seq="17">
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-realtime-stream]").forEach(function (el) {
      var seq = parseInt(el.getAttribute("data-realtime-seq"), 10);
      subscribe(el.getAttribute("data-realtime-stream"), { lastSeq: isNaN(seq) ? undefined : seq });
    });
  });
})();
