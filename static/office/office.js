/* The office's one script (a file, never inline: the site runs under a Content-Security-Policy).
   The member and hotel pickers (Django's autocomplete, select2) draw a combobox that has no name of its own:
   give it the name of its field's label, for screen readers. */
(function () {
  "use strict";
  function nameComboboxes(root) {
    root.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      var label = select.id ? document.querySelector('label[for="' + select.id + '"]') : null;
      var name = (label ? label.textContent : select.getAttribute("aria-label") || select.name || "").replace("*", "").trim();
      var container = select.nextElementSibling;
      if (!container || !name) return;
      container.querySelectorAll('[role="combobox"], [role="textbox"]').forEach(function (box) {
        if (!box.getAttribute("aria-label")) box.setAttribute("aria-label", name);
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    nameComboboxes(document);
    new MutationObserver(function () { nameComboboxes(document); })
      .observe(document.body, {childList: true, subtree: true});
  });
})();
