// Results of Material's header search box, from the Pagefind index (scripts/archive/site/search.py
// says how it is built). Material keeps its box, dialog and keyboard handling; its own search worker
// is a stub (search-worker.js) and this script fills the result list in Material's markup: the true
// count, every result reachable (ten at first, more as the list is scrolled), each result's text
// fetched only when it is shown.
"use strict";

(function () {
  const input = document.querySelector("input.md-search__input");
  const output = document.querySelector(".md-search-result");
  const settings = document.getElementById("__config");
  if (!input || !output || !settings) return;
  const meta = output.querySelector(".md-search-result__meta");
  const list = output.querySelector(".md-search-result__list");
  const scroller = output.closest(".md-search__scrollwrap") || output;
  const config = JSON.parse(settings.textContent);
  const base = new URL(config.base, location.href); // absolute: stays right after instant navigation
  const say = config.translations || {};

  const PAGE = 10; // results rendered at a time
  const PRIMARY = 2; // score factor of the record's own pages (Pagefind filter rank:primary, search.py)
  // Characters of scripts written without spaces and their punctuation, each a word of the index
  // (the same class as WIDE in scripts/archive/site/search.py; tests/test_search.py compares them).
  const WIDE = "\\u3000-\\u303f\\u3040-\\u309f\\u30a0-\\u30ff\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff\\uff01-\\uff0f\\uff1a-\\uff20\\uff3b-\\uff40\\uff5b-\\uff9f\\u{20000}-\\u{2fa1f}";
  const PARTS = new RegExp(`([${WIDE}]+)|([^\\s${WIDE}]+)`, "gu");
  const MARKS = "((?:</?mark>)*)";
  // The spaces search.py put in (APART): next to a wide character, unless a letter or digit is on
  // the other side, and inside quotation marks and before apostrophes.
  const GAPS = [
    [new RegExp(`([${WIDE}])${MARKS} ${MARKS}(?=[${WIDE}]|[^\\s\\p{L}\\p{N}<])`, "gu"), "$1$2$3"],
    [new RegExp(`([^\\s\\p{L}\\p{N}>])${MARKS} ${MARKS}(?=[${WIDE}])`, "gu"), "$1$2$3"],
    [new RegExp(`([‘“])${MARKS} `, "gu"), "$1$2"],
    [new RegExp(` ${MARKS}(?=[’”]|'[\\p{L}\\p{N}])`, "gu"), "$1"],
  ];

  let pagefind = null; // a promise of the loaded module, made by the first query
  let primary = null; // a promise of the ids of rank:primary pages
  let ticket = 0; // the newest query; older ones stop where they are
  let shown = null; // {results, next, terms, ticket} of the list on screen

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, c => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
  }

  // Pagefind's text without the spaces the index put in.
  function joined(text) {
    return GAPS.reduce((done, [gap, kept]) => done.replace(gap, kept), text).replace(/<\/mark><mark>/g, "");
  }

  // Latin-script text as Pagefind compares it: lower case, without diacritics.
  function folded(text) {
    return text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
  }

  // The query as words (matched as word beginnings) and runs of unspaced characters (exact phrases).
  function parse(value) {
    const words = [], runs = [];
    for (const [, run, other] of value.normalize("NFC").matchAll(PARTS)) {
      if (run) runs.push(run);
      // Apostrophes part words, as in the index; a possessive's or contraction's letter is dropped.
      else words.push(...folded(other.replace(/['’]\p{L}(?![\p{L}\p{N}])/gu, "")).split(/[^\p{L}\p{N}_]+/u).filter(Boolean));
    }
    return { words, runs };
  }

  async function load() {
    const module = await import(new URL("pagefind/pagefind.js", base).href);
    await module.options({ excerptLength: 30 });
    await module.init();
    return module;
  }

  // Pagefind's results for one part of the query, only if they hold it: where no word of the index
  // begins with a query word, Pagefind falls back to pieces of it ("Gorbachov" finds "go"), and then
  // no page holds the word, the best-ranked one included.
  async function part(module, query, holds) {
    const { results } = await module.search(query);
    if (!results.length) return [];
    const best = await results[0].data();
    return holds(best.content) ? results : [];
  }

  async function ids(module, filters) {
    return new Set((await module.search(null, { filters })).results.map(r => r.id));
  }

  // The pages whose topic the query names ("sanctions", "Tiananmen"), as ids: the topic's word in
  // the index (search.py: topic_word), checked on the best result as a query word is.
  async function about(module, value) {
    const word = `zqxtopic_${folded(value).replace(/[^\p{L}\p{N}]+/gu, "_").replace(/^_+|_+$/g, "")}__`;
    const { results } = await module.search(word);
    const best = results.length ? await results[0].data() : null;
    return best && (best.meta.topics || "").split(" ").includes(word) ? new Set(results.map(r => r.id)) : new Set();
  }

  async function find(module, { words, runs }, value) {
    const parts = [];
    if (words.length) {
      const starts = words.map(w => new RegExp(`(^|[^\\p{L}\\p{N}_])${w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`, "u"));
      parts.push(part(module, words.join(" "), content => starts.every(s => s.test(folded(content)))));
    }
    for (const run of runs) {
      parts.push(part(module, `"${[...run].join(" ")}"`, content => joined(content).replace(/\s+/g, "").includes(run)));
    }
    primary = primary || ids(module, { rank: "primary" }).catch(error => { primary = null; throw error; });
    const [lifted, subject, ...found] = await Promise.all([primary, about(module, value), ...parts]);
    // A page matches when it matches every part; its score is the sum.
    const scores = new Map(found[0].map(r => [r.id, { result: r, score: 0, parts: 0 }]));
    for (const results of found) {
      for (const r of results) {
        const entry = scores.get(r.id);
        if (entry) { entry.score += r.score; entry.parts += 1; }
      }
    }
    return [...scores.values()]
      .filter(entry => entry.parts === found.length)
      .map(({ result, score }) => ({
        result,
        score: score * (lifted.has(result.id) ? PRIMARY : 1),
        first: lifted.has(result.id) && subject.has(result.id), // the record's pages on the topic named
      }))
      .sort((a, b) => (b.first - a.first) || (b.score - a.score));
  }

  function count(n, value) {
    if (n === 0) return value ? say["search.result.none"] : say["search.result.placeholder"];
    if (n === 1) return say["search.result.one"];
    return (say["search.result.other"] || "# matching documents").replace("#", n);
  }

  // `rank` counts down the list: Material's Enter in the box opens the link of highest data-md-score.
  function item(page, rank, terms) {
    const url = new URL(page.url.replace(/^\//, ""), base);
    if (terms) url.searchParams.set("h", terms); // Material's search.highlight marks them on arrival
    const li = document.createElement("li");
    li.className = "md-search-result__item";
    li.innerHTML =
      `<a href="${escapeHtml(url.href)}" class="md-search-result__link" tabindex="-1">` +
      `<article class="md-search-result__article md-typeset" data-md-score="${rank}">` +
      `<div class="md-search-result__icon md-icon"></div><h1>${escapeHtml(joined(page.meta.title || page.url))}</h1>` +
      // Pagefind escapes the page's text and marks the matches
      `<p>${joined(page.excerpt)}</p></article></a>`;
    return li;
  }

  // The next results of the list on screen, their text fetched now.
  async function more() {
    const state = shown;
    if (!state || state.busy || state.next >= state.results.length) return;
    state.busy = true;
    const slice = state.results.slice(state.next, state.next + PAGE);
    try {
      const pages = await Promise.all(slice.map(entry => entry.result.data()));
      if (state !== shown) return;
      pages.forEach((page, i) => list.appendChild(item(page, state.results.length - state.next - i, state.terms)));
      state.next += slice.length;
    } finally {
      state.busy = false; // a failed fetch is tried again on the next scroll
    }
    const open = scroller.clientHeight > 0; // a closed search box loads nothing more
    if (open && scroller.scrollHeight <= scroller.clientHeight + 1) await more(); // the list does not fill the box yet
  }

  async function search() {
    const mine = ++ticket;
    const value = input.value.trim();
    const query = parse(value);
    if (!query.words.length && !query.runs.length) {
      shown = null;
      list.innerHTML = "";
      meta.textContent = count(0, value);
      return;
    }
    pagefind = pagefind || load().catch(error => { pagefind = null; throw error; }); // the next query retries
    const results = await find(await pagefind, query, value);
    if (mine !== ticket) return; // a newer query is on its way
    shown = { results, next: 0, busy: false, terms: [...query.words, ...query.runs].join(" ") };
    list.innerHTML = "";
    scroller.scrollTop = 0;
    meta.textContent = count(results.length, value);
    await more();
  }

  let timer = 0, asked = null;
  function schedule() {
    if (input.value === asked) return; // a key that changed nothing (arrows, Enter) keeps the list
    asked = input.value;
    clearTimeout(timer);
    timer = setTimeout(() => search().catch(error => console.error("search:", error)), 80);
  }

  input.addEventListener("input", schedule);
  input.addEventListener("keyup", schedule); // as Material: a confirmed IME composition ends with a key
  input.form.addEventListener("reset", () => setTimeout(schedule));
  scroller.addEventListener("scroll", () => {
    if (scroller.scrollTop + scroller.clientHeight >= scroller.scrollHeight - 200) more().catch(error => console.error("search:", error));
  });
  meta.textContent = count(0, "");
  if (input.value) schedule(); // Material's ?q= deep link fills the box before this runs
})();
