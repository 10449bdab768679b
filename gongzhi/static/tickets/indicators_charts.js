// The indicators page's charts: the 12-month trend (received and closed as bars, the on-time rate as a
// line) and the ranking of the level below (horizontal bars, best first; rows under the minimum sample
// drawn grey, without a rank). Data from json_script blocks (CSP: no inline scripts); the figures are the
// tables' own.
(function () {
  "use strict";
  if (typeof window.echarts === "undefined") {
    return;
  }
  var font = getComputedStyle(document.body).fontFamily;

  function read(id) {
    var source = document.getElementById(id);
    return source ? JSON.parse(source.textContent) : null;
  }

  function percent(rate) {
    return rate && rate.value !== null ? Math.round(rate.value * 1000) / 10 : null;
  }

  function draw(holder, option) {
    var chart = window.echarts.init(holder, null, { renderer: "svg" });
    chart.setOption(option);
    window.addEventListener("resize", function () { chart.resize(); });
    return chart;
  }

  var trendHolder = document.getElementById("trend-chart");
  var trend = read("trend-data");
  if (trendHolder && trend) {
    draw(trendHolder, {
      textStyle: { fontFamily: font },
      tooltip: { trigger: "axis" },
      legend: { bottom: 0 },
      grid: { left: 8, right: 8, top: 36, bottom: 40, containLabel: true },
      xAxis: { type: "category", data: trend.months.map(function (m) { return m.label; }) },
      yAxis: [
        { type: "value", minInterval: 1, name: trend.y_label },
        { type: "value", min: 0, max: 100, name: trend.rate_label, axisLabel: { formatter: "{value}%" }, splitLine: { show: false } }
      ],
      series: [
        { name: trend.reported_label, type: "bar", barMaxWidth: 22, itemStyle: { color: "#c0392b" },
          data: trend.months.map(function (m) { return m.reported; }) },
        { name: trend.closed_label, type: "bar", barMaxWidth: 22, itemStyle: { color: "#2f6fb3" },
          data: trend.months.map(function (m) { return m.closed; }) },
        { name: trend.rate_label, type: "line", yAxisIndex: 1, connectNulls: false, itemStyle: { color: "#e6a23c" },
          tooltip: { valueFormatter: function (v) { return v === null || v === undefined ? "—" : v + "%"; } },
          data: trend.months.map(function (m) { return percent(m.on_time_rate); }) }
      ]
    });
  }

  var rankHolder = document.getElementById("ranking-chart");
  var ranking = read("ranking-data");
  if (rankHolder && ranking && ranking.rows.length) {
    // Best at the top: ECharts draws a category axis from the bottom, so the rows go in reversed.
    var rows = ranking.rows.slice().reverse();
    rankHolder.style.height = Math.max(220, 28 * rows.length + 60) + "px";
    draw(rankHolder, {
      textStyle: { fontFamily: font },
      tooltip: {
        trigger: "item",
        formatter: function (p) {
          var row = rows[p.dataIndex];
          var value = row.value === null ? "—" : percent(row) + "%";
          return row.name + "<br>" + ranking.rate_label + " " + value + "（" + row.numerator + "/" + row.denominator + "）";
        }
      },
      grid: { left: 8, right: 56, top: 8, bottom: 8, containLabel: true },
      xAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
      yAxis: {
        type: "category",
        data: rows.map(function (r) { return (r.rank ? r.rank + ". " : "— ") + r.name; }),
        axisLabel: { interval: 0 }
      },
      series: [{
        type: "bar",
        barMaxWidth: 18,
        label: { show: true, position: "right", formatter: function (p) { return p.value === null ? "—" : p.value + "%"; } },
        data: rows.map(function (r) {
          return { value: percent(r), itemStyle: { color: r.rank ? "#c0392b" : "#b8b8b8" } };
        })
      }]
    });
  }
})();
