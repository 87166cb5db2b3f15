// Every page: what htmx needs beyond its attributes (a static file, not inline script, for a strict
// Content-Security-Policy; base.html loads it after htmx).
// - The language switch comes back to the page as it is now: htmx may have pushed a new URL (the task
//   list's filters) since the page was loaded, and the form's "next" still holds the first one.
// - A GET that htmx sent and that ended elsewhere (the login page, once the session has expired) or in an
//   error is loaded as a whole page, as it would have been without JavaScript.
(function () {
  "use strict";

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList || !form.classList.contains("language-switch")) {
      return;
    }
    var next = form.querySelector('input[name="next"]');
    if (next) {
      next.value = window.location.pathname + window.location.search;
    }
  });

  document.addEventListener("htmx:beforeSwap", function (event) {
    var detail = event.detail;
    if (!detail.requestConfig || detail.requestConfig.verb !== "get" || !detail.xhr.responseURL) {
      return;
    }
    var asked = new URL(detail.pathInfo.finalRequestPath, window.location.href);
    var answered = new URL(detail.xhr.responseURL);
    if (detail.isError || answered.pathname !== asked.pathname) {
      var page = detail.isError ? asked.href : answered.href;
      detail.shouldSwap = false;
      detail.isError = false;
      window.location.assign(page);
    }
  });
})();

// 催办: a usual wording fills the message box (the office edits it before sending).
document.addEventListener("click", (event) => {
  const button = event.target.closest(".reminder-wordings .wording");
  if (!button) return;
  const box = button.closest("form").querySelector("textarea[name=message]");
  if (box) {
    box.value = button.dataset.text;
    box.focus();
  }
});
