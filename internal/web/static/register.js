// The register's own script: while an import runs, its page shows the progress without reloading.
// Without this script the page offers a link to look again.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var box = document.querySelector("[data-import-progress]");
    if (!box || !window.fetch) { return; }
    var bar = box.querySelector("progress");
    var text = box.querySelector(".import-progress-text");
    var url = box.getAttribute("data-import-progress");
    var poll = function () {
      fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
        .then(function (p) {
          if (p.total) { bar.max = p.total; }
          bar.value = p.done;
          if (text) { text.textContent = p.done + " / " + p.total; }
          if (p.status === "running") { setTimeout(poll, 700); } else { window.location.reload(); }
        })
        .catch(function () { setTimeout(poll, 3000); });
    };
    setTimeout(poll, 500);
  });
})();
