// The big screen: draws the trend and the ranking, and every "refresh" seconds reads the screen's JSON
// endpoint again and redraws the figures (aggregates and place names only). A bar opens the place below.
(function () {
  "use strict";
  var source = document.getElementById("screen-data");
  if (!source || typeof window.echarts === "undefined") {
    return;
  }
  var body = document.body;
  var url = body.getAttribute("data-source");
  var every = parseInt(body.getAttribute("data-refresh"), 10) || 60;
  var axis = { color: "#a9c6e6", fontSize: 18 };
  var trend = window.echarts.init(document.getElementById("screen-trend"), null, { renderer: "svg" });
  var ranking = window.echarts.init(document.getElementById("screen-ranking"), null, { renderer: "svg" });
  var rows = [];
  var labels = JSON.parse(source.textContent).labels || {}; // the words, translated by the page

  function tiles(holder, items, withUnit) {
    if (!holder) { return; }
    holder.textContent = "";
    items.forEach(function (item) {
      var div = document.createElement("div");
      div.className = "tile" + (!withUnit && item.value ? " warn" : "");
      var dt = document.createElement("dt");
      dt.textContent = item.label;
      var dd = document.createElement("dd");
      dd.textContent = item.value === null || item.value === undefined ? (item.percent || "—") : item.value;
      if (item.percent !== undefined) { dd.textContent = item.percent; }
      if (withUnit && item.unit) {
        var small = document.createElement("small");
        small.textContent = item.unit;
        dd.appendChild(small);
      }
      div.appendChild(dt);
      div.appendChild(dd);
      holder.appendChild(div);
    });
  }

  function draw(data) {
    trend.setOption({
      textStyle: { fontSize: 18 },
      legend: { bottom: 0, textStyle: { color: "#e8f1fb", fontSize: 18 } },
      tooltip: { trigger: "axis" },
      grid: { left: 8, right: 16, top: 16, bottom: 40, containLabel: true },
      xAxis: { type: "category", data: data.trend.months, axisLabel: axis },
      yAxis: { type: "value", minInterval: 1, axisLabel: axis, splitLine: { lineStyle: { color: "#1d4b78" } } },
      series: [
        { name: labels.reported, type: "line", smooth: true, lineStyle: { width: 4 }, data: data.trend.reported,
          itemStyle: { color: "#ffd36b" } },
        { name: labels.closed, type: "line", smooth: true, lineStyle: { width: 4 }, data: data.trend.closed,
          itemStyle: { color: "#7dffb0" } }
      ]
    });
    rows = data.children.slice(0, 15);
    ranking.setOption({
      grid: { left: 8, right: 40, top: 8, bottom: 8, containLabel: true },
      xAxis: { type: "value", minInterval: 1, axisLabel: axis, splitLine: { lineStyle: { color: "#1d4b78" } } },
      yAxis: { type: "category", inverse: true, data: rows.map(function (r) { return r.name; }),
               axisLabel: { color: "#e8f1fb", fontSize: 20 } },
      series: [{ type: "bar", barMaxWidth: 28, cursor: "pointer", itemStyle: { color: "#7fd0ff" },
                 label: { show: true, position: "right", color: "#e8f1fb", fontSize: 18 },
                 data: rows.map(function (r) { return r.value; }) }]
    });
  }

  function refresh() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        document.querySelector("[data-screen=computed]").textContent =
          data.computed_label || "—";
        tiles(document.querySelector("[data-screen=attention]"), data.attention, false);
        tiles(document.querySelector("[data-screen=rates]"), data.rates, false);
        tiles(document.querySelector("[data-screen=tiles]"), data.tiles.slice(0, 18), true);
        tiles(document.querySelector("[data-screen=more-tiles]"), data.tiles.slice(18, 30), true);
        tiles(document.querySelector("[data-screen=rest-tiles]"), data.tiles.slice(30), true);
        draw(data);
      })
      .catch(function () { /* the next round tries again */ });
  }

  ranking.on("click", function (params) {
    var row = rows[params.dataIndex];
    if (row) {
      window.location.search = "?place=" + encodeURIComponent(row.code);
    }
  });
  draw(JSON.parse(source.textContent));
  window.setInterval(refresh, every * 1000);
})();
