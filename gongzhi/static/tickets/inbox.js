// The inbox's filters: on a phone (< 600 px) they fold away behind “筛选”, open only when a filter is set
// (the server renders the <details> open then); on a wide screen they are always shown, the summary hidden.
(function () {
  "use strict";
  var fold = document.querySelector("details.filter-fold");
  if (!fold || !window.matchMedia) {
    return;
  }
  var wide = window.matchMedia("(min-width: 600px)");
  var filtered = fold.hasAttribute("data-filtered");
  function sync() {
    fold.classList.toggle("is-wide", wide.matches);
    fold.open = wide.matches || filtered;
  }
  sync();
  if (wide.addEventListener) {
    wide.addEventListener("change", sync);
  }
})();
