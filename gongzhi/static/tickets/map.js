/* Ticket maps of the console. The page hands its data over in a JSON script tag (#ticket-map; the CSP
 * allows no inline script): {pin: {lng, lat} | null, boundary: GeoJSON | null, grids: [GeoJSON] | absent,
 * bounds: [[south, west], [north, east]] | absent, tile_url, tile_attribution, pick: bool}. No tile layer unless a tile URL is set: the system must work
 * on an intranet, so the grid boundary and the pin are drawn on a blank canvas.
 * With pick, a click on the map moves the pin and fills the #id_lng / #id_lat inputs (new-ticket page);
 * typing in those inputs moves the pin too.
 */
(function () {
  "use strict";

  var dataEl = document.getElementById("ticket-map");
  var el = document.getElementById("ticket-map-canvas");
  if (!dataEl || !el || typeof L === "undefined") {
    return;
  }
  var data = JSON.parse(dataEl.textContent || "{}") || {};
  var map = L.map(el, { attributionControl: Boolean(data.tile_url) }).setView([36.67, 117.0], 13);
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
  var shapes = (data.grids || []).slice();
  if (data.boundary) {
    shapes.push(data.boundary);
  }
  shapes.forEach(function (geometry) {
    var layer = L.geoJSON(geometry, {
      style: { color: "#b52a1f", weight: 2, fillColor: "#b52a1f", fillOpacity: 0.08 },
    }).addTo(map);
    extend(layer.getBounds());
  });

  var marker = null;
  function place(lat, lng) {
    var at = L.latLng(lat, lng);
    if (marker) {
      marker.setLatLng(at);
    } else {
      marker = L.circleMarker(at, { radius: 8, color: "#fff", weight: 2, fillColor: "#b52a1f", fillOpacity: 1 }).addTo(map);
    }
    return at;
  }
  if (data.pin && typeof data.pin.lat === "number") {
    var at = place(data.pin.lat, data.pin.lng);
    extend(L.latLngBounds(at, at));
  }
  if (!bounds && data.bounds) {
    // too many grids to draw (a district): start on the box of the user's scope
    extend(L.latLngBounds(data.bounds));
  }
  if (bounds) {
    map.fitBounds(bounds.pad(0.2), { maxZoom: 17 });
  }

  if (!data.pick) {
    return;
  }
  var lngInput = document.getElementById("id_lng");
  var latInput = document.getElementById("id_lat");
  map.on("click", function (e) {
    place(e.latlng.lat, e.latlng.lng);
    if (lngInput && latInput) {
      lngInput.value = e.latlng.lng.toFixed(6);
      latInput.value = e.latlng.lat.toFixed(6);
    }
  });
  function typed() {
    var lng = parseFloat(lngInput.value);
    var lat = parseFloat(latInput.value);
    if (isFinite(lng) && isFinite(lat) && Math.abs(lat) <= 90 && Math.abs(lng) <= 180) {
      map.panTo(place(lat, lng));
    }
  }
  if (lngInput && latInput) {
    lngInput.addEventListener("change", typed);
    latInput.addEventListener("change", typed);
  }
  // On a phone the grid worker stands where the problem is: the browser's position is WGS-84.
  var locate = document.getElementById("use-location");
  var locateStatus = document.getElementById("use-location-status");
  if (locate && navigator.geolocation && lngInput && latInput) {
    locate.hidden = false;
    locate.addEventListener("click", function () {
      if (locateStatus) {
        locateStatus.textContent = "正在定位…";
      }
      navigator.geolocation.getCurrentPosition(
        function (pos) {
          lngInput.value = pos.coords.longitude.toFixed(6);
          latInput.value = pos.coords.latitude.toFixed(6);
          typed();
          if (locateStatus) {
            locateStatus.textContent = "已定位（精度约" + Math.round(pos.coords.accuracy) + "米）";
          }
        },
        function () {
          if (locateStatus) {
            locateStatus.textContent = "无法获取位置，请在地图上点击标注";
          }
        },
        { enableHighAccuracy: true, timeout: 10000 }
      );
    });
  }
})();
