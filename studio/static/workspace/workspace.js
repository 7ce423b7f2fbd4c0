// Shooting Circle workspace: small behaviours htmx does not cover. No build step, no framework.
(function () {
  "use strict";

  // Countdowns: <span class="countdown" data-deadline="ISO 8601" data-lapsed="text">; recomputed every second.
  function pad(n) { return String(n).padStart(2, "0"); }
  function tick() {
    var now = Date.now();
    document.querySelectorAll(".countdown[data-deadline]").forEach(function (el) {
      var left = Math.floor((Date.parse(el.dataset.deadline) - now) / 1000);
      if (left <= 0) {
        el.textContent = el.dataset.lapsed || "0:00";
        el.classList.add("lapsed");
        return;
      }
      if (left >= 86400) return;  // a day or more: the server's words ("2 days, 3 hours") say it better
      var h = Math.floor(left / 3600), m = Math.floor((left % 3600) / 60), s = left % 60;
      el.textContent = (h ? h + ":" + pad(m) : m) + ":" + pad(s);
    });
  }
  setInterval(tick, 1000);
  document.addEventListener("DOMContentLoaded", tick);
  document.addEventListener("htmx:afterSettle", tick);

  // A request htmx could not show (a 403, a 500, the network): say so instead of failing silently.
  function fail() {
    var flash = document.getElementById("flash");
    if (!flash) return;
    flash.textContent = flash.dataset.failed;
    flash.hidden = false;
    setTimeout(function () { flash.hidden = true; }, 6000);
  }
  document.addEventListener("htmx:responseError", fail);
  document.addEventListener("htmx:sendError", fail);

  // Polling asks "changed since?" with the ETag the board was rendered with; a 304 leaves the page alone.
  document.addEventListener("htmx:configRequest", function (event) {
    var source = event.detail.elt;
    if (source && source.dataset && source.dataset.etag) {
      event.detail.headers["If-None-Match"] = source.dataset.etag;
    }
  });

  // The selected booking stays marked across refreshes of the board.
  document.addEventListener("click", function (event) {
    var block = event.target.closest(".block[data-booking-id]");
    if (!block) return;
    document.querySelectorAll(".block.selected").forEach(function (el) { el.classList.remove("selected"); });
    block.classList.add("selected");
    document.body.dataset.selectedBooking = block.dataset.bookingId;
  });
  document.addEventListener("htmx:afterSettle", function () {
    var id = document.body.dataset.selectedBooking;
    if (!id) return;
    var block = document.querySelector('.block[data-booking-id="' + id + '"]');
    if (block) block.classList.add("selected");
  });

  // Charts: <div data-chart="name" data-source="JSON URL"> drawn by window.workspaceCharts[name](echarts, el, data).
  window.workspaceCharts = window.workspaceCharts || {};
  function drawCharts(root) {
    if (!window.echarts) return;
    (root || document).querySelectorAll("[data-chart][data-source]").forEach(function (el) {
      var draw = window.workspaceCharts[el.dataset.chart];
      if (!draw || el.dataset.drawn) return;
      el.dataset.drawn = "1";
      fetch(el.dataset.source, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) { if (!response.ok) throw new Error(response.status); return response.json(); })
        .then(function (data) {
          var chart = window.echarts.init(el, null, { renderer: "svg" });
          chart.setOption(draw(data, el));
          el.dataset.ready = "1";
          window.addEventListener("resize", function () { chart.resize(); });
        })
        .catch(fail);
    });
  }
  window.workspaceDrawCharts = drawCharts;
  document.addEventListener("DOMContentLoaded", function () { drawCharts(); });
  document.addEventListener("htmx:afterSettle", function (event) { drawCharts(event.target); });
})();
