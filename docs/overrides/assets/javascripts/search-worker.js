// Material's header search, answered by Pagefind instead of lunr (see scripts/archive/site/search.py).
// Material talks to its search worker with four messages: SETUP (0) -> READY (1), QUERY (2) -> RESULT (3);
// this worker speaks the same protocol, so Material's search box, keyboard handling and result list
// are unchanged, while the reader downloads only the index chunks a query needs.
"use strict";

const SETUP = 0, READY = 1, QUERY = 2, RESULT = 3;
const SHOWN = 10; // results whose text is fetched; Material shows 10 at first
let pagefind = null; // a promise of the loaded Pagefind module, made by the first query
let latest = 0;

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, c => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

// Material starts this worker on every page load; Pagefind (its loader, WebAssembly and index
// metadata, about 80 KB) is fetched only when the reader first searches, not by every page view.
async function load() {
  const module = await import(new URL("../../pagefind/pagefind.js", self.location.href).href);
  // We already run in a worker: let Pagefind work here rather than start another one.
  await module.options({ useWorker: false, excerptLength: 24 });
  await module.init();
  return module;
}

async function setup() {
  self.postMessage({ type: READY });
}

async function query(value) {
  const ticket = ++latest;
  if (!value.trim()) return self.postMessage({ type: RESULT, data: { items: [] } });
  pagefind = pagefind || load().catch(error => { pagefind = null; throw error; }); // the next query retries
  const search = await (await pagefind).search(value);
  const data = await Promise.all(search.results.slice(0, SHOWN).map(result => result.data()));
  if (ticket !== latest) return; // a newer query has been answered or is on its way
  const items = data.map((page, i) => [{
    // Pagefind URLs are root-relative ("/documents/x/"); Material resolves locations against the site's base.
    location: page.url.replace(/^\//, ""),
    title: escapeHtml(page.meta.title || page.url),
    text: page.excerpt, // Pagefind escapes the page text and wraps matches in <mark>
    score: search.results[i].score,
    terms: {},
  }]);
  self.postMessage({ type: RESULT, data: { items } });
}

self.addEventListener("message", ({ data: message }) => {
  const done = message.type === SETUP ? setup() : message.type === QUERY ? query(message.data) : null;
  if (done) done.catch(error => console.error("search:", error));
});
