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

    // Move focus to the first field with an error, so keyboard and screen-reader users land on it.
    var bad = document.querySelector("[aria-invalid='true']");
    if (bad) { bad.focus(); }
  });
})();
