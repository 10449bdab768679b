/* The residents' maps (随手拍 form, my ticket, the public reports page). The page hands its data over in
 * a JSON script tag (#resident-map-data; the CSP allows no inline script):
 *   {grids: [{code, name, boundary}], pin: {lng, lat} | null, pins: [{lng, lat, open, label, href}],
 *    pick: bool, nearby_url: str, tile_url, tile_attribution}
 * No tile layer unless a tile URL is set (an intranet has no tile server): the grids, with their names,
 * and the pins are drawn on a blank canvas. With pick, the pin is dragged (or the map tapped) to where
 * the problem is: the #id_lng / #id_lat inputs follow, and the grid it lies in and the open reports near
 * it are fetched from nearby_url into #nearby (a fragment the server renders).
 */
(function () {
  "use strict";

  var dataEl = document.getElementById("resident-map-data");
  var el = document.getElementById("resident-map");
  if (!dataEl || !el || typeof L === "undefined") {
    return;
  }
  var data = JSON.parse(dataEl.textContent || "{}") || {};
  // A first view before any layer is added (a vector layer on a map with no view fails); fitted below.
  var map = L.map(el, { attributionControl: Boolean(data.tile_url), zoomControl: true }).setView([36.67, 117.0], 12);
  if (data.tile_url) {
    L.tileLayer(data.tile_url, { attribution: data.tile_attribution || "", maxZoom: 19 }).addTo(map);
  }
  L.control.scale({ imperial: false }).addTo(map);

  var bounds = null;
  function extend(b) {
    if (!b || !b.isValid()) {
      return;
    }
    bounds = bounds ? bounds.extend(b) : L.latLngBounds(b.getSouthWest(), b.getNorthEast());
  }
  (data.grids || []).forEach(function (grid) {
    if (!grid.boundary) {
      return;
    }
    var layer = L.geoJSON(grid.boundary, {
      style: { color: "#b52a1f", weight: 1.5, fillColor: "#b52a1f", fillOpacity: 0.05 },
      interactive: false,
    }).addTo(map);
    if (grid.name) {
      layer.bindTooltip(grid.name, { permanent: true, direction: "center", className: "grid-label" });
    }
    extend(layer.getBounds());
  });

  (data.pins || []).forEach(function (p) {
    if (typeof p.lat !== "number" || typeof p.lng !== "number") {
      return;
    }
    var at = L.latLng(p.lat, p.lng);
    var dot = L.circleMarker(at, {
      radius: 8,
      color: "#fff",
      weight: 2,
      fillColor: p.open ? "#d46b08" : "#237804",
      fillOpacity: 1,
    }).addTo(map);
    if (p.label) {
      dot.bindTooltip(p.label);
    }
    if (p.href) {
      dot.on("click", function () {
        window.location.hash = p.href.replace(/^#/, "");
      });
    }
    extend(L.latLngBounds(at, at));
  });

  var marker = null;
  var lngInput = document.getElementById("id_lng");
  var latInput = document.getElementById("id_lat");
  var nearby = document.getElementById("nearby");
  var pending = null;

  function fetchNearby(at) {
    if (!data.nearby_url || !nearby) {
      return;
    }
    if (pending) {
      clearTimeout(pending);
    }
    pending = setTimeout(function () {
      var url = data.nearby_url + "?lng=" + at.lng.toFixed(6) + "&lat=" + at.lat.toFixed(6);
      nearby.setAttribute("aria-busy", "true");
      fetch(url, { credentials: "same-origin", headers: { "HX-Request": "true" } })
        .then(function (r) {
          return r.text();
        })
        .then(function (html) {
          nearby.innerHTML = html; // rendered and escaped by the server
          nearby.removeAttribute("aria-busy");
        })
        .catch(function () {
          nearby.textContent = "暂时无法查询附近的反映，可直接提交";
          nearby.removeAttribute("aria-busy");
        });
    }, 250);
  }

  function moved(at, fill) {
    if (fill && lngInput && latInput) {
      lngInput.value = at.lng.toFixed(7);
      latInput.value = at.lat.toFixed(7);
    }
    fetchNearby(at);
  }

  function place(lat, lng) {
    var at = L.latLng(lat, lng);
    if (marker) {
      marker.setLatLng(at);
    } else if (data.pick) {
      marker = L.marker(at, { draggable: true, autoPan: true, title: "问题位置（可拖动）" }).addTo(map);
      marker.on("dragend", function () {
        moved(marker.getLatLng(), true);
      });
    } else {
      marker = L.circleMarker(at, { radius: 9, color: "#fff", weight: 2, fillColor: "#b52a1f", fillOpacity: 1 }).addTo(map);
    }
    return at;
  }

  if (data.pin && typeof data.pin.lat === "number") {
    var at = place(data.pin.lat, data.pin.lng);
    extend(L.latLngBounds(at, at));
    if (data.pick) {
      moved(at, false);
    }
  }
  if (bounds) {
    map.fitBounds(bounds.pad(0.15), { maxZoom: 17 });
  }
  if (data.pin && marker) {
    map.setView(marker.getLatLng(), Math.max(map.getZoom(), 16));
  }

  if (!data.pick) {
    return;
  }
  map.on("click", function (e) {
    moved(place(e.latlng.lat, e.latlng.lng), true);
  });
  // The 获取当前位置 button (h5-report.js) fills the inputs and fires "change": the pin follows.
  function typed() {
    var lng = parseFloat(lngInput.value);
    var lat = parseFloat(latInput.value);
    if (isFinite(lng) && isFinite(lat) && Math.abs(lat) <= 90 && Math.abs(lng) <= 180) {
      var here = place(lat, lng);
      map.setView(here, Math.max(map.getZoom(), 17));
      moved(here, false);
    }
  }
  if (lngInput && latInput) {
    lngInput.addEventListener("change", typed);
  }
})();
