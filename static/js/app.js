// Small progressive enhancements; every page works without this file.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-confirm]").forEach(function (el) {
    el.addEventListener("click", function (event) {
      if (!window.confirm(el.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  });
});

// A background export's page (core/exports.py, templates/includes/export_progress.html) follows the export: 排队中
// (an indeterminate bar) → 生成中 n% → the download link, added only once the file exists; or the error and 重试.
document.addEventListener("DOMContentLoaded", function () {
  var card = document.querySelector("[data-export-status-url]");
  if (!card) { return; }
  var url = card.getAttribute("data-export-status-url");
  var running = card.querySelector("[data-export-progress]");
  var bar = card.querySelector("progress");
  var percent = card.querySelector("[data-export-percent]");
  var step = card.querySelector("[data-export-step]");
  var finalState = card.querySelector("[data-export-state]");
  var download = card.querySelector("[data-export-download]");
  var error = card.querySelector("[data-export-error]");
  var retry = card.querySelector("[data-export-retry]");

  function showProgress(state) {
    if (state.status === "pending") {
      bar.removeAttribute("value");
      percent.textContent = "";
    } else {
      bar.value = state.progress;
      percent.textContent = state.progress + "%";
    }
    step.textContent = state.status_label + (state.step ? "：" + state.step : "");
  }

  function showLink(state) {
    if (!state.downloadable || download.querySelector("a")) { return; }
    var link = document.createElement("a");
    link.className = "button primary";
    link.href = state.download_url;
    link.textContent = download.getAttribute("data-label");
    link.setAttribute("data-testid", "export-download");
    download.appendChild(link);
  }

  function showEnd(state) {
    showProgress(state);
    running.hidden = true;
    finalState.textContent = "状态：" + state.status_label;
    finalState.hidden = false;
    showLink(state);
    if (state.error) { error.textContent = state.error; error.hidden = false; }
    if (retry) { retry.hidden = !state.failed; }
  }

  function poll() {
    fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.json();
      })
      .then(function (state) {
        if (state.finished) { showEnd(state); return; }
        showProgress(state);
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  poll();
});
