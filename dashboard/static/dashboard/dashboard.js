// 监督态势: draws the charts from the JSON blocks next to them (no inline script: CSP), makes every bar a link
// to the filtered list behind it, and follows the progress of a monthly workbook export.
(function () {
  "use strict";

  var PALETTE = ["#b71c1c", "#1a5fb4", "#2f7d32", "#b7791f", "#6a1b9a", "#00838f", "#5d4037", "#546e7a"];
  var COMPLIANCE_COLORS = {"按时报送": "#2f7d32", "零报告": "#81c784", "逾期报送": "#f9a825", "未报送": "#c62828",
                           "未到期": "#b0bec5"};

  function readData(name) {
    var node = document.getElementById("chart-" + name);
    return node ? JSON.parse(node.textContent) : null;
  }

  function money(value) {
    return Number(value).toLocaleString("zh-CN", {minimumFractionDigits: 2, maximumFractionDigits: 2});
  }

  function seriesOf(data, kind) {
    return data.series.map(function (series, index) {
      var item = {
        name: series.name, type: "bar", data: series.data, barMaxWidth: 36, cursor: "pointer",
        emphasis: {focus: "series"}
      };
      if (kind === "stacked" || kind === "stacked-h") { item.stack = "total"; }
      if (kind === "stacked-h") { item.itemStyle = {color: COMPLIANCE_COLORS[series.name] || PALETTE[index]}; }
      if (kind === "money") {
        item.label = {show: true, position: "right", formatter: function (p) { return money(p.value); }};
      }
      return item;
    });
  }

  function optionFor(data, kind) {
    var horizontal = kind === "hbar" || kind === "stacked-h" || kind === "money";
    var categoryAxis = {type: "category", data: data.categories, axisLabel: {interval: 0}};
    var valueAxis = {type: "value", minInterval: kind === "money" ? 0 : 1};
    if (!horizontal && data.categories.length > 6) { categoryAxis.axisLabel.rotate = 30; }
    if (horizontal) { categoryAxis.inverse = true; }
    var option = {
      color: PALETTE,
      animation: false,
      tooltip: {trigger: "axis", axisPointer: {type: "shadow"}},
      grid: {left: 12, right: kind === "money" ? 96 : 24, top: data.series.length > 1 ? 40 : 16, bottom: 8,
             containLabel: true},
      xAxis: horizontal ? valueAxis : categoryAxis,
      yAxis: horizontal ? categoryAxis : valueAxis,
      series: seriesOf(data, kind)
    };
    if (data.series.length > 1) { option.legend = {top: 0, type: "scroll"}; }
    if (kind === "money") {
      option.tooltip.formatter = function (params) {
        var p = params[0];
        return p.name + "<br>涉及金额：" + money(p.value) + " 元<br>问题：" + p.data.count + " 个";
      };
    }
    return option;
  }

  function drawCharts() {
    if (typeof window.echarts === "undefined") { return; }
    document.querySelectorAll("[data-chart]").forEach(function (element) {
      var data = readData(element.getAttribute("data-chart"));
      if (!data || !data.categories || data.categories.length === 0 || data.series.length === 0) {
        element.classList.add("dash-chart-empty");
        element.textContent = "本期无数据";
        return;
      }
      var chart = window.echarts.init(element, null, {renderer: "canvas"});
      chart.setOption(optionFor(data, element.getAttribute("data-kind")));
      chart.on("click", function (params) {
        if (params.data && params.data.url) { window.location.assign(params.data.url); }
      });
      window.addEventListener("resize", function () { chart.resize(); });
      element.setAttribute("data-drawn", "true");
    });
  }

  document.addEventListener("DOMContentLoaded", drawCharts);
})();
