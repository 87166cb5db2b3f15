// The task list (templates/tasks/task_list.html): Bootstrap tooltips for the lights' reasons on every list
// htmx swaps in, and no empty filters in the URLs htmx asks for and pushes. Without JavaScript the title
// attribute still shows the reason and the form sends every field.
(function () {
  "use strict";
  var TOOLTIP = '[data-bs-toggle="tooltip"]';

  function eachTooltip(root, action) {
    if (!window.bootstrap || !root.querySelectorAll) {
      return;
    }
    Array.prototype.forEach.call(root.querySelectorAll(TOOLTIP), action);
  }

  function addTooltips(root) {
    eachTooltip(root, function (element) {
      window.bootstrap.Tooltip.getOrCreateInstance(element);
    });
  }

  if (window.htmx) {
    // Called for the page once htmx has started, then for whatever it swaps in.
    window.htmx.onLoad(addTooltips);
  } else {
    document.addEventListener("DOMContentLoaded", function () {
      addTooltips(document);
    });
  }

  // A tooltip open on a row that is swapped out would stay on the screen.
  document.addEventListener("htmx:beforeSwap", function (event) {
    eachTooltip(event.detail.target, function (element) {
      var tooltip = window.bootstrap.Tooltip.getInstance(element);
      if (tooltip) {
        tooltip.dispose();
      }
    });
  });

  // "?q=DRG" rather than "?q=DRG&document=&section=&region=…": the same list, a URL one can read.
  document.addEventListener("htmx:configRequest", function (event) {
    var detail = event.detail;
    if (!detail.elt || detail.elt.id !== "task-filter-form" || !detail.formData) {
      return;
    }
    var empty = [];
    detail.formData.forEach(function (value, name) {
      if (value === "" && empty.indexOf(name) < 0) {
        empty.push(name);
      }
    });
    empty.forEach(function (name) {
      var values = detail.formData.getAll(name).filter(function (value) {
        return value !== "";
      });
      detail.formData.delete(name);
      values.forEach(function (value) {
        detail.formData.append(name, value);
      });
    });
  });
})();
