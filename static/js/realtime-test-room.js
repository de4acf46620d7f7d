/* The test-only live room page (tests/realtime/live_urls.py): renders events as list items. */
(function () {
  "use strict";
  var list = document.getElementById("room-events");
  if (!list || !window.Realtime) return;
  var stream = list.getAttribute("data-stream");
  document.addEventListener("realtime:event", function (e) {
    if (e.detail.stream !== stream) return;
    var item = document.createElement("li");
    item.setAttribute("data-seq", e.detail.seq);
    item.textContent = (e.detail.data && e.detail.data.html) || e.detail.event;
    list.appendChild(item);
  });
  document.addEventListener("realtime:revoked", function (e) {
    if (e.detail.stream === stream) list.textContent = "";
  });
  window.Realtime.subscribe(stream, { lastSeq: parseInt(list.getAttribute("data-seq"), 10) });
})();
