// The import review form: fill a department from a suggestion, open a task linked to, ask before
// discarding, and send only
// the fields that changed. A document of 150 tasks has thousands of inputs, more than the server
// accepts in one request; the server leaves any field it is not sent as it was.
(function () {
  "use strict";
  var form = document.getElementById("review-form");
  if (!form) {
    return;
  }

  form.addEventListener("click", function (event) {
    var button = event.target.closest("button.suggestion");
    if (!button) {
      return;
    }
    var input = document.getElementById(button.dataset.fill);
    if (input) {
      input.value = button.dataset.name;
      input.classList.remove("invalid");
      input.focus();
    }
  });

  // A link to a task (from the summary or the names to map) opens it if it is folded.
  function openTarget() {
    var target = window.location.hash && document.getElementById(window.location.hash.slice(1));
    if (target && target.tagName === "DETAILS") {
      target.open = true;
    }
  }
  window.addEventListener("hashchange", openTarget);
  openTarget();

  function unchanged(element) {
    if (element.tagName === "SELECT") {
      return Array.prototype.every.call(element.options, function (option) {
        return option.selected === option.defaultSelected;
      });
    }
    return element.value === element.defaultValue;
  }

  form.addEventListener("submit", function (event) {
    var submitter = event.submitter;
    if (submitter && submitter.dataset.confirm && !window.confirm(submitter.dataset.confirm)) {
      event.preventDefault();
      return;
    }
    Array.prototype.forEach.call(form.elements, function (element) {
      // Checkboxes are sent only when ticked anyway; hidden fields carry the revision.
      var skip = ["hidden", "checkbox", "radio", "submit", "button"];
      if (!element.name || element.disabled || skip.indexOf(element.type) !== -1) {
        return;
      }
      // The region chooser and the new department's fields are read only as a whole.
      if (element.closest("[data-send-always]")) {
        return;
      }
      if (unchanged(element)) {
        element.disabled = true;
        element.dataset.unchanged = "1";
      }
    });
  });

  // Coming back to the page from the browser's history must not leave fields disabled.
  window.addEventListener("pageshow", function () {
    Array.prototype.forEach.call(form.querySelectorAll("[data-unchanged]"), function (element) {
      element.disabled = false;
      delete element.dataset.unchanged;
    });
  });
})();
