// CadrePicker (cadres/widgets.py): type part of a name, pick a cadre from the matches (cadres:pick).
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-cadre-picker]").forEach(setUp);
});

function setUp(root) {
  var input = root.querySelector("input[type=search]");
  var list = root.querySelector(".picker-results");
  var chosen = root.querySelector(".picker-chosen");
  var multiple = root.hasAttribute("data-multiple");
  var timer = null;
  var asked = 0;

  chosen.addEventListener("click", function (event) {
    if (event.target.classList.contains("chip-remove")) { event.target.parentNode.remove(); }
  });
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(search, 250);
  });
  input.addEventListener("keydown", function (event) {
    if (event.key !== "Enter") { return; }
    event.preventDefault();  // Enter picks the first match instead of submitting the form
    var first = list.querySelector("button");
    if (first) { first.click(); }
  });

  function search() {
    var q = input.value.trim();
    if (!q) { close(); return; }
    var ticket = ++asked;
    var separator = root.dataset.url.indexOf("?") < 0 ? "?" : "&";
    fetch(root.dataset.url + separator + "q=" + encodeURIComponent(q), {headers: {"Accept": "application/json"}})
      .then(function (response) { return response.json(); })
      .then(function (data) { if (ticket === asked) { show(data); } });
  }

  function show(data) {
    list.replaceChildren();
    data.results.forEach(function (item) {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = item.label;
      button.addEventListener("click", function () { pick(item); });
      var li = document.createElement("li");
      li.appendChild(button);
      list.appendChild(li);
    });
    if (!data.results.length || data.more) {
      var note = document.createElement("li");
      note.className = "muted";
      note.textContent = data.results.length ? "只列出前" + data.results.length + "名，请多输入几个字" : "没有找到";
      list.appendChild(note);
    }
    list.hidden = false;
  }

  function pick(item) {
    if (!multiple) { chosen.replaceChildren(); }
    if (!chosen.querySelector('input[value="' + item.value + '"]')) {
      var hidden = document.createElement("input");
      hidden.type = "hidden";
      hidden.name = root.dataset.name;
      hidden.value = item.value;
      var remove = document.createElement("button");
      remove.type = "button";
      remove.className = "chip-remove";
      remove.textContent = "×";
      remove.setAttribute("aria-label", "移除" + item.label);
      var chip = document.createElement("span");
      chip.className = "chip";
      chip.append(hidden, document.createTextNode(item.label + " "), remove);
      chosen.appendChild(chip);
    }
    input.value = "";
    close();
  }

  function close() {
    list.hidden = true;
    list.replaceChildren();
  }
}
