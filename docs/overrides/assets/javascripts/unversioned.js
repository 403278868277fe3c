// An address without a version (the site root, then a page's path) reaches the same page of the latest
// version, when there is one: asked of this site with a HEAD request, so a mistyped address still shows
// the 404 page and never loops. Query and fragment are kept. Loaded by docs/overrides/partials/unversioned.html.
(function () {
  var script = document.currentScript;
  var latest = new URL(script.dataset.latest, location.href);  // e.g. /REPO/latest/
  var root = new URL("../", latest).pathname;                   // e.g. /REPO/
  var path = location.pathname;
  if (path.indexOf(root) !== 0 || path.indexOf(latest.pathname) === 0) return;
  var target = new URL(latest.pathname + path.slice(root.length), location.href);
  fetch(target.href, { method: "HEAD" }).then(function (response) {
    if (response.ok) location.replace(target.pathname + location.search + location.hash);
  }, function () {});
})();
