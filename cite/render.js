// Formats CSL-JSON items with citeproc-js (the CSL processor of Zotero and Mendeley) and the official
// CSL styles: one process for a whole batch, read from stdin as JSON, answered on stdout as JSON.
//   {"locale": path, "styles": {name: path}, "jobs": [{"style": name, "items": [...], "together": bool}]}
// A job formats each item alone (a page's own reference: no disambiguation against other pages), or,
// with "together", all its items as one bibliography in the style's order (the /sources/ page).
// With "notes", each item as a first note and as a later, shortened note.
// Answer: [{"entries": {id: html}, "order": [id, ...]}] (or [{"notes": {id: {"first", "later"}}}]) for the jobs in turn.
"use strict";
const fs = require("fs");
const CSL = require("citeproc");

function engine(styleXml, localeXml, items) {
  const sys = {
    retrieveLocale: () => localeXml,
    retrieveItem: (id) => items.get(id),
  };
  return new CSL.Engine(sys, styleXml, "en-US", true);
}

function bibliography(proc, ids) {
  proc.updateItems(ids);
  const [meta, entries] = proc.makeBibliography();
  const out = {};
  meta.entry_ids.forEach((group, n) => { out[group[0]] = (entries[n] || "").trim(); });
  return [out, meta.entry_ids.map((group) => group[0])];
}

function main() {
  const request = JSON.parse(fs.readFileSync(0, "utf8"));
  const locale = fs.readFileSync(request.locale, "utf8");
  const styles = {};
  for (const [name, path] of Object.entries(request.styles)) styles[name] = fs.readFileSync(path, "utf8");
  const answers = request.jobs.map((job) => {
    const items = new Map(job.items.map((item) => [String(item.id), item]));
    const proc = engine(styles[job.style], locale, items);
    if (job.notes) {
      // Each item as a first note, then as a later one after an unrelated note (else "Ibid.").
      const other = { id: "zz-other", type: "webpage", title: "Other" };
      const notes = {};
      for (const id of [...items.keys()]) {
        items.set(other.id, other);
        proc.updateItems([id, other.id]);
        const cluster = (cid, ref, note) => ({ citationID: cid, citationItems: [{ id: ref }], properties: { noteIndex: note } });
        const first = proc.processCitationCluster(cluster("a", id, 1), [], [])[1][0][1];
        proc.processCitationCluster(cluster("b", other.id, 2), [["a", 1]], []);
        const later = proc.processCitationCluster(cluster("c", id, 3), [["a", 1], ["b", 2]], [])[1]
          .find((row) => row[2] === "c")[1];
        notes[id] = { first, later };
      }
      return { notes };
    }
    if (job.together) {
      const [entries, order] = bibliography(proc, [...items.keys()]);
      return { entries, order };
    }
    const entries = {};
    for (const id of items.keys()) Object.assign(entries, bibliography(proc, [id])[0]);
    return { entries, order: [...items.keys()] };
  });
  process.stdout.write(JSON.stringify(answers));
}

main();
