// Formats CSL-JSON items with citeproc-js (the CSL processor of Zotero and Mendeley) and the official
// CSL styles. Requests come on stdin, one JSON object per line, and each is answered on stdout by one
// line of JSON, in turn, until stdin closes: a build (or the live preview, round after round) keeps one
// process, whose style engines, slower to build than most batches are to format, are built once.
//   {"locale": path, "styles": {name: path}, "jobs": [{"style": name, "items": [...], "together"?, "notes"?}]}
// A job formats each item as if alone (a page's own reference: no disambiguation against other
// pages), or, with "together", all its items as one bibliography in the style's order (the /sources/
// page). With "notes", each item as a first note and as a later, shortened note ("notes": "first": the
// first note alone, which is all a cite box shows).
// Answer, for the jobs in turn: {"entries": {id: html}, "order": [id, ...]} or {"notes": {id: {"first", "later"}}};
// a request that fails is answered {"error": message}.
"use strict";
const fs = require("fs");
const readline = require("readline");
const CSL = require("citeproc");

let current = new Map(); // the items of the job being run: engines are built once per style file
const engines = {};
const BATCH = 50;

// `styleXml`: a function giving the style's text, called only when the engine is first built.
// `then`: a function given the new engine, whose result is kept.
function engine(key, styleXml, localeXml, then = (proc) => proc) {
  if (!engines[key]) {
    const sys = { retrieveLocale: () => localeXml, retrieveItem: (id) => current.get(id) };
    engines[key] = then(new CSL.Engine(sys, styleXml(), "en-US", true));
  }
  return engines[key];
}

// The style without its cross-item rules (year suffixes and other disambiguation, the repeated-author
// dash) and without its sorting: in one bibliography of many items, each entry is then what the item
// gives alone, and the sort keys, which only order the entries and cost much, are not computed.
function independent(styleXml) {
  return styleXml
    .replace(/\s(disambiguate-add-year-suffix|disambiguate-add-names|disambiguate-add-givenname|subsequent-author-substitute(-rule)?)="[^"]*"/g, "")
    .replace(/<sort>[\s\S]*?<\/sort>/g, "");
}

// An engine for items alone. An item alone is never ambiguous, so its engine runs no disambiguation:
// the style's `disambiguate="true"` conditions then stay false for every item of a batch, as they do
// for one item, and the items of a batch are not compared with each other. These are citeproc-js's
// own fields (the version is pinned; the tests compare each entry with citeproc-js's of the item alone).
function unambiguous(proc) {
  proc.opt.has_disambiguate = false;
  proc.disambiguate.configModes();
  proc.itemsAlone = true;
  return proc;
}

// Registering an item, citeproc-js renders it once more as a citation, to key it among the items it
// could be confused with (`getAmbiguousCite`). For an engine of items alone the key is the item's own
// id, so that no two items share one and none is ambiguous, and the item's disambiguation settings are
// a new item's defaults, which that rendering starts from: what it adds to them serves disambiguation,
// which this engine does not run (the tests compare every entry and note with citeproc-js's own).
const ambiguousCite = CSL.getAmbiguousCite;
CSL.getAmbiguousCite = function (Item, disambig, visualForm, item) {
  if (this.itemsAlone && !disambig && !visualForm && !item) {
    this.tmp.disambig_settings = new CSL.AmbigConfig();
    return "alone " + Item.id;
  }
  return ambiguousCite.apply(this, arguments);
};

// The engine's registry holds the items of its last call: an id listed again keeps its old data (an
// edited page formatted twice in a row by the live preview showed its old title), so it is emptied first.
function load(proc, ids) {
  proc.updateItems([]);
  proc.updateItems(ids);
}

function bibliography(proc, ids) {
  load(proc, ids);
  const [meta, entries] = proc.makeBibliography();
  const listed = meta.entry_ids.map((group) => String(group[0]));
  if (listed.length !== entries.length) return null; // the style left an item out: ids and entries do not pair
  const out = {};
  listed.forEach((id, n) => { out[id] = entries[n].trim(); });
  return [out, listed];
}

function notes(proc, ids, firstOnly) {
  const out = {};
  if (firstOnly) {
    // A cluster made without a note history is a first note; the registry is filled once for all.
    load(proc, ids);
    for (const id of ids) out[id] = { first: proc.makeCitationCluster([{ id }]) };
    return out;
  }
  // Each item as a first note, then as a later one after an unrelated note (else "Ibid.").
  const other = { id: "zz-other", type: "webpage", title: "Other" };
  current.set(other.id, other);
  const cluster = (cid, ref, note) => ({ citationID: cid, citationItems: [{ id: ref }], properties: { noteIndex: note } });
  for (const id of ids) {
    load(proc, [id, other.id]);
    const first = proc.processCitationCluster(cluster("a", id, 1), [], [])[1][0][1];
    proc.processCitationCluster(cluster("b", other.id, 2), [["a", 1]], []);
    const later = proc.processCitationCluster(cluster("c", id, 3), [["a", 1], ["b", 2]], [])[1]
      .find((row) => row[2] === "c")[1];
    out[id] = { first, later };
  }
  return out;
}

const files = new Map(); // path -> text: the styles and the locale, read once
function read(path) {
  if (!files.has(path)) files.set(path, fs.readFileSync(path, "utf8"));
  return files.get(path);
}

// An item citeproc-js cannot read fails its request, named, rather than print an empty entry: each
// field is text (a string or a number), a date (date-parts, raw or literal) or a list of names.
function check(item) {
  for (const [field, value] of Object.entries(item)) {
    const text = typeof value === "string" || typeof value === "number";
    const names = Array.isArray(value) && value.every((v) => v && typeof v === "object" && !Array.isArray(v));
    const date = value && typeof value === "object" && ("date-parts" in value || "raw" in value || "literal" in value);
    if (!text && !names && !date) throw new Error(`item ${item.id}: ${field} is not text, a date or a list of names: ${JSON.stringify(value)}`);
  }
  return item;
}

function answer(request) {
  const locale = read(request.locale);
  const style = (name) => read(request.styles[name]);
  return request.jobs.map((job) => {
    current = new Map(job.items.map((item) => [String(item.id), check(item)]));
    const ids = [...current.keys()];
    const path = request.styles[job.style];
    const alone = () => engine(path + " alone", () => independent(style(job.style)), locale, unambiguous);
    if (job.notes) return { notes: notes(alone(), ids, job.notes === "first") };
    if (job.together) {
      const [entries, order] = bibliography(engine(path, () => style(job.style), locale), ids);
      return { entries, order };
    }
    // Items alone are formatted in small batches: one bibliography's cost grows faster than its length.
    const entries = {};
    for (let start = 0; start < ids.length; start += BATCH) {
      const some = ids.slice(start, start + BATCH);
      const batch = bibliography(alone(), some);
      if (batch) Object.assign(entries, batch[0]);
      else for (const id of some) entries[id] = (bibliography(alone(), [id]) || [{ [id]: "" }])[0][id] || "";
    }
    return { entries, order: ids };
  });
}

readline.createInterface({ input: process.stdin, crlfDelay: Infinity }).on("line", (line) => {
  if (!line.trim()) return;
  let out;
  try {
    out = answer(JSON.parse(line));
  } catch (err) {
    out = { error: String((err && err.stack) || err) };
  }
  process.stdout.write(JSON.stringify(out) + "\n");
});
