// Live service clocks (DOMAIN §1/§9): every element with data-clock-due counts down each second and
// turns amber at data-clock-warn and red when the deadline has passed. Rendered by sla/_clock.html;
// works for rows HTMX swaps in later, because each tick looks the clocks up again. No inline script (CSP).
(function () {
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function duration(seconds) {
    seconds = Math.abs(seconds);
    var days = Math.floor(seconds / 86400), h = Math.floor(seconds % 86400 / 3600);
    var m = Math.floor(seconds % 3600 / 60), s = seconds % 60;
    return (days ? days + "天 " : "") + pad(h) + ":" + pad(m) + ":" + pad(s);
  }
  function tick() {
    var now = Date.now();
    document.querySelectorAll("[data-clock-due]").forEach(function (el) {
      var due = Date.parse(el.dataset.clockDue);
      var warn = el.dataset.clockWarn ? Date.parse(el.dataset.clockWarn) : null;
      var seconds = Math.floor((due - now) / 1000);
      var colour = seconds <= 0 ? "red" : (warn !== null && now >= warn ? "amber" : "ok");
      el.textContent = seconds <= 0 ? "超时 " + duration(seconds) : "剩余 " + duration(seconds);
      el.classList.remove("clock-ok", "clock-amber", "clock-red");
      el.classList.add("clock-" + colour);
      el.dataset.clockState = seconds <= 0 ? "breached" : (colour === "amber" ? "warning" : "running");
      el.dataset.clockLive = "1";
      var row = el.closest("tr[data-clock-row]");
      if (row) {
        row.classList.toggle("overdue", colour === "red");
        row.classList.toggle("due-soon", colour === "amber");
      }
    });
  }
  document.addEventListener("DOMContentLoaded", function () { tick(); setInterval(tick, 1000); });
})();
