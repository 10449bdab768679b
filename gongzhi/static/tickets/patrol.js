// Patrol page: forms marked data-locate get the phone's position (WGS-84 from the browser's GPS) before
// they are sent. Without a position (permission refused, no GPS, plain http) the longitude/latitude
// fields are shown so the worker can type them; the server refuses a check-in without a location.
(function () {
  "use strict";
  function setup(form) {
    var status = form.querySelector("[data-locate-status]");
    var manual = form.querySelector("[data-locate-manual]");
    var lng = form.querySelector("input[name=lng]");
    var lat = form.querySelector("input[name=lat]");
    var located = false;
    function say(text) { if (status) { status.textContent = text; } }
    function showManual(text) {
      say(text);
      if (manual) { manual.hidden = false; }
      located = true; // send what the worker types next time
    }
    form.addEventListener("submit", function (event) {
      if (located || (lng && lng.value && lat && lat.value)) { return; }
      event.preventDefault();
      if (!navigator.geolocation) { showManual("此设备无法定位，请手动填写经纬度后再提交"); return; }
      say("正在定位…");
      navigator.geolocation.getCurrentPosition(
        function (pos) {
          lng.value = pos.coords.longitude.toFixed(7);
          lat.value = pos.coords.latitude.toFixed(7);
          located = true;
          say("已定位");
          form.submit();
        },
        function () { showManual("未能获取位置（请允许定位），也可手动填写经纬度"); },
        { enableHighAccuracy: true, timeout: 15000, maximumAge: 30000 }
      );
    });
  }
  document.querySelectorAll("form[data-locate]").forEach(setup);
})();
