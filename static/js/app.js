// Small progressive enhancements; every page works without this file.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-confirm]").forEach(function (el) {
    el.addEventListener("click", function (event) {
      if (!window.confirm(el.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  });
});

// A background export's page (core/exports.py: a [data-export-status-url] card) follows the export until its file
// is ready: progress bar, current step, then the download link or the error.
document.addEventListener("DOMContentLoaded", function () {
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
});
