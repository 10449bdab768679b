/* Grid map: draws the grids in the user's scope from /api/v1/grids/geojson, coloured by kind, and on a
 * click shows the grid's team and figures from /api/v1/grids/{code}. Everything it needs comes from the
 * data-* attributes of #grid-map and the legend (the CSP allows no inline script). No tile layer unless
 * the page was given one (settings.MAP_TILE_URL): the system must work on an intranet.
 */
(function () {
  "use strict";

  var el = document.getElementById("grid-map");
  if (!el || typeof L === "undefined") {
    return;
  }
  var data = el.dataset;
  var panel = document.getElementById("grid-panel");
  var statusEl = document.getElementById("grid-map-status");
  var legend = document.getElementById("grid-legend");
  var colours = {};
  if (legend) {
    legend.querySelectorAll("[data-kind]").forEach(function (item) {
      colours[item.dataset.kind] = item.dataset.colour;
    });
  }
  var FALLBACK = "#5b6470";
  var LABELS_UP_TO = 120;
  var SELECTED = "#b52a1f";

  function status(text) {
    if (statusEl) {
      statusEl.textContent = text;
    }
  }

  function urlFor(template, code) {
    return template ? template.replace("__code__", encodeURIComponent(code)) : "";
  }

  function styleFor(feature, selected) {
    var colour = colours[feature.properties.kind] || FALLBACK;
    return {
      color: selected ? SELECTED : colour,
      weight: selected ? 3 : 1.5,
      fillColor: colour,
      fillOpacity: selected ? 0.5 : 0.3,
    };
  }

  var map = L.map(el, { attributionControl: Boolean(data.tileUrl) }).setView([36.67, 117.0], 11);
  if (data.tileUrl) {
    L.tileLayer(data.tileUrl, { attribution: data.tileAttribution || "", maxZoom: 19 }).addTo(map);
  }
  L.control.scale({ imperial: false }).addTo(map);

  var layersByCode = {};
  var selectedCode = "";
  var pending = 0;

  function node(tag, text, className) {
    var n = document.createElement(tag);
    if (text !== undefined && text !== null) {
      n.textContent = String(text);
    }
    if (className) {
      n.className = className;
    }
    return n;
  }

  function renderPanel(grid) {
    panel.replaceChildren();
    panel.appendChild(node("h2", grid.name));
    var meta = [grid.code, grid.kind_label, grid.community_name].filter(Boolean).join(" · ");
    panel.appendChild(node("p", meta, "muted"));
    if (grid.covers_name) {
      panel.appendChild(node("p", "专属对象：" + grid.covers_name));
    }
    var figures = grid.figures || {};
    var dl = node("dl");
    [
      ["住户", figures.households, "户"],
      ["实有人口", figures.persons, "人"],
      ["楼栋", figures.buildings, "栋"],
    ].forEach(function (row) {
      dl.appendChild(node("dt", row[0]));
      dl.appendChild(node("dd", (row[1] === undefined ? "—" : row[1]) + row[2]));
    });
    panel.appendChild(dl);
    panel.appendChild(node("h3", "网格队伍"));
    var team = grid.team || [];
    if (team.length === 0) {
      panel.appendChild(node("p", "尚未配备网格队伍", "muted"));
    } else {
      var ul = node("ul");
      team.forEach(function (m) {
        var text = m.role_label + "：" + m.name + (m.phone_masked ? "（" + m.phone_masked + "）" : "");
        ul.appendChild(node("li", text));
      });
      panel.appendChild(ul);
    }
    var page = urlFor(data.pageUrl, grid.code);
    if (page) {
      var a = node("a", "查看网格详情 ›");
      a.href = page;
      panel.appendChild(node("p")).appendChild(a);
    }
  }

  function showGrid(code) {
    if (!panel || !data.detailUrl) {
      return;
    }
    var token = ++pending;
    panel.replaceChildren(node("p", "正在加载…", "muted"));
    fetch(urlFor(data.detailUrl, code), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (r) {
        return r.json().then(function (body) {
          return { ok: r.ok, status: r.status, body: body };
        });
      })
      .then(function (res) {
        if (token !== pending) {
          return;
        }
        if (res.ok) {
          renderPanel(res.body);
        } else {
          panel.replaceChildren(node("p", (res.body && res.body.message) || "加载失败（HTTP " + res.status + "）", "form-error"));
        }
      })
      .catch(function () {
        if (token === pending) {
          panel.replaceChildren(node("p", "网络错误，网格信息加载失败", "form-error"));
        }
      });
  }

  function select(code) {
    if (selectedCode && layersByCode[selectedCode]) {
      var prev = layersByCode[selectedCode];
      prev.setStyle(styleFor(prev.feature, false));
    }
    selectedCode = code;
    var layer = layersByCode[code];
    if (layer) {
      layer.setStyle(styleFor(layer.feature, true));
      layer.bringToFront();
    }
    showGrid(code);
  }

  function countKinds(features) {
    if (!legend) {
      return;
    }
    var counts = {};
    var missing = 0;
    features.forEach(function (f) {
      counts[f.properties.kind] = (counts[f.properties.kind] || 0) + 1;
      if (!f.geometry) {
        missing += 1;
      }
    });
    legend.querySelectorAll("[data-count-for]").forEach(function (item) {
      var key = item.dataset.countFor;
      if (key === "missing") {
        item.hidden = missing === 0;
        item.textContent = missing ? missing + "个网格尚未绘制边界" : "";
      } else {
        item.textContent = "（" + (counts[key] || 0) + "）";
      }
    });
  }

  // The layer of open tickets (overdue ones in red), from the tickets app's map-points, when the page
  // names it: a layer the user can switch off.
  function ticketLayer() {
    if (!data.ticketsUrl) {
      return;
    }
    fetch(data.ticketsUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) {
        return r.ok ? r.json() : { points: [] };
      })
      .then(function (body) {
        var open = L.layerGroup();
        var overdue = L.layerGroup();
        (body.points || []).forEach(function (p) {
          var dot = L.circleMarker([p.lat, p.lng], {
            radius: p.overdue ? 7 : 5,
            color: "#fff",
            weight: 1.5,
            fillColor: p.overdue ? "#b52a1f" : "#d46b08",
            fillOpacity: 0.95,
            className: p.overdue ? "ticket-dot ticket-overdue" : "ticket-dot ticket-open",
          });
          var link = document.createElement("a");
          link.href = p.url;
          link.textContent = p.number + " " + p.title + "（" + p.status + (p.overdue ? "，已超期" : "") + "）";
          dot.bindPopup(link);
          dot.addTo(p.overdue ? overdue : open);
        });
        open.addTo(map);
        overdue.addTo(map);
        var nOpen = (body.points || []).length;
        var nLate = overdue.getLayers().length;
        var layers = {};
        layers["办理中的工单（" + (nOpen - nLate) + "）"] = open;
        layers["超期工单（" + nLate + "）"] = overdue;
        L.control.layers(null, layers, { collapsed: false }).addTo(map);
      })
      .catch(function () {
        status("工单图层加载失败");
      });
  }
  ticketLayer();

  status("正在加载网格…");
  fetch(data.geojsonUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (r) {
      if (!r.ok) {
        throw new Error("HTTP " + r.status);
      }
      return r.json();
    })
    .then(function (fc) {
      var features = fc.features || [];
      var labelled = features.length <= LABELS_UP_TO;
      countKinds(features);
      var layer = L.geoJSON(fc, {
        filter: function (f) {
          return Boolean(f.geometry);
        },
        style: function (f) {
          // The class names the grid, so a test (or a stylesheet) can find its polygon.
          return L.extend({ className: "grid-shape grid-" + f.properties.code }, styleFor(f, false));
        },
        onEachFeature: function (f, l) {
          layersByCode[f.properties.code] = l;
          // A few grids: their names written on them; many: on hover only (labels would overlap).
          if (labelled) {
            l.bindTooltip(f.properties.name, { permanent: true, direction: "center", className: "grid-label grid-label-on" });
          } else {
            l.bindTooltip(f.properties.name, { sticky: true, className: "grid-label" });
          }
          l.on("click", function () {
            if (panel) {
              select(f.properties.code);
            } else if (f.properties.code !== data.focus && data.pageUrl) {
              window.location.href = urlFor(data.pageUrl, f.properties.code);
            }
          });
        },
      }).addTo(map);
      var drawn = Object.keys(layersByCode).length;
      status(drawn ? "共" + drawn + "个网格" : "您的范围内没有已绘制边界的网格");
      var focus = data.focus && layersByCode[data.focus];
      if (focus) {
        map.fitBounds(focus.getBounds(), { padding: [24, 24], maxZoom: 17 });
        if (panel) {
          select(data.focus);
        } else {
          focus.setStyle(styleFor(focus.feature, true));
          focus.bringToFront();
        }
      } else if (drawn) {
        map.fitBounds(layer.getBounds(), { padding: [16, 16] });
      }
    })
    .catch(function (err) {
      status("网格数据加载失败（" + err.message + "）");
    });
})();
