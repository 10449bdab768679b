// The console home chart: grids by kind per community. Data comes from a json_script block.
(function () {
  "use strict";
  var holder = document.getElementById("grid-kind-chart");
  var source = document.getElementById("grid-kind-data");
  if (!holder || !source || typeof window.echarts === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var colours = { residential: "#c0392b", reserved: "#e6a23c", dedicated: "#2f6fb3" };
  var names = data.rows.map(function (row) { return row.name; });
  var series = data.kinds.map(function (kind) {
    return {
      name: kind.label,
      type: "bar",
      stack: "grids",
      barMaxWidth: 36,
      itemStyle: { color: colours[kind.value] },
      emphasis: { focus: "series" },
      data: data.rows.map(function (row) { return row[kind.value] || 0; })
    };
  });
  var font = getComputedStyle(document.body).fontFamily;
  var chart = window.echarts.init(holder, null, { renderer: "svg" });
  chart.setOption({
    textStyle: { fontFamily: font },
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    legend: { bottom: 0 },
    grid: { left: 8, right: 16, top: 32, bottom: 36, containLabel: true },
    xAxis: { type: "category", data: names, axisLabel: { interval: 0, rotate: names.length > 8 ? 30 : 0 } },
    yAxis: { type: "value", minInterval: 1, name: data.y_label },
    series: series
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
