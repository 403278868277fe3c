// Runs before Material's bundle: point Material's search box at our Pagefind worker instead of lunr's.
(function () {
  var element = document.getElementById("__config");
  var config = JSON.parse(element.textContent);
  config.search = new URL("assets/javascripts/search-worker.js", new URL(config.base, location.href)).href;
  element.textContent = JSON.stringify(config);
})();
