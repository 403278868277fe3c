// Material's search worker, kept quiet: the results come from Pagefind, through search.js, which
// fills Material's result list itself (scripts/archive/site/search.py says why). Material talks to
// its worker with SETUP (0) -> READY (1) and QUERY (2) -> RESULT (3); this one says it is ready and
// never answers a query, so that Material neither searches its (empty) lunr index nor clears the list.
"use strict";

const SETUP = 0, READY = 1;

self.addEventListener("message", ({ data: message }) => {
  if (message.type === SETUP) self.postMessage({ type: READY });
});
