// Directory: results follow the filters without a page load. The form still works as a plain
// GET without this script; the URL always holds the filter state (shareable, back button).
(function () {
  "use strict";
  var form = document.querySelector("[data-directory-form]");
  var region = document.querySelector("[data-directory-results]");
  var live = document.getElementById("live-status");
  if (!form || !region || !window.fetch || !window.URLSearchParams) return;

  var timer = null;
  var controller = null;

  function urlFor(params) {
    var query = params.toString();
    return form.getAttribute("action") + (query ? "?" + query : "");
  }

  function formParams() {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, key) {
      if (value !== "") params.append(key, value);
    });
    return params;
  }

  function load(url, push) {
    if (controller) controller.abort();
    controller = new AbortController();
    region.setAttribute("aria-busy", "true");
    return fetch(url, { headers: { "X-Requested-With": "fetch" }, signal: controller.signal, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.text();
      })
      .then(function (html) {
        region.innerHTML = html;
        region.removeAttribute("aria-busy");
        if (push) history.pushState({ directory: true }, "", url);
        var count = region.querySelector("[data-result-count]");
        // Announce the new total once, politely, without moving focus.
        if (live && count) live.textContent = count.textContent;
      })
      .catch(function (error) {
        if (error.name === "AbortError") return;
        region.removeAttribute("aria-busy");
        window.location.href = url; // fall back to a normal page load
      });
  }

  function schedule(delay) {
    clearTimeout(timer);
    timer = setTimeout(function () { load(urlFor(formParams()), true); }, delay);
  }

  form.addEventListener("change", function () { schedule(0); });
  form.addEventListener("input", function (event) {
    if (event.target.type === "search") schedule(300);
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    schedule(0);
  });
  region.addEventListener("click", function (event) {
    var link = event.target.closest(".pagination a");
    if (!link) return;
    event.preventDefault();
    load(link.href, true).then(function () { region.focus && region.focus(); });
  });

  function syncForm(params) {
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name) return;
      if (el.type === "checkbox") el.checked = params.get(el.name) === el.value || (el.value === "on" && params.has(el.name));
      else if (el.tagName === "SELECT" || el.type === "search" || el.type === "text") el.value = params.get(el.name) || "";
    });
  }

  window.addEventListener("popstate", function () {
    syncForm(new URLSearchParams(window.location.search));
    load(window.location.href, false);
  });
})();
