// Værn's own script. Everything works without it; it only makes forms quicker to use.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  document.addEventListener("DOMContentLoaded", function () {
    // The language switch submits on change (its button is hidden when this script runs).
    document.querySelectorAll("select[data-autosubmit]").forEach(function (sel) {
      sel.addEventListener("change", function () { sel.form.submit(); });
    });

    // Forms that change something hard to undo ask first.
    document.querySelectorAll("form[data-confirm]").forEach(function (form) {
      form.addEventListener("submit", function (ev) {
        if (!window.confirm(form.getAttribute("data-confirm"))) { ev.preventDefault(); }
      });
    });

    // Secrets (API tokens, TOTP keys) are selected with one click, ready to copy.
    document.querySelectorAll("[data-secret]").forEach(function (el) {
      el.addEventListener("click", function () {
        var range = document.createRange();
        range.selectNodeContents(el);
        var sel = window.getSelection();
        sel.removeAllRanges();
        sel.addRange(range);
      });
    });

    // Answers save as you go: a changed level saves at once, a comment after a pause. Without this
    // script the Save button posts the form and the page comes back.
    var box = document.querySelector(".questions[data-assessment]");
    if (box && window.fetch && window.FormData && window.URLSearchParams) {
      var texts = { saved: box.getAttribute("data-saved"), saving: box.getAttribute("data-saving"), failed: box.getAttribute("data-failed"), retrying: box.getAttribute("data-retrying") };
      box.querySelectorAll("form[data-autosave]").forEach(function (form) {
        var state = form.querySelector(".save-state");
        var timer = null;
        var retry = null;
        var wait = 2000;
        var save = function () {
          if (!form.querySelector("input[name=value]:checked")) { return; }
          clearTimeout(retry);
          state.textContent = texts.saving;
          // Sent url-encoded, as the form itself posts: the server reads these fields with ParseForm,
          // which does not read a multipart body (what fetch makes of a bare FormData). Each try
          // sends the form as it is then, so a retry never saves an older answer over a newer one.
          fetch(form.action, { method: "POST", body: new URLSearchParams(new FormData(form)), headers: { "Accept": "application/json" }, credentials: "same-origin" })
            .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
            .then(function () {
              wait = 2000;
              state.textContent = texts.saved;
              var badge = form.parentNode.querySelector(".astatus .badge");
              if (badge) { badge.className = "badge s-answered"; }
            })
            .catch(function (status) {
              // The service briefly out of reach (503, or no answer at all) is retried with a growing
              // pause; an answer the server refused (422, 403, ...) is not.
              if (status === 503 || typeof status !== "number") {
                state.textContent = texts.retrying;
                retry = setTimeout(save, wait);
                wait = Math.min(wait * 2, 30000);
                return;
              }
              state.textContent = texts.failed;
            });
        };
        form.addEventListener("change", function (ev) {
          if (ev.target.name === "value") { save(); }
        });
        form.addEventListener("input", function (ev) {
          if (ev.target.name !== "comment") { return; }
          clearTimeout(timer);
          timer = setTimeout(save, 1200);
        });
      });
    }

    // A wide table scrolls sideways inside its .table-wrap (on a phone, say); keyboard users can
    // only scroll it once it can take focus. Templates should mark the wrapper themselves
    // (tabindex="0" role="group" aria-labelledby="<caption id>"); this covers any that do not.
    // A group, not a region: a region is a landmark, and one named like the section around it
    // (a table captioned as its heading) gives two landmarks of the same name.
    document.querySelectorAll(".table-wrap:not([tabindex])").forEach(function (wrap, i) {
      wrap.setAttribute("tabindex", "0");
      var cap = wrap.querySelector("caption");
      if (cap) {
        if (!cap.id) { cap.id = "table-caption-" + i; }
        wrap.setAttribute("role", "group");
        wrap.setAttribute("aria-labelledby", cap.id);
      }
    });

    // Incident deadlines keep counting down while the page is open: each running clock carries its
    // due time and its texts in the reader's language; the rules are the server's (days, hours
    // under a week, minutes under half a day; "soon" under six hours). Screen readers are not
    // told of every tick: the clocks are not live regions.
    var clocks = document.querySelectorAll(".inc-clock[data-due]");
    function spanText(ms, units) {
      var u = units.split("|");
      var mins = Math.round(ms / 60000);
      var d = Math.floor(mins / 1440), h = Math.floor((mins % 1440) / 60), m = mins % 60;
      var parts = [];
      if (d > 0) { parts.push(u[0].replace("%d", d)); }
      if (h > 0 && d < 7) { parts.push(u[1].replace("%d", h)); }
      if (m > 0 && d === 0 && h < 12) { parts.push(u[2].replace("%d", m)); }
      if (parts.length === 0) { parts.push(u[2].replace("%d", 0)); }
      return parts.join(" ");
    }
    // The server's clock, not the browser's, decides: the page says what time it was made at, and
    // the browser only adds the time that has passed since it loaded.
    var loaded = Date.now();
    function tick() {
      var passed = Date.now() - loaded;
      clocks.forEach(function (el) {
        var left = Number(el.getAttribute("data-due")) - (Number(el.getAttribute("data-now")) + passed);
        var units = el.getAttribute("data-units") || "%d d|%d h|%d min";
        var cls = left < 0 ? "inc-clock-overdue" : (left < 6 * 3600000 ? "inc-clock-soon" : "inc-clock-open");
        el.textContent = (left < 0 ? el.getAttribute("data-over") : el.getAttribute("data-left")).replace("%s", spanText(Math.abs(left), units));
        el.classList.remove("inc-clock-open", "inc-clock-soon", "inc-clock-overdue");
        el.classList.add(cls);
      });
    }
    if (clocks.length > 0) { setInterval(tick, 30000); }

    // The navigation's groups open without this script (details/summary); with it, opening one
    // closes the others, Escape closes the open one and puts focus back on its summary, and a
    // click or focus outside the navigation closes it, as a menu bar's drop-downs behave.
    var groups = document.querySelectorAll(".main-nav details");
    groups.forEach(function (d) {
      d.addEventListener("toggle", function () {
        if (!d.open) { return; }
        groups.forEach(function (o) { if (o !== d) { o.open = false; } });
      });
      d.addEventListener("keydown", function (ev) {
        if (ev.key === "Escape" && d.open) {
          d.open = false;
          d.querySelector("summary").focus();
        }
      });
    });
    if (groups.length > 0) {
      var closeOutside = function (ev) {
        if (ev.target.closest && ev.target.closest(".main-nav")) { return; }
        groups.forEach(function (o) { o.open = false; });
      };
      document.addEventListener("click", closeOutside);
      document.addEventListener("focusin", closeOutside);
    }

    // Move focus to the first field with an error, so keyboard and screen-reader users land on it.
    var bad = document.querySelector("[aria-invalid='true']");
    if (bad) { bad.focus(); }
  });
})();
