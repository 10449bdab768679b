/* The one-map (一张图): the layers of every module over the grids of one place, switched on and off from
 * the checkboxes of #onemap-layers (their state kept in the URL hash: #layers=grids,tickets), each layer
 * fetched as GeoJSON from its data-url. Clicking a grid drills down to the place below (?place=…), the
 * breadcrumb leads up. No inline script (CSP): everything comes from data-* attributes. No tile layer
 * unless the page was given one (settings.MAP_TILE_URL): the grids themselves are the base map.
 */
(function () {
  "use strict";

  var el = document.getElementById("onemap");
  var panel = document.getElementById("onemap-layers");
  if (!el || !panel || typeof L === "undefined") {
    return;
  }
  var data = el.dataset;
  // The words come from the page (json_script "onemap-text", translated there); %(name)s are filled in.
  var textHolder = document.getElementById("onemap-text");
  var TEXT = textHolder ? JSON.parse(textHolder.textContent) : {};
  function t(key, values) {
    return String(TEXT[key] || key).replace(/%\((\w+)\)s/g, function (all, name) {
      return values && values[name] !== undefined && values[name] !== null ? String(values[name]) : "";
    });
  }
  var statusEl = document.getElementById("onemap-status");
  var kindColours = {};
  document.querySelectorAll("#onemap-kinds [data-kind]").forEach(function (item) {
    kindColours[item.dataset.kind] = item.dataset.colour;
  });
  var FALLBACK = "#5b6470";
  var LABELS_UP_TO = 120;
  var COLOURS = {
    open: "#d46b08",
    overdue: "#b52a1f",
    unit: "#6b46c1",
    venue: "#2f855a",
    online: "#2f855a",
    offline: "#8a8f99",
    faulty: "#b52a1f",
    warning: "#c05621",
    heat: "#b52a1f",
    care: "#2b6cb0",
  };

  function status(text) {
    if (statusEl) {
      statusEl.textContent = text;
    }
  }

  var map = L.map(el, { attributionControl: Boolean(data.tileUrl) }).setView([36.67, 117.0], 11);
  if (data.tileUrl) {
    L.tileLayer(data.tileUrl, { attribution: data.tileAttribution || "", maxZoom: 19 }).addTo(map);
  }
  L.control.scale({ imperial: false }).addTo(map);
  // The polygon layers under the points: heat and care over the grids, the markers above them all.
  map.createPane("onemap-fill").style.zIndex = 410;

  var boxes = {};
  panel.querySelectorAll('input[name="layer"]').forEach(function (box) {
    boxes[box.value] = box;
  });
  var shown = {}; // key → Leaflet layer on the map
  var tokens = {}; // key → the number of the last request (a late answer of an old one is dropped)
  var fitted = false;

  // --- the URL hash keeps which layers are on -------------------------------------------------------
  function fromHash() {
    var m = /(?:^#|&)layers=([^&]*)/.exec(window.location.hash);
    if (!m) {
      return null;
    }
    return decodeURIComponent(m[1]).split(",").filter(Boolean);
  }

  function toHash() {
    var on = Object.keys(boxes).filter(function (k) {
      return boxes[k].checked;
    });
    var hash = "#layers=" + on.join(",");
    if (window.location.hash !== hash) {
      window.history.replaceState(null, "", window.location.pathname + window.location.search + hash);
    }
    document.querySelectorAll(".onemap-crumbs a[data-place]").forEach(function (a) {
      a.href = a.href.split("#")[0] + hash;
    });
  }

  function drillTo(code) {
    if (code) {
      window.location.href = data.pageUrl + "?place=" + encodeURIComponent(code) + window.location.hash;
    }
  }

  function setCount(key, text) {
    var item = panel.querySelector('[data-count-for="' + key + '"]');
    if (item) {
      item.textContent = text;
    }
  }

  function node(tag, text) {
    var n = document.createElement(tag);
    if (text !== undefined && text !== null) {
      n.textContent = String(text);
    }
    return n;
  }

  function popup(lines, href, linkText) {
    var box = node("div");
    lines.forEach(function (line, i) {
      box.appendChild(node(i === 0 ? "strong" : "div", line));
    });
    if (href) {
      var a = node("a", linkText || t("view"));
      a.href = href;
      box.appendChild(a);
    }
    return box;
  }

  function dot(latlng, colour, className, radius) {
    return L.circleMarker(latlng, {
      radius: radius || 6,
      color: "#fff",
      weight: 1.5,
      fillColor: colour,
      fillOpacity: 0.95,
      className: className,
    });
  }

  // --- one builder per layer: GeoJSON → a Leaflet layer ------------------------------------------------
  function grids(fc) {
    var labelled = fc.features.length <= LABELS_UP_TO;
    var layer = L.geoJSON(fc, {
      style: function (f) {
        var colour = kindColours[f.properties.kind] || FALLBACK;
        return {
          color: colour,
          weight: 1.5,
          fillColor: colour,
          fillOpacity: 0.25,
          className: "onemap-grid grid-" + f.properties.code,
        };
      },
      onEachFeature: function (f, l) {
        // Above the centre: the markers of the other layers sit at and around a grid's centre.
        l.bindTooltip(f.properties.name, {
          permanent: labelled,
          sticky: !labelled,
          direction: "top",
          offset: [0, -18],
          className: "grid-label",
        });
        l.on("click", function () {
          drillTo(f.properties.drill);
        });
      },
    });
    setCount("grids", t("count", { count: fc.features.length }));
    return layer;
  }

  function choropleth(key, colour) {
    return function (fc) {
      var max = fc.meta.max || 1;
      var layer = L.geoJSON(fc, {
        pane: "onemap-fill",
        style: function (f) {
          return {
            color: colour,
            weight: 1,
            fillColor: colour,
            fillOpacity: 0.15 + 0.6 * (f.properties.count / max),
            className: "onemap-" + key + " " + key + "-" + f.properties.code,
          };
        },
        onEachFeature: function (f, l) {
          var text = t(key + "_tip", { name: f.properties.name, count: f.properties.count });
          if (f.properties.overdue) {
            text += t("overdue_in", { overdue: f.properties.overdue });
          }
          l.bindTooltip(text, { sticky: true });
          l.on("click", function () {
            drillTo(f.properties.drill);
          });
        },
      });
      setCount(key, t(key + "_total", { count: fc.meta.total }));
      return layer;
    };
  }

  function tickets(fc) {
    var group = L.layerGroup();
    fc.features.forEach(function (f) {
      var p = f.properties;
      var latlng = [f.geometry.coordinates[1], f.geometry.coordinates[0]];
      if (p.cluster) {
        var late = p.overdue > 0;
        var size = p.count >= 100 ? 40 : p.count >= 10 ? 32 : 26;
        var icon = L.divIcon({
          html: "<span>" + Number(p.count) + "</span>",
          className: "onemap-cluster" + (late ? " onemap-cluster-late" : ""),
          iconSize: [size, size],
        });
        var m = L.marker(latlng, { icon: icon, title: t("cluster_title", { count: p.count, overdue: p.overdue }) });
        m.on("click", function () {
          map.setView(latlng, Math.min(map.getZoom() + 2, 18));
        });
        m.addTo(group);
      } else {
        var d = dot(latlng, p.overdue ? COLOURS.overdue : COLOURS.open, p.overdue ? "onemap-ticket onemap-ticket-overdue" : "onemap-ticket", p.overdue ? 7 : 5);
        d.bindPopup(popup([p.number + " " + p.title, p.status + (p.overdue ? t("overdue_suffix") : "")], p.url, t("open_ticket")));
        d.addTo(group);
      }
    });
    setCount("tickets", t("tickets_count", { count: fc.meta.count, overdue: fc.meta.overdue }));
    return group;
  }

  function units(fc) {
    var group = L.layerGroup();
    fc.features.forEach(function (f) {
      var p = f.properties;
      if (f.geometry.type === "LineString") {
        var c = f.geometry.coordinates;
        L.polyline([[c[0][1], c[0][0]], [c[1][1], c[1][0]]], {
          color: COLOURS.unit,
          weight: 1.5,
          dashArray: "4 4",
          className: "onemap-pairing",
          interactive: false,
        }).addTo(group);
        return;
      }
      var latlng = [f.geometry.coordinates[1], f.geometry.coordinates[0]];
      dot(latlng, COLOURS.unit, "onemap-unit", 6)
        .bindPopup(popup([p.name, p.kind, p.grid_name ? t("unit_grid", { grid: p.grid_name }) : t("unit_unpaired")]))
        .addTo(group);
    });
    setCount("units", t("units_count", { count: fc.meta.count, paired: fc.meta.paired }));
    return group;
  }

  function venues(fc) {
    var group = L.layerGroup();
    fc.features.forEach(function (f) {
      var p = f.properties;
      var latlng = [f.geometry.coordinates[1], f.geometry.coordinates[0]];
      L.circle(latlng, {
        radius: p.radius_m,
        color: COLOURS.venue,
        weight: 1,
        fillOpacity: 0.06,
        className: "onemap-venue-circle",
        interactive: false,
      }).addTo(group);
      dot(latlng, COLOURS.venue, "onemap-venue", 6)
        .bindPopup(popup([p.name, p.kind_label, t("venue_walk", { metres: p.radius_m })], p.url, t("venue_detail")))
        .addTo(group);
    });
    setCount("venues", t("count", { count: fc.meta.count }));
    return group;
  }

  function devices(fc) {
    var group = L.layerGroup();
    fc.features.forEach(function (f) {
      var p = f.properties;
      var latlng = [f.geometry.coordinates[1], f.geometry.coordinates[0]];
      dot(latlng, COLOURS[p.status] || FALLBACK, "onemap-device onemap-device-" + p.status, 7)
        .bindPopup(popup([
          t("device_title", { place: p.grid || p.community, total: p.total }),
          t("device_states", { online: p.online, offline: p.offline, faulty: p.faulty }),
        ]))
        .addTo(group);
    });
    setCount("devices", t("devices_count", { online: fc.meta.online, offline: fc.meta.offline, faulty: fc.meta.faulty }));
    return group;
  }

  function warnings(fc) {
    var group = L.layerGroup();
    fc.features.forEach(function (f) {
      var p = f.properties;
      var latlng = [f.geometry.coordinates[1], f.geometry.coordinates[0]];
      dot(latlng, COLOURS.warning, "onemap-warning", 7)
        .bindPopup(popup([p.kind_label, t("warning_line", { week: p.week, count: p.count, status: p.status })], fc.meta.url, t("warning_list")))
        .addTo(group);
    });
    setCount("warnings", t("count", { count: fc.meta.count }));
    return group;
  }

  var BUILDERS = {
    grids: grids,
    tickets: tickets,
    ticket_heat: choropleth("ticket_heat", COLOURS.heat),
    units: units,
    venues: venues,
    devices: devices,
    warnings: warnings,
    care: choropleth("care", COLOURS.care),
  };

  function layerUrl(key) {
    var url = boxes[key].dataset.url;
    if (key === "tickets") {
      var b = map.getBounds();
      url += "&zoom=" + map.getZoom();
      if (fitted && b.isValid()) {
        url += "&bbox=" + [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (v) {
          return v.toFixed(5);
        }).join(",");
      }
    }
    return url;
  }

  function remove(key) {
    if (shown[key]) {
      map.removeLayer(shown[key]);
      delete shown[key];
    }
  }

  function load(key) {
    var token = (tokens[key] || 0) + 1;
    tokens[key] = token;
    setCount(key, t("loading"));
    return fetch(layerUrl(key), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) {
        if (!r.ok) {
          throw new Error("HTTP " + r.status);
        }
        return r.json();
      })
      .then(function (fc) {
        if (tokens[key] !== token) {
          return null;
        }
        var layer = BUILDERS[key](fc);
        if (key === "grids") {
          // The grids set the view even when their layer is off.
          if (!fitted && layer.getBounds().isValid()) {
            fitted = true;
            map.fitBounds(layer.getBounds(), { padding: [16, 16] });
          }
          status(fc.features.length ? t("grids_total", { count: fc.features.length }) : t("no_grids"));
        }
        if (!boxes[key].checked) {
          return null;
        }
        remove(key);
        shown[key] = layer.addTo(map);
        if (key === "grids") {
          layer.bringToBack();
        }
        return layer;
      })
      .catch(function (err) {
        setCount(key, t("load_failed", { error: err.message }));
      });
  }

  function sync() {
    Object.keys(boxes).forEach(function (key) {
      if (boxes[key].checked && !shown[key]) {
        load(key);
      } else if (!boxes[key].checked) {
        tokens[key] = (tokens[key] || 0) + 1;
        remove(key);
        setCount(key, "");
      }
    });
    toHash();
  }

  var wanted = fromHash();
  Object.keys(boxes).forEach(function (key) {
    boxes[key].checked = wanted ? wanted.indexOf(key) >= 0 : boxes[key].dataset.default === "on";
    boxes[key].addEventListener("change", sync);
  });

  // The tickets follow the view: clusters below zoom 15, points from it on, within the visible box.
  var moved = null;
  map.on("moveend", function () {
    if (!fitted || !boxes.tickets || !boxes.tickets.checked) {
      return;
    }
    window.clearTimeout(moved);
    moved = window.setTimeout(function () {
      load("tickets");
    }, 250);
  });

  // The grids first (they fit the view), then the other layers asked for.
  status(t("loading_grids"));
  var first = boxes.grids ? load("grids") : Promise.resolve();
  first.then(function () {
    fitted = true;
    sync();
  });
})();
