// Keyboard shortcuts and small conveniences. No inline scripts anywhere:
// the Content-Security-Policy forbids them.
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    var typing = target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA" ||
      target.tagName === "SELECT" || target.isContentEditable);
    // "/" focuses the page's search box, as in the tools people know.
    if (event.key === "/" && !typing && !event.ctrlKey && !event.metaKey) {
      var search = document.querySelector("[data-search]");
      if (search) {
        event.preventDefault();
        search.focus();
      }
    }
  });
  // Select a freshly created secret so it can be copied at once.
  document.addEventListener("DOMContentLoaded", function () {
    var secret = document.getElementById("new-token");
    if (secret && window.getSelection) {
      var range = document.createRange();
      range.selectNodeContents(secret);
      window.getSelection().removeAllRanges();
      window.getSelection().addRange(range);
    }
  });
})();
