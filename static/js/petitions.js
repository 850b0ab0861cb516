// Petitions: follows a list export running in the background (petitions:export_status) until its file is ready.
(function () {
  "use strict";

  function followExport() {
    var card = document.querySelector("[data-export-status-url]");
    if (!card) { return; }
    var url = card.getAttribute("data-export-status-url");
    var bar = card.querySelector("progress");
    var percent = card.querySelector("[data-export-percent]");
    var step = card.querySelector("[data-export-step]");
    var download = card.querySelector("[data-export-download]");
    var error = card.querySelector("[data-export-error]");
    var waiting = card.querySelector("[data-export-waiting]");

    function poll() {
      fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
        .then(function (response) { return response.json(); })
        .then(function (state) {
          bar.value = state.progress;
          percent.textContent = state.progress + "%";
          step.textContent = state.status_label + (state.step && !state.finished ? "：" + state.step : "");
          if (state.finished) {
            if (waiting) { waiting.hidden = true; }
            download.hidden = !state.downloadable;
            if (state.error) { error.textContent = state.error; error.hidden = false; }
            return;
          }
          window.setTimeout(poll, 1000);
        })
        .catch(function () { window.setTimeout(poll, 3000); });
    }
    poll();
  }

  document.addEventListener("DOMContentLoaded", followExport);
})();
