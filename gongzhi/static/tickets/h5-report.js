// 随手拍: the phone's location (browsers give WGS-84), a count and preview of the chosen photos,
// and one submit at a time. The server checks everything again; this only helps on the phone.
(function () {
  "use strict";
  var form = document.querySelector("[data-testid=report-form]");
  if (!form) {
    return;
  }
  var maxPhotos = parseInt(form.getAttribute("data-max-photos") || "9", 10);
  var lng = document.getElementById("id_lng");
  var lat = document.getElementById("id_lat");
  var system = document.getElementById("id_coord_system");
  var status = document.getElementById("locate-status");
  var locate = document.getElementById("locate");
  var photos = document.getElementById("id_photos");
  var count = document.getElementById("photo-count");
  var preview = document.getElementById("photo-preview");
  var submit = form.querySelector("button[type=submit]");

  function say(el, text) {
    if (el) {
      el.textContent = text;
    }
  }

  // A field the server refused loses its message once the person changes it (the server checks again
  // on the next submit); when no field message is left, the notice above the form goes too.
  function clearError(name) {
    var err = form.querySelector('[data-testid="error-' + name + '"]');
    if (err && err.parentNode) {
      err.parentNode.removeChild(err);
    }
    var field = form.elements[name];
    if (field && field.removeAttribute) {
      field.removeAttribute("aria-invalid");
      field.removeAttribute("aria-describedby");
    }
    if (!form.querySelector('[data-testid^="error-"]')) {
      var notice = document.querySelector("[data-testid=report-error]");
      if (notice) {
        notice.hidden = true;
      }
    }
  }

  function clearOn(name, eventName, filled) {
    var field = form.elements[name];
    if (!field || !field.addEventListener) {
      return;
    }
    field.addEventListener(eventName, function () {
      if (!filled || field.value.trim() !== "") {
        clearError(name);
      }
    });
  }

  clearOn("description", "input", true);
  clearOn("category", "change", false);
  clearOn("photos", "change", false);
  clearOn("address", "input", true);
  var address = form.elements.address;
  if (address && address.addEventListener) {
    // An address is the other way to say where: it answers a missing location too.
    address.addEventListener("input", function () {
      if (address.value.trim() !== "") {
        clearError("location");
      }
    });
  }

  var REFUSED = {
    1: "您未允许获取位置，请在浏览器设置中允许定位，或填写详细地址",
    2: "暂时无法获取位置，请稍后再试或填写详细地址",
    3: "定位超时，请稍后再试或填写详细地址",
  };

  if (locate) {
    locate.addEventListener("click", function () {
      if (!navigator.geolocation) {
        say(status, "此设备不支持定位，请填写详细地址");
        return;
      }
      say(status, "正在定位…");
      locate.disabled = true;
      navigator.geolocation.getCurrentPosition(
        function (pos) {
          lng.value = pos.coords.longitude.toFixed(7);
          lat.value = pos.coords.latitude.toFixed(7);
          system.value = "wgs84"; // the W3C Geolocation API reports WGS-84
          var accuracy = Math.round(pos.coords.accuracy || 0);
          say(status, accuracy ? "已获取位置（精度约" + accuracy + "米）" : "已获取位置");
          form.setAttribute("data-located", "1");
          clearError("location");
          lng.dispatchEvent(new Event("change")); // the map's pin follows (h5-map.js)
          locate.disabled = false;
          locate.textContent = "重新定位";
        },
        function (err) {
          say(status, REFUSED[err.code] || REFUSED[2]);
          locate.disabled = false;
        },
        { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
      );
    });
  }

  if (photos) {
    photos.addEventListener("change", function () {
      var files = photos.files || [];
      while (preview && preview.firstChild) {
        URL.revokeObjectURL(preview.firstChild.src);
        preview.removeChild(preview.firstChild);
      }
      if (files.length > maxPhotos) {
        photos.setCustomValidity("最多上传" + maxPhotos + "张照片");
        say(count, "最多上传" + maxPhotos + "张照片，您选择了" + files.length + "张，请重新选择");
        count.classList.add("field-error");
        return;
      }
      photos.setCustomValidity("");
      count.classList.remove("field-error");
      say(count, files.length ? "已选择" + files.length + "张照片" : "");
      for (var i = 0; i < files.length && preview; i++) {
        if (files[i].type.indexOf("image/") !== 0) {
          continue;
        }
        var img = document.createElement("img");
        img.alt = "";
        img.src = URL.createObjectURL(files[i]);
        preview.appendChild(img);
      }
    });
  }

  form.addEventListener("submit", function (event) {
    if (photos && !photos.checkValidity()) {
      event.preventDefault();
      return;
    }
    if (form.getAttribute("data-sending") === "1") {
      event.preventDefault();
      return;
    }
    form.setAttribute("data-sending", "1");
    if (submit) {
      submit.disabled = true;
      submit.textContent = "正在提交…";
    }
  });
  // Coming back to the page from the history: the form is usable again.
  window.addEventListener("pageshow", function () {
    form.removeAttribute("data-sending");
    if (submit) {
      submit.disabled = false;
      submit.textContent = "提交";
    }
  });
})();
