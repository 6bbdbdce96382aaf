/* Every page: the menu button on small screens, fit/actual-size switches for diagrams, and on
   the save pages, a choice of patterns that opens the list when chosen and is chosen by a tick. */
(function () {
  "use strict";
  document.documentElement.classList.add("has-js");

  function ready() {
    var toggle = document.querySelector(".nav-toggle");
    var nav = document.getElementById("site-nav");
    if (toggle && nav) {
      toggle.addEventListener("click", function () {
        var open = nav.classList.toggle("is-open");
        toggle.setAttribute("aria-expanded", open ? "true" : "false");
      });
      document.addEventListener("keydown", function (event) {
        if (event.key === "Escape" && nav.classList.contains("is-open")) {
          nav.classList.remove("is-open");
          toggle.setAttribute("aria-expanded", "false");
          toggle.focus();
        }
      });
    }
    document.querySelectorAll("[data-diagram-zoom]").forEach(function (button) {
      var area = document.getElementById(button.getAttribute("aria-controls"));
      if (!area) { return; }
      button.hidden = false;
      button.addEventListener("click", function () {
        var zoomed = area.classList.toggle("is-zoomed");
        button.setAttribute("aria-pressed", zoomed ? "true" : "false");
        button.textContent = zoomed ? "Fit to the box" : "Actual size";
      });
    });
    document.querySelectorAll(".pattern-choice").forEach(function (choice) {
      var own = choice.querySelector('input[name="choice"][value="own"]');
      var list = choice.querySelector("details");
      if (!own || !list) { return; }
      own.addEventListener("change", function () { list.open = own.checked; });
      // A tick is a choice of one's own; set before the change reaches the preview's request.
      choice.querySelectorAll('input[name="patterns"]').forEach(function (box) {
        box.addEventListener("change", function () { own.checked = true; });
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
