// The console home chart: tickets reported (and of those, closed) per month this year.
// Data comes from a json_script block (CSP: no inline scripts).
(function () {
  "use strict";
  var holder = document.getElementById("ticket-month-chart");
  var source = document.getElementById("ticket-month-data");
  if (!holder || !source || typeof window.echarts === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var font = getComputedStyle(document.body).fontFamily;
  var chart = window.echarts.init(holder, null, { renderer: "svg" });
  chart.setOption({
    textStyle: { fontFamily: font },
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    legend: { bottom: 0 },
    grid: { left: 8, right: 16, top: 32, bottom: 36, containLabel: true },
    xAxis: { type: "category", data: data.months.map(function (m) { return m.label; }) },
    yAxis: { type: "value", minInterval: 1, name: data.y_label },
    series: [
      {
        name: data.reported_label,
        type: "bar",
        barMaxWidth: 28,
        itemStyle: { color: "#c0392b" },
        data: data.months.map(function (m) { return m.reported; })
      },
      {
        name: data.closed_label,
        type: "bar",
        barMaxWidth: 28,
        itemStyle: { color: "#2f6fb3" },
        data: data.months.map(function (m) { return m.closed; })
      }
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
