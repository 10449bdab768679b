/* The 15-minute service circle: the grids of the user's scope (/api/v1/grids/geojson) and each venue with a
 * circle of its estimated 15-minute walk (/api/v1/venues/geojson). Everything comes from the data-*
 * attributes of #circle-map (the CSP allows no inline script); no tile layer unless the page was given one.
 */
(function () {
  "use strict";
  var el = document.getElementById("circle-map");
  if (!el || typeof L === "undefined") {
    return;
  }
  var data = el.dataset;
  var COLOURS = {
    service_centre: "#b52a1f",
    station_678: "#d9822b",
    grid_station: "#2b6cb0",
    mediation_room: "#6b46c1",
    consultation_room: "#2f855a",
  };
  var map = L.map(el, { attributionControl: Boolean(data.tileUrl) }).setView([36.67, 117.0], 12);
  if (data.tileUrl) {
    L.tileLayer(data.tileUrl, { attribution: data.tileAttribution || "", maxZoom: 19 }).addTo(map);
  }
  L.control.scale({ imperial: false }).addTo(map);
  var bounds = null;

  function fit(layer) {
    var b = layer.getBounds();
    if (b.isValid()) {
      bounds = bounds ? bounds.extend(b) : b;
      map.fitBounds(bounds);
    }
  }

  function get(url, done) {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) {
        return r.ok ? r.json() : null;
      })
      .then(function (json) {
        if (json) {
          done(json);
        }
      });
  }

  get(data.gridsUrl, function (json) {
    fit(L.geoJSON(json, { style: { color: "#5b6470", weight: 1, fillOpacity: 0.05 } }).addTo(map));
  });
  get(data.venuesUrl, function (json) {
    var layer = L.geoJSON(json, {
      pointToLayer: function (feature, latlng) {
        var p = feature.properties;
        var colour = COLOURS[p.kind] || "#5b6470";
        L.circle(latlng, { radius: p.radius_m, color: colour, weight: 1, fillOpacity: 0.08 }).addTo(map);
        return L.circleMarker(latlng, { radius: 5, color: colour, fillOpacity: 0.9 });
      },
      onEachFeature: function (feature, marker) {
        var p = feature.properties;
        var box = document.createElement("div");
        var title = document.createElement("strong");
        title.textContent = p.name;
        var line = document.createElement("div");
        line.textContent = p.kind_label + " · " + p.hours;
        box.appendChild(title);
        box.appendChild(line);
        marker.bindPopup(box);
      },
    }).addTo(map);
    fit(layer);
  });
})();
