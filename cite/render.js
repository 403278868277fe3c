// Formats CSL-JSON items with citeproc-js (the CSL processor of Zotero and Mendeley) and the official
// CSL styles: one process for a whole batch, read from stdin as JSON, answered on stdout as JSON.
//   {"locale": path, "styles": {name: path}, "jobs": [{"style": name, "items": [...], "together"?, "notes"?}]}
// A job formats each item as if alone (a page's own reference: no disambiguation against other
// pages), or, with "together", all its items as one bibliography in the style's order (the /sources/
// page). With "notes", each item as a first note and as a later, shortened note.
// Answer, for the jobs in turn: {"entries": {id: html}, "order": [id, ...]} or {"notes": {id: {"first", "later"}}}.
"use strict";
const fs = require("fs");
const CSL = require("citeproc");

let current = new Map(); // the items of the job being run: engines are built once per style
const engines = {};

function engine(key, styleXml, localeXml) {
  if (!engines[key]) {
    const sys = { retrieveLocale: () => localeXml, retrieveItem: (id) => current.get(id) };
    engines[key] = new CSL.Engine(sys, styleXml, "en-US", true);
  }
  return engines[key];
}

// The style without its cross-item rules (year suffixes and other disambiguation, the repeated-author
// dash): in one bibliography of many items, each entry is then what the item gives alone.
function independent(styleXml) {
  return styleXml.replace(/\s(disambiguate-add-year-suffix|disambiguate-add-names|disambiguate-add-givenname|subsequent-author-substitute(-rule)?)="[^"]*"/g, "");
}

function bibliography(proc, ids) {
  proc.updateItems(ids);
  const [meta, entries] = proc.makeBibliography();
  const listed = meta.entry_ids.map((group) => String(group[0]));
  if (listed.length !== entries.length) return null; // the style left an item out: ids and entries do not pair
  const out = {};
  listed.forEach((id, n) => { out[id] = entries[n].trim(); });
  return [out, listed];
}

function notes(proc, ids) {
  // Each item as a first note, then as a later one after an unrelated note (else "Ibid.").
  const other = { id: "zz-other", type: "webpage", title: "Other" };
  current.set(other.id, other);
  const out = {};
  const cluster = (cid, ref, note) => ({ citationID: cid, citationItems: [{ id: ref }], properties: { noteIndex: note } });
  for (const id of ids) {
    proc.updateItems([id, other.id]);
    const first = proc.processCitationCluster(cluster("a", id, 1), [], [])[1][0][1];
    proc.processCitationCluster(cluster("b", other.id, 2), [["a", 1]], []);
    const later = proc.processCitationCluster(cluster("c", id, 3), [["a", 1], ["b", 2]], [])[1]
      .find((row) => row[2] === "c")[1];
    out[id] = { first, later };
  }
  return out;
}

function main() {
  const request = JSON.parse(fs.readFileSync(0, "utf8"));
  const locale = fs.readFileSync(request.locale, "utf8");
  const styles = {};
  for (const [name, path] of Object.entries(request.styles)) styles[name] = fs.readFileSync(path, "utf8");
  const answers = request.jobs.map((job) => {
    current = new Map(job.items.map((item) => [String(item.id), item]));
    const ids = [...current.keys()];
    if (job.notes) return { notes: notes(engine(job.style + " alone", independent(styles[job.style]), locale), ids) };
    if (job.together) {
      const [entries, order] = bibliography(engine(job.style, styles[job.style], locale), ids);
      return { entries, order };
    }
    const alone = engine(job.style + " alone", independent(styles[job.style]), locale);
    const batch = bibliography(alone, ids);
    if (batch) return { entries: batch[0], order: ids };
    const entries = {};
    for (const id of ids) entries[id] = (bibliography(alone, [id]) || [{ [id]: "" }])[0][id] || "";
    return { entries, order: ids };
  });
  process.stdout.write(JSON.stringify(answers));
}

main();
