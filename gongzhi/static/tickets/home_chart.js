// The console home's ticket chart, the role's own (tickets/figures.py HOME_CHART_KIND):
// "places" (district, subdistrict): reported and closed per month this year, and the level below ranked
// by on-time rate; "department": received and closed per month with the on-time rate as a line;
// "open" (community, grid): the open tickets by age, the overdue ones apart.
// Data comes from a json_script block (CSP: no inline scripts).
(function () {
  "use strict";
  if (typeof window.echarts === "undefined") {
    return;
  }
  var source = document.getElementById("ticket-month-data");
  var data = source ? JSON.parse(source.textContent) : { kind: "none", months: [] };
  var font = getComputedStyle(document.body).fontFamily;

  function percent(rate) {
    return rate && rate.value !== null ? Math.round(rate.value * 1000) / 10 : null;
  }

  function draw(id, option) {
    var holder = document.getElementById(id);
    if (!holder) {
      return;
    }
    var chart = window.echarts.init(holder, null, { renderer: "svg" });
    chart.setOption(Object.assign({ textStyle: { fontFamily: font } }, option));
    window.addEventListener("resize", function () { chart.resize(); });
  }

  if (!source) {
    // no ticket figures for this account: only the care chart below, if any
  } else if (data.kind === "open") {
    draw("ticket-age-chart", {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { bottom: 0 },
      grid: { left: 8, right: 16, top: 32, bottom: 36, containLabel: true },
      xAxis: { type: "category", data: data.ages.map(function (a) { return a.label; }) },
      yAxis: { type: "value", minInterval: 1, name: data.y_label },
      series: [
        { name: data.open_label, type: "bar", stack: "open", barMaxWidth: 36, itemStyle: { color: "#2f6fb3" },
          data: data.ages.map(function (a) { return a.open; }) },
        { name: data.overdue_label, type: "bar", stack: "open", barMaxWidth: 36, itemStyle: { color: "#c0392b" },
          data: data.ages.map(function (a) { return a.overdue; }) }
      ]
    });
  } else {
    var series = [
      { name: data.reported_label, type: "bar", barMaxWidth: 28, itemStyle: { color: "#c0392b" },
        data: data.months.map(function (m) { return m.reported; }) },
      { name: data.closed_label, type: "bar", barMaxWidth: 28, itemStyle: { color: "#2f6fb3" },
        data: data.months.map(function (m) { return m.closed; }) }
    ];
    var yAxis = [{ type: "value", minInterval: 1, name: data.y_label }];
    if (data.kind === "department") {
      yAxis.push({ type: "value", min: 0, max: 100, name: data.rate_label, axisLabel: { formatter: "{value}%" }, splitLine: { show: false } });
      series.push({ name: data.rate_label, type: "line", yAxisIndex: 1, itemStyle: { color: "#e6a23c" },
        data: data.months.map(function (m) { return percent(m.on_time_rate); }) });
    }
    draw("ticket-month-chart", {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { bottom: 0 },
      grid: { left: 8, right: 16, top: 32, bottom: 36, containLabel: true },
      xAxis: { type: "category", data: data.months.map(function (m) { return m.label; }) },
      yAxis: yAxis,
      series: series
    });
  }

  if (data.ranking && data.ranking.rows.length) {
    var rows = data.ranking.rows.slice().reverse(); // best at the top
    var holder = document.getElementById("ticket-rank-chart");
    if (holder) {
      holder.style.height = Math.max(200, 26 * rows.length + 50) + "px";
    }
    draw("ticket-rank-chart", {
      tooltip: { trigger: "item", formatter: function (p) {
        var row = rows[p.dataIndex];
        return row.name + "<br>" + data.ranking.rate_label + " " + (row.value === null ? "—" : percent(row) + "%") +
          "（" + row.numerator + "/" + row.denominator + "）";
      } },
      grid: { left: 8, right: 56, top: 8, bottom: 8, containLabel: true },
      xAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
      yAxis: { type: "category", axisLabel: { interval: 0 },
        data: rows.map(function (r) { return (r.rank ? r.rank + ". " : "— ") + r.name; }) },
      series: [{ type: "bar", barMaxWidth: 16,
        label: { show: true, position: "right", formatter: function (p) { return p.value === null ? "—" : p.value + "%"; } },
        data: rows.map(function (r) { return { value: percent(r), itemStyle: { color: r.rank ? "#c0392b" : "#b8b8b8" } }; }) }]
    });
  }

  var care = document.getElementById("care-overdue-data");
  if (care) {
    var c = JSON.parse(care.textContent);
    draw("care-overdue-chart", {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: c.rows.map(function (r) { return r.name; }),
        axisLabel: { interval: 0, rotate: c.rows.length > 6 ? 30 : 0 } },
      yAxis: { type: "value", minInterval: 1, name: c.y_label },
      series: [{ name: c.label, type: "bar", barMaxWidth: 32, itemStyle: { color: "#e6a23c" },
        data: c.rows.map(function (r) { return r.n; }) }]
    });
  }
})();
