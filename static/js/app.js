// Small progressive enhancements; every page works without this file.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-confirm]").forEach(function (el) {
    el.addEventListener("click", function (event) {
      if (!window.confirm(el.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  });
  revealTarget();
});

// A link to a folded section (a <details>, or something in it: the redirect after a step's form, an outline link)
// unfolds it. Browsers do it themselves for a target inside a closed <details>, not for the <details> itself.
function revealTarget() {
  var id = decodeURIComponent(window.location.hash.slice(1));
  var target = id && document.getElementById(id);
  var unfolded = false;
  for (var el = target && target.closest("details"); el; el = el.parentElement && el.parentElement.closest("details")) {
    if (!el.open) { el.open = true; unfolded = true; }
  }
  if (unfolded) { target.scrollIntoView(); }
}
window.addEventListener("hashchange", revealTarget);

// The office prints case pages: everything folded prints unfolded (print.css for the browsers that style the
// folded part), and folds back afterwards.
window.addEventListener("beforeprint", function () {
  document.querySelectorAll("details:not([open])").forEach(function (el) {
    el.open = true;
    el.setAttribute("data-print-opened", "");
  });
});
window.addEventListener("afterprint", function () {
  document.querySelectorAll("details[data-print-opened]").forEach(function (el) {
    el.open = false;
    el.removeAttribute("data-print-opened");
  });
});
