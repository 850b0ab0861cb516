// Renders the OpenAPI schema of /api/v1/ on the reference page: every operation with its summary, description,
// parameters, request examples and answers. Plain DOM, no library, no inline script (CSP).
(function () {
  "use strict";
  var root = document.getElementById("api-reference");
  if (!root) { return; }

  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text) { node.textContent = text; }
    if (cls) { node.className = cls; }
    return node;
  }

  function examplesOf(body) {
    var found = [];
    Object.keys((body && body.content) || {}).forEach(function (type) {
      var examples = body.content[type].examples || {};
      Object.keys(examples).forEach(function (name) {
        found.push({ title: (examples[name].summary || name) + "（" + type + "）", value: examples[name].value });
      });
    });
    return found;
  }

  function render(schema) {
    root.textContent = "";
    Object.keys(schema.paths).sort().forEach(function (path) {
      var operations = schema.paths[path];
      Object.keys(operations).forEach(function (method) {
        var op = operations[method];
        var box = el("article", null, "api-operation");
        box.appendChild(el("h2", method.toUpperCase() + " " + path));
        if (op.summary) { box.appendChild(el("p", op.summary)); }
        if (op.description) { box.appendChild(el("p", op.description, "help")); }
        var params = (op.parameters || []).map(function (p) {
          return p.name + "（" + p["in"] + (p.required ? "，必填" : "") + "）" + (p.description ? "：" + p.description : "");
        });
        if (params.length) {
          box.appendChild(el("h3", "参数"));
          var list = el("ul");
          params.forEach(function (text) { list.appendChild(el("li", text)); });
          box.appendChild(list);
        }
        examplesOf(op.requestBody).forEach(function (example) {
          box.appendChild(el("h3", "示例：" + example.title));
          box.appendChild(el("pre", JSON.stringify(example.value, null, 2)));
        });
        var answers = Object.keys(op.responses || {}).map(function (code) {
          return code + " " + (op.responses[code].description || "");
        });
        box.appendChild(el("h3", "返回"));
        var answerList = el("ul");
        answers.forEach(function (text) { answerList.appendChild(el("li", text)); });
        box.appendChild(answerList);
        root.appendChild(box);
      });
    });
  }

  fetch(root.getAttribute("data-schema"), { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (response) {
      if (!response.ok) { throw new Error(response.status); }
      return response.json();
    })
    .then(render)
    .catch(function (error) {
      root.textContent = "";
      root.appendChild(el("p", "接口描述读取失败（" + error.message + "），请下载上方的 OpenAPI 描述。", "empty"));
    });
}());
