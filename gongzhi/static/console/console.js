// Console behaviour that needs script. Loaded as a file: the CSP allows no inline script.
(function () {
  "use strict";

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  // htmx requests carry the CSRF token in a header, as Django expects for non-form posts.
  document.addEventListener("htmx:configRequest", function (event) {
    var token = csrfToken();
    if (token) {
      event.detail.headers["X-CSRFToken"] = token;
    }
  });

  // <form data-confirm="确定删除吗？"> asks before submitting (a stand-in for inline onsubmit handlers).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  }, true);
  // The menu on small screens: the "菜单" button in the top bar opens and closes it (without script the
  // link's #sidenav target opens it through CSS :target).
  document.addEventListener("click", function (event) {
    var toggle = event.target instanceof Element ? event.target.closest(".nav-toggle") : null;
    var nav = document.getElementById("sidenav");
    if (!toggle || !nav) {
      return;
    }
    event.preventDefault();
    var open = !nav.classList.contains("is-open");
    nav.classList.toggle("is-open", open);
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    document.body.classList.toggle("nav-open", open);
  });
  document.addEventListener("keydown", function (event) {
    var nav = document.getElementById("sidenav");
    if (event.key === "Escape" && nav && nav.classList.contains("is-open")) {
      nav.classList.remove("is-open");
      document.body.classList.remove("nav-open");
      var toggle = document.querySelector(".nav-toggle");
      if (toggle) {
        toggle.setAttribute("aria-expanded", "false");
        toggle.focus();
      }
    }
  });

  // Tables become cards on phones (console.css): every cell carries its column's header as data-label.
  function labelTables(root) {
    var scope = root && root.querySelectorAll ? root : document;
    var tables = scope.querySelectorAll("table.table");
    Array.prototype.forEach.call(tables, function (table) {
      var head = table.tHead && table.tHead.rows.length ? table.tHead.rows[table.tHead.rows.length - 1] : null;
      if (!head) {
        return;
      }
      var labels = [];
      Array.prototype.forEach.call(head.cells, function (cell) {
        for (var i = 0; i < (cell.colSpan || 1); i++) {
          labels.push(cell.textContent.trim());
        }
      });
      Array.prototype.forEach.call(table.tBodies, function (body) {
        Array.prototype.forEach.call(body.rows, function (row) {
          var col = 0;
          Array.prototype.forEach.call(row.cells, function (cell) {
            if (!cell.hasAttribute("data-label") && labels[col]) {
              cell.setAttribute("data-label", labels[col]);
            }
            col += cell.colSpan || 1;
          });
        });
      });
      table.classList.add("is-labelled");
    });
  }

  // After a move (POST, then redirect) the confirmation is shown where the person looks: the messages
  // are scrolled into view and take the focus, so a screen reader reads them too.
  function showMessages() {
    var box = document.getElementById("messages");
    if (!box) {
      return;
    }
    var rect = box.getBoundingClientRect();
    var top = document.querySelector(".topbar");
    var covered = top ? top.getBoundingClientRect().bottom : 0;
    if (rect.top < covered || rect.bottom > window.innerHeight) {
      box.scrollIntoView({ block: "start" });
    }
    box.focus({ preventScroll: true });
  }

  // The ticket page's action bar (phones): a tap opens that move's form and puts the cursor in it.
  document.addEventListener("click", function (event) {
    var link = event.target instanceof Element ? event.target.closest("[data-jump]") : null;
    if (!link) {
      return;
    }
    var form = document.getElementById(link.getAttribute("data-jump"));
    if (!form) {
      return;
    }
    event.preventDefault();
    form.scrollIntoView({ block: "start" });
    var field = form.querySelector("textarea, input:not([type=hidden]), select");
    if (field) {
      field.focus({ preventScroll: true });
    }
    if (window.history && window.history.replaceState) {
      window.history.replaceState(null, "", "#" + form.id);
    }
  });

  function ready() {
    labelTables(document);
    showMessages();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
  document.addEventListener("htmx:afterSettle", function (event) {
    labelTables(event.target);
  });
})();
