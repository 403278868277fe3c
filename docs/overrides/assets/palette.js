/* The light/dark toggle, in place of Material's palette component (see partials/palette.html for why).
   The scheme is already applied (partials/javascripts/palette.html); this shows the toggle's button
   once the page is parsed, as Material did: shown while the header was half-parsed, it would be
   pushed aside by the search button arriving after it (a layout shift). Clicking the button checks the
   next option's radio button; its change event applies that scheme and remembers it. Enter on the
   toggle moves to the next scheme, as in Material. */
(function () {
  "use strict";
  var FORM = "[data-archive-palette]";
  var palette = window.__archive_palette;
  if (!palette) return;

  function inputs(form) { return [].slice.call(form.querySelectorAll("input")); }

  function show(form) {
    inputs(form).forEach(function (input, i) {
      var label = input.nextElementSibling;
      if (label && label.tagName === "LABEL") label.hidden = i !== palette.index;
    });
  }

  document.querySelectorAll(FORM).forEach(show);

  document.addEventListener("change", function (event) {
    var form = event.target.closest && event.target.closest(FORM);
    if (!form) return;
    // Material's rule for this attribute stops colour transitions while the scheme changes.
    document.body.setAttribute("data-md-color-switching", "");
    palette.apply(inputs(form).indexOf(event.target), true);
    show(form);
    requestAnimationFrame(function () { document.body.removeAttribute("data-md-color-switching"); });
  });

  document.addEventListener("keydown", function (event) {
    var form = event.key === "Enter" && event.target.closest && event.target.closest(FORM);
    if (!form) return;
    event.preventDefault();
    var all = inputs(form);
    var next = all[(palette.index + 1) % all.length];
    next.click();
    next.focus();
  });
})();
