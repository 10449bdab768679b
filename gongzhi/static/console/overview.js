// The public overview's charts. Data comes from a json_script block (no inline script: CSP script-src 'self').
(function () {
  "use strict";
  var source = document.getElementById("overview-data");
  if (!source || typeof window.echarts === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var font = getComputedStyle(document.body).fontFamily;
  var charts = [];
  function draw(id, option) {
    var holder = document.getElementById(id);
    if (!holder) {
      return;
    }
    var chart = window.echarts.init(holder, null, { renderer: "svg" });
    option.textStyle = { fontFamily: font };
    chart.setOption(option);
    charts.push(chart);
  }
  function bars(rows, colour) {
    return {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: rows.map(function (r) { return r.name; }), axisLabel: { interval: 0, rotate: rows.length > 4 ? 30 : 0 } },
      yAxis: { type: "value", minInterval: 1 },
      series: [{ type: "bar", barMaxWidth: 36, itemStyle: { color: colour }, data: rows.map(function (r) { return r.value; }) }]
    };
  }
  draw("overview-grids", {
    tooltip: { trigger: "item" },
    legend: { bottom: 0 },
    color: ["#c0392b", "#e6a23c", "#2f6fb3"],
    series: [{ type: "pie", radius: ["35%", "65%"], data: data.grids }]
  });
  draw("overview-tickets", bars(data.tickets, "#2f6fb3"));
  draw("overview-branches", bars(data.branches, "#c0392b"));
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
