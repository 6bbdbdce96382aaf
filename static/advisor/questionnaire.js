// The questionnaire page: where you are among the sections, and copying the share link.
// Everything here is an enhancement; the page works without it.
(function () {
  "use strict";
  document.documentElement.classList.add("has-js");

  function trackSections() {
    var nav = document.querySelector(".steps");
    var form = document.getElementById("questionnaire");
    if (!nav || !form) return;
    var links = Array.prototype.slice.call(nav.querySelectorAll("a[data-section]"));
    var sections = links.map(function (link) { return document.getElementById(link.dataset.section); });
    var bar = nav.querySelector(".step-bar span");

    function mark(index) {
      links.forEach(function (link, i) {
        link.classList.toggle("is-done", i < index);
        if (i === index) link.setAttribute("aria-current", "step");
        else link.removeAttribute("aria-current");
      });
      if (bar) bar.style.width = ((index + 1) / links.length) * 100 + "%";
    }

    form.addEventListener("focusin", function (event) {
      var index = sections.indexOf(event.target.closest(".form-section"));
      if (index >= 0) mark(index);
    });
    if ("IntersectionObserver" in window) {
      // A section counts as current once it reaches the upper third of the window.
      var observer = new IntersectionObserver(function (entries) {
        entries.forEach(function (entry) {
          if (entry.isIntersecting) mark(sections.indexOf(entry.target));
        });
      }, { rootMargin: "-25% 0px -70% 0px" });
      sections.forEach(function (section) { if (section) observer.observe(section); });
    }
    mark(0);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) return;
    var input = document.getElementById(button.dataset.copy);
    if (!input) return;
    var done = function () {
      button.textContent = "Copied";
      setTimeout(function () { button.textContent = "Copy"; }, 1600);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(input.value).then(done, function () { input.select(); });
    } else {
      input.select();
      document.execCommand("copy") && done();
    }
  });

  // Coming back to the page, the browser may put answers back into fields (ones typed and
  // left before the pause that sends them) that the page was not drawn for: the panel and the
  // address then describe other answers. Send the form as a typed answer would be sent.
  function changedSinceDrawn(form) {
    return Array.prototype.some.call(form.elements, function (field) {
      if (field.type === "radio" || field.type === "checkbox") return field.checked !== field.defaultChecked;
      if (field.tagName === "SELECT") {
        return Array.prototype.some.call(field.options, function (o) { return o.selected !== o.defaultSelected; });
      }
      return (field.tagName === "INPUT" || field.tagName === "TEXTAREA") && field.type !== "hidden"
        && field.type !== "file" && field.value !== field.defaultValue;
    });
  }

  window.addEventListener("pageshow", function () {
    var form = document.getElementById("questionnaire");
    if (form && window.htmx && changedSinceDrawn(form)) window.htmx.trigger(form, "submit");
  });

  document.addEventListener("DOMContentLoaded", trackSections);
})();
