// The cockpit's charts: the ticket trend by month and the ranking of the places below, whose bars
// open that place's cockpit (drill-down). Data comes from the json_script block "cockpit-data";
// the big screen (bigscreen.js) draws the same charts from its JSON endpoint.
(function () {
  "use strict";
  var source = document.getElementById("cockpit-data");
  if (!source || typeof window.echarts === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var labels = data.labels || {}; // the words, translated by the page
  var font = getComputedStyle(document.body).fontFamily;
  var charts = [];

  var trendHolder = document.getElementById("cockpit-trend");
  if (trendHolder) {
    var trend = window.echarts.init(trendHolder, null, { renderer: "svg" });
    trend.setOption({
      textStyle: { fontFamily: font },
      tooltip: { trigger: "axis" },
      legend: { bottom: 0 },
      grid: { left: 8, right: 16, top: 24, bottom: 36, containLabel: true },
      xAxis: { type: "category", data: data.trend.months },
      yAxis: { type: "value", minInterval: 1 },
      series: [
        { name: labels.reported, type: "line", smooth: true, data: data.trend.reported, itemStyle: { color: "#c0392b" } },
        { name: labels.closed, type: "line", smooth: true, data: data.trend.closed, itemStyle: { color: "#2f6fb3" } }
      ]
    });
    charts.push(trend);
  }

  var rankHolder = document.getElementById("cockpit-ranking");
  if (rankHolder && data.children.length) {
    var rows = data.children.slice(0, 30);
    var ranking = window.echarts.init(rankHolder, null, { renderer: "svg" });
    ranking.setOption({
      textStyle: { fontFamily: font },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      grid: { left: 8, right: 16, top: 24, bottom: 8, containLabel: true },
      xAxis: {
        type: "category",
        data: rows.map(function (r) { return r.name; }),
        axisLabel: { interval: 0, rotate: rows.length > 6 ? 30 : 0 },
        triggerEvent: true
      },
      yAxis: { type: "value", minInterval: 1, name: labels.axis },
      series: [{
        type: "bar",
        barMaxWidth: 40,
        cursor: "pointer",
        itemStyle: { color: "#c0392b" },
        data: rows.map(function (r) { return { value: r.value, code: r.code }; })
      }]
    });
    ranking.on("click", function (params) {
      var row = params.componentType === "series" ? rows[params.dataIndex] : null;
      if (!row && params.componentType === "xAxis") {
        row = rows.filter(function (r) { return r.name === params.value; })[0];
      }
      if (row) {
        window.location.search = "?place=" + encodeURIComponent(row.code);
      }
    });
    charts.push(ranking);
  }
  window.addEventListener("resize", function () {
    charts.forEach(function (c) { c.resize(); });
  });
})();
