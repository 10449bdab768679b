// 实有人口 pages. Loaded as a file: the CSP allows no inline script.
(function () {
  "use strict";

  // A revealed ID or phone number goes back to its masked form after a while, so that it does not
  // stay on an unattended screen. The reveal itself is already in the audit trail.
  function scheduleHide(root) {
    var nodes = (root || document).querySelectorAll("[data-hide-after]");
    Array.prototype.forEach.call(nodes, function (node) {
      if (node.dataset.hideScheduled) {
        return;
      }
      node.dataset.hideScheduled = "1";
      var seconds = parseInt(node.dataset.hideAfter, 10) || 60;
      window.setTimeout(function () {
        node.textContent = node.dataset.masked || "";
        node.classList.add("is-hidden");
        var note = node.parentElement && node.parentElement.querySelector(".reveal-note");
        if (note) {
          note.textContent = "已自动隐藏";
        }
      }, seconds * 1000);
    });
  }

  // The file input keeps its file after a dry run (the result is swapped in below the form), so
  // "导入" can follow "仅校验" without choosing the file again; a new file clears the old result.
  function bindImportForm(root) {
    var input = (root || document).querySelector(".people-import-form input[type=file]");
    if (!input || input.dataset.bound) {
      return;
    }
    input.dataset.bound = "1";
    input.addEventListener("change", function () {
      var result = document.getElementById("import-result");
      if (result) {
        result.innerHTML = "";
      }
    });
  }

  function init(root) {
    scheduleHide(root);
    bindImportForm(root);
  }

  if (window.htmx) {
    window.htmx.onLoad(init);
  } else {
    document.addEventListener("DOMContentLoaded", function () {
      init(document);
    });
  }
})();
