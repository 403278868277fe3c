"""Generate the complete Markdown tree MkDocs renders, from the authored pages under docs/.

Authored files are only read. Output goes to a generated folder (build/docs by default), is
deterministic, and is written only where bytes changed, so `mkdocs serve` does not loop. What the
pages need from the build but MkDocs should not parse (cite boxes, head metadata, citation records,
the order of the whole-record page) comes back in memory with the tree (Generated).

The live preview generates again after every edit with a Memo: each generated page (and each page's
citation records) is kept with the objects it was computed from, and computed again only when one
of them is not the same. Those inputs come from the graph (a page and every page it points at or is
pointed at from) and from what each listing is given (the pages of its types), never from a list of
which page shows what; unchanged authored files keep their objects between reads (read.load's cache).
Whatever is computed, what reaches MkDocs is only what changed byte for byte (Generated.written).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from archive.citation import csl, formats, records, versions
from archive.citation.kept import Kept
from archive.citation.versions import Release
from archive.content import changelog, graph, urls
from archive.content.errors import ContentErrors
from archive.content.model import ENTITY_TYPES, FOLDERS, PLURAL_LABELS, TYPES
from archive.content.read import Corpus, Entity
from archive.content.validate import check
from archive.pages import feed, indexes, paging, topics, wholerecord
from archive.pages.entity import PageWriter
from archive.pages.paging import Limits
from archive.runner import BESIDE, FIRST, LATER, Job, Serial

# Authored folders copied verbatim into the generated tree (stylesheets, scripts, images).
STATIC_FOLDERS = ("assets",)


@dataclass
class Generated:
    corpus: Corpus
    pages: dict[str, str]  # path in the tree -> Markdown
    revised: dict[str, str]  # id -> ISO date the page was last revised
    records: Job  # records.PageRecords, perhaps still being computed beside the build
    reading_order: list[wholerecord.Volume]  # the whole record's print pages, each with its page paths
    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)  # the whole tree as written
    topic_links: dict[str, str] = field(default_factory=dict)  # topic -> URL where its listing starts
    computed: int | None = None  # results the Memo computed afresh by the end of generate() (None: the plain path)

    @property
    def page_records(self) -> records.PageRecords:
        return self.records.result()


class Compute:
    """The plain path's Memo: every result computed now."""

    def __call__(self, key, inputs, fn, *args):
        return fn(*args)

    def beside(self, runner, key, inputs, fn, *args, nice: int = BESIDE) -> Job:
        return runner.beside(fn, *args, nice=nice)

    def settled(self, corpus: Corpus, links: graph.Graph, reach=None) -> set[str]:
        return set()


compute = Compute()


class Memo:
    """Results kept from one generation to the next, each with the inputs it was computed from.

    `deferring`: results computed from the whole corpus that no page shows (the open data, the
    changed, and `pending` says so; the live preview shows the edited pages first, then generates
    again without deferring.

    A result's function may ask the memo for parts of its own (the open data, page by page): those
    stay kept as long as the result is, reused or deferred, so that the next time it is made only
    its changed parts are made again."""

    DEFERRABLE = ("tree-files", "feed")

    def __init__(self):
        self._kept: dict = {}  # key -> (inputs, result)
        self._used: set = set()
        self._inner: dict = {}  # key -> the keys its function asked for (kept as long as it is)
        self._entities: dict[str, Entity] | None = None  # the last round's pages and graph (settled())
        self._links: graph.Graph | None = None
        self._round = None  # this round's pages, which of them changed, the last round's graph
        self.computed = 0  # results computed (not reused) since the last prune(): logged, and whether to keep the state
        self._made: set = set()  # the keys of those results
        self.deferring = False
        self.pending = False  # a deferred result is out of date

    def _fresh(self, key, inputs) -> bool:
        kept = self._kept.get(key)
        # Identity first (an unchanged file's Entity is the same object), then equality (a file saved
        # again unchanged, a revision date recomputed).
        return kept is not None and len(kept[0]) == len(inputs) and all(a is b or a == b for a, b in zip(kept[0], inputs))

    def __call__(self, key, inputs, fn, *args):
        """fn(*args), or the result kept for `key` if `inputs` are the same objects (or equal) as then."""
        self._used.add(key)
        fresh = self._fresh(key, inputs)
        if not fresh and self.deferring and key in self.DEFERRABLE and key in self._kept:
            self.pending, fresh = True, True  # deferred: kept as it was
        if fresh:
            self._used.update(self._inner.get(key, ()))  # what it was made from stays kept with it
            return self._kept[key][1]
        outer, self._used = self._used, set()
        try:
            result = fn(*args)
        finally:
            inner, self._used = self._used, outer
            outer.update(inner)
        if inner:
            self._inner[key] = inner
        else:
            self._inner.pop(key, None)
        self._kept[key] = (tuple(inputs), result)
        self.computed += 1
        self._made.add(key)
        return result

    def beside(self, runner, key, inputs, fn, *args, nice: int = BESIDE) -> Job:
        """self(key, inputs, fn, *args), run as runner.beside runs a step (`nice`: see there). A forked child's memo is a
        copy: the child sends back what it computed, with each page it was computed from named by its
        path (the parent's Entity of that path is the same object), and this memo takes it in when the
        result is collected, so that it is kept as if computed here."""
        if self._fresh(key, inputs):  # kept: nothing to compute, no child needed
            return Job(self(key, inputs, fn, *args))
        return _Adopting(runner.beside(self._sent_back, os.getpid(), key, inputs, fn, *args, nice=nice), self,
                         {e.path: e for e in inputs if isinstance(e, Entity)})

    def _sent_back(self, parent: int, key, inputs, fn, *args) -> tuple:
        """(the result, what a forked child computed for it: key -> (inputs, result, inner keys), and
        the keys it used); in the parent's own process, nothing more to send."""
        before = set(self._made)
        result = self(key, inputs, fn, *args)
        if os.getpid() == parent:
            return result, None
        pages = {id(e): e.path for e in inputs if isinstance(e, Entity)}
        parts = {key, *self._inner.get(key, ())}
        sent = {}
        for made in (self._made - before) & parts:
            named = _named(self._kept[made][0], pages)
            if named is not None:
                sent[made] = (named, self._kept[made][1], self._inner.get(made))
        return result, (sent, parts)

    def _take(self, sent: dict, used: set, pages: dict) -> None:
        """What a forked child computed (_sent_back), its pages' paths turned back into `pages`' Entities."""
        for key, (named, result, inner) in sent.items():
            if any(isinstance(value, _Page) and value.path not in pages for value in named):
                continue  # a page the parent does not have: not kept
            inputs = tuple(pages[value.path] if isinstance(value, _Page) else value for value in named)
            self._kept[key] = (inputs, result)
            if inner:
                self._inner[key] = inner
            else:
                self._inner.pop(key, None)
        self._used.update(used)
        self.computed += len(sent)

    def settled(self, corpus: Corpus, links: graph.Graph, reach=graph.Graph.neighbours) -> set[str]:
        """The ids of the pages whose inputs are the same objects as last time, found without comparing
        them: all but the pages that changed (new, gone, or read again) and those `reach(graph, id)`
        finds from them in this round's graph and the last one's. `reach`: whose inputs name a page
        (neighbours: a page's own inputs are itself and its graph neighbours, _near)."""
        if self._round is None:  # the first call of a round compares this round's pages with the last's
            now = {e.id: e for e in corpus.entities}
            before, links_before = self._entities, self._links
            changed = None if before is None else (
                {i for i, e in now.items() if before.get(i) is not e} | (before.keys() - now.keys()))
            self._round = (now, changed, links_before)
            self._entities, self._links = now, links
        now, changed, links_before = self._round
        if changed is None:
            return set()
        near = set(changed)
        for ident in changed:
            near.update(reach(links, ident), reach(links_before, ident))
        return now.keys() - near

    def kept(self, key, inputs, fn, *args):
        """What `key` gave last time, its inputs known to be the same (settled()); computed if none."""
        if key not in self._kept:
            return self(key, inputs(), fn, *args)
        self._used.add(key)
        self._used.update(self._inner.get(key, ()))
        return self._kept[key][1]

    def batch(self, inputs: dict, fn, settled=()) -> dict:
        """{key: result} for every key of `inputs` (key -> a function making its inputs), fn(stale keys) ->
        {key: result} computing the others at once; `settled`: keys whose inputs are known to be as
        they were (settled()): what they gave last time, their inputs not even made."""
        made = {key: tuple(given()) for key, given in inputs.items() if key not in settled or key not in self._kept}
        stale = [key for key, given in made.items() if not self._fresh(key, given)]
        fresh = fn(stale) if stale else {}
        for key in stale:
            self._kept[key] = (made[key], fresh[key])
        self.computed += len(stale)
        self._made.update(stale)
        self._used.update(inputs)
        return {key: self._kept[key][1] for key in inputs}

    def unchanged(self, name: str, value) -> bool:
        """Whether `value` is what it was last time under `name` (the same object, or equal); kept for next time."""
        same = self._fresh(name, [value])
        self._kept[name] = ((value,), None)
        self._used.add(name)
        self._made.add(name)
        return same

    def changed_keys(self, name: str, mapping: dict) -> set | None:
        """The keys whose values in `mapping` differ from last time's under `name` (or are new, or gone);
        None the first time. Kept for next time."""
        kept = self._kept.get(name)
        self._kept[name] = ((mapping,), None)
        self._used.add(name)
        self._made.add(name)
        if kept is None:
            return None
        before = kept[0][0]
        return {key for key in mapping.keys() | before.keys() if before.get(key, self) != mapping.get(key, self)}

    def prune(self) -> None:
        """Forget results not asked for since the last prune (deleted pages), releasing their inputs."""
        self._kept = {key: kept for key, kept in self._kept.items() if key in self._used}
        self._inner = {key: inner for key, inner in self._inner.items() if key in self._kept}
        self._used, self.computed, self._round, self._made = set(), 0, None, set()


class _Page:
    """An Entity named by its path, in what a forked child sends back to its parent (Memo.beside)."""

    __slots__ = ("path",)

    def __init__(self, path: str):
        self.path = path


def _named(inputs: tuple, pages: dict[int, str]) -> tuple | None:
    """`inputs` with each Entity replaced by its _Page; None if one is not among `pages` (id -> path)."""
    named = []
    for value in inputs:
        if isinstance(value, Entity):
            if id(value) not in pages:
                return None
            value = _Page(pages[id(value)])
        named.append(value)
    return tuple(named)


class _Adopting:
    """A step's Job whose result brings what its forked child computed into the memo (Memo.beside)."""

    def __init__(self, job: Job, memo: Memo, pages: dict[str, Entity]):
        self._job, self._memo, self._pages, self._done = job, memo, pages, False

    def result(self):
        if not self._done:
            self._value, sent = self._job.result()
            if sent is not None:
                self._memo._take(*sent, self._pages)
            self._done = True
        return self._value


def _near(index: dict[str, Entity], links: graph.Graph, entity: Entity) -> list[Entity]:
    """A page and every page its generated views can show (graph.Graph.neighbours)."""
    return [entity, *(index[i] for i in links.neighbours(entity.id) if i in index)]


def _page(writer: PageWriter, entity: Entity) -> tuple[str, dict[str, str]]:
    """A page's Markdown, and the later pages of its long lists (PageWriter.continued), kept together."""
    before = set(writer.continued)
    text = writer.page(entity)
    return text, {path: writer.continued[path] for path in writer.continued if path not in before}


def render_pages(corpus: Corpus, release: Release, topic_listing: topics.Listing, bibliography: Job,
                 revised: dict[str, str] | None = None, limits: Limits = Limits(), memo=compute,
                 links: graph.Graph | None = None,
                 citeproc: csl.Citeproc | None = None) -> tuple[dict[str, str], list[wholerecord.Volume]]:
    """(relative path -> Markdown for every generated page, the whole record's volumes), for a valid corpus.
    `revised` (id -> ISO date) gives the bibliography its access dates; `memo`: tree.Memo in the preview;
    `topic_listing`: topics.listing of the corpus (the caller's, which also links the topic chips);
    `citeproc`: the citeproc-js process to format citations in (else one of their own);
    `bibliography`: the Job giving indexes.bibliography (started before the other steps beside the pages)."""
    revised = revised or {}
    by_type = {t: corpus.of_type(t) for t in TYPES}
    index, links = corpus.by_id(), links or graph.build(corpus)
    parts = None if memo is compute else memo  # the pages of long listings, each kept while unchanged
    writer = PageWriter(index, links, limits, parts)
    settled = memo.settled(corpus, links)
    made = {e.md_path: memo.kept(e.md_path, lambda e=e: _near(index, links, e), _page, writer, e) if e.id in settled
            else memo(e.md_path, _near(index, links, e), _page, writer, e) for e in corpus.entities}
    pages = {path: text for path, (text, _) in made.items()}
    sizes = {path: len(text) for path, text in pages.items()}
    for _, continued in made.values():
        pages.update(continued)
    ordered = {}
    for type_name in TYPES:
        if type_name != "source":
            listed = by_type[type_name]
            pages.update(memo(("index", type_name), listed, indexes.type_index, type_name, listed, limits, parts))
            ordered[type_name] = memo(("order", type_name), listed, indexes.ordered, type_name, listed)
    if formats.HOW_TO_CITE in index and by_type["document"]:
        example = index.get(formats.EXAMPLE_PAGE) or by_type["document"][0]
        date = revised.get(example.id, release.built or "2000")
        pages[index[formats.HOW_TO_CITE].md_path] += "\n" + memo(
            "worked-example", [example, date, release],
            lambda: formats.worked_example(example, formats.page_item(example, release, date), citeproc))
    everything = corpus.entities
    pages.update(memo("timeline", everything, indexes.timeline, everything, limits, parts))
    pages.update(memo("topics", [topic_listing], topics.topics_page, topic_listing, parts))
    path, pages[path] = memo("home", everything, indexes.home, by_type, release.site_name, release.description)
    path, pages[path], ordered["source"] = bibliography.result()  # wanted as late as can be
    reading = sorted(TYPES, key=lambda t: ENTITY_TYPES[t].print_order)
    order = [(PLURAL_LABELS[t], [e.md_path for e in ordered[t]]) for t in reading if ordered[t]]
    by_path = {e.md_path: e for e in corpus.entities}
    volumes = wholerecord.volumes(order, sizes, limits.volume, lambda run: paging.span(
        paging.mark(by_path[run[0]]), paging.mark(by_path[run[-1]])))
    pages.update(wholerecord.markdown(volumes))
    if len(volumes) > 1:  # each printed page links to the volume that holds it
        for volume in volumes:
            for _, paths in volume.sections:
                for page_path in paths:
                    pages[page_path] += wholerecord.volume_note(page_path, volume)
    return pages, volumes


def _static_files(docs: Path) -> dict[str, bytes]:
    files = {}
    for folder in STATIC_FOLDERS:
        for path in sorted((docs / folder).rglob("*")) if (docs / folder).is_dir() else []:
            if path.is_file():
                files[path.relative_to(docs).as_posix()] = path.read_bytes()
    return files


def write_tree(out: Path, files: dict[str, bytes]) -> tuple[list[str], list[str]]:
    """Make `out` hold exactly `files`: write changed ones, delete stale ones. Returns (written, removed)."""
    out.mkdir(parents=True, exist_ok=True)
    written, removed = [], []
    for rel, data in sorted(files.items()):
        target = out / rel
        if target.is_file() and target.read_bytes() == data:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        written.append(rel)
    for path in sorted(out.rglob("*"), reverse=True):
        rel = path.relative_to(out).as_posix()
        if path.name.startswith("."):  # not ours (build/docs/.gitkeep); MkDocs skips dotfiles too
            continue
        if path.is_file() and rel not in files:
            path.unlink()
            removed.append(rel)
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    return written, removed


def generate(docs: Path, out: Path, release: Release, runner=None, limits: Limits = Limits(),
             kept: Kept | None = None) -> Generated:
    """Validate, then write the generated tree. Raises ContentErrors (and writes nothing) on any error.
    `limits`: how long a listing or a printed volume grows before it is split; `kept`: citations
    formatted by earlier builds (citation/kept.py)."""
    with csl.Citeproc(kept) as citeproc:
        return _generate(docs, out, release, runner or Serial(), limits, citeproc=citeproc)


class Regenerator:
    """generate() again and again into the same tree (the live preview), or once from the state an
    earlier build kept (pages/state.py): the same result, byte for byte, recomputing only what the
    edits since the last time changed (Memo). `runner`: how the steps beside the pages run (Serial
    beside the live-reload server's threads); `kept_state`: (memo, read cache) from state.restore."""

    def __init__(self, docs: Path, out: Path, release: Release, limits: Limits = Limits(), kept: Kept | None = None,
                 runner=None, kept_state: tuple | None = None):
        self.docs, self.out, self.release, self.limits = docs, out, release, limits
        self.runner = runner or Serial()
        self.memo, self.read = kept_state or (Memo(), {})  # read: check()'s cache
        self.citeproc = csl.Citeproc(kept)  # kept from round to round: its style engines are slow to build
        self._last: Generated | None = None  # the tree as last written
        self.changed = True  # whether the last round changed the state (what state.save would keep)
        self._before: tuple = ({}, set())  # the file cache and the memo's keys as the round found them

    def generate(self, defer: bool = False, end: bool = True) -> Generated:
        """`defer`: leave what no page shows for a later generate() (Memo.deferring); `end`: end the
        round now (end()); False: the caller calls end() once the steps beside the pages are collected
        (a build's: the memo then keeps what their forked children computed), before anything else."""
        self.memo.deferring, self.memo.pending = defer, False
        self._before = dict(self.read.get("read", {})), set(self.memo._kept)
        try:
            result = _generate(self.docs, self.out, self.release, self.runner, self.limits, self.memo, self.read,
                               self._last, self.citeproc)
        except BaseException:  # bad content, a failed step: the next round starts from what this one used
            self.end()
            raise
        result.computed, self._last = self.memo.computed, result
        if end:
            self.end()
        return result

    def end(self) -> None:
        """End the round: forget what it did not use, and say whether it changed the state (`changed`)."""
        (files_before, keys_before), files = self._before, self.read.get("read", {})
        changed = bool(self.memo.computed) or files.keys() != files_before.keys() or any(
            files[name] is not files_before[name] for name in files)
        self.memo.prune()
        self.changed = changed or set(self.memo._kept) != keys_before

    def close(self) -> None:
        self.citeproc.close()


def _records(corpus: Corpus, release: Release, revised: dict[str, str], memo, links, citeproc) -> records.PageRecords:
    """records.page_records, through the memo page by page: a page's cite box and head metadata show
    the pages its relations name (graph.Graph.named, not every page pointing at it), its revision date
    and its recorded corrections."""
    if memo is compute:
        return records.page_records(corpus, release, revised, citeproc=citeproc)
    index, corrections = corpus.by_id(), changelog.by_page(corpus.changelog)
    # A page's records name the pages it points at and those they point at (named), so a changed page
    # reaches the records of those pointing at it, and of those pointing at these. A changed changelog
    # (corrections) may reach any page; a revision date (an edit, or a commit with no file changed)
    # only its own page's.
    # A new release (another day's access date, in a build from the state kept the day before) may reach
    # every page's too.
    redated = memo.changed_keys("revised", revised)
    same_changelog = memo.unchanged("changelog", corpus.changelog)
    same_release = memo.unchanged("release", release)
    settled = (memo.settled(corpus, links, graph.Graph.naming) - redated
               if same_changelog and same_release and redated is not None else set())
    inputs = {("records", e.id): (lambda e=e: [e, *(index[i] for i in links.named(e.id) if i in index), revised[e.id],
                                              tuple(corrections.get(e.id, ())), release])
              for e in corpus.entities}

    def fresh(keys):
        made = records.page_records(corpus, release, revised, [index[ident] for _, ident in keys], citeproc)
        downloads: dict[str, dict[str, str]] = {}  # by the page's folder in the site (folder/id/)
        for path, text in made.downloads.items():
            downloads.setdefault(path.rsplit("/", 1)[0], {})[path] = text
        return {("records", e.id): ({e.md_path: made.extras[e.md_path]}, downloads.get(f"{FOLDERS[e.type]}/{e.id}", {}))
                for e in map(index.get, (ident for _, ident in keys))}

    out = records.PageRecords()
    for extras, downloads in memo.batch(inputs, fresh, {("records", i) for i in settled}).values():
        out.extras.update(extras)
        out.downloads.update(downloads)
    out.extras.update(memo("site-head", [release], records.page_records, Corpus(corpus.root, changelog=corpus.changelog),
                           release, {}).extras)
    return out


def _generate(docs: Path, out: Path, release: Release, runner, limits: Limits, memo=compute, read_cache=None,
              previous: Generated | None = None, citeproc: csl.Citeproc | None = None) -> Generated:
    corpus, errors = check(docs, read_cache)
    if errors:
        raise ContentErrors(errors)
    revised = versions.revision_dates(docs, corpus.entities, release.revised)
    every = [*corpus.entities, corpus.changelog, revised, release]
    # Beside the pages: first the bibliography, at the build's own priority (citeproc-js sorting every
    # source: below it, the step the tree waited for longest), then the open data; and, yielding to
    # everything else, the cite boxes and head metadata, which MkDocs needs only once every page's
    # Markdown is rendered.
    sources = corpus.of_type("source")
    bibliography = memo.beside(runner, "bibliography", [*sources, *(revised.get(s.id) for s in sources)],
                               indexes.bibliography, sources, revised, citeproc, nice=FIRST)
    tree_job = memo.beside(runner, "tree-files", every, records.tree_files, corpus, release, revised,
                           None if memo is compute else memo)
    # the plain path needs it in render_pages only
    links = None if memo is compute else graph.build(corpus, read_cache.setdefault("graph", {}))
    records_job = memo.beside(runner, "records", every, _records, corpus, release, revised, memo, links, citeproc,
                              nice=LATER)
    tagged = topics.tagged(corpus.entities)  # all the listing shows: an edit of an untagged page leaves it as it was
    topic_listing = memo("topic-listing", tagged, topics.listing, tagged, limits)
    pages, order = render_pages(corpus, release, topic_listing, bibliography, revised, limits, memo, links, citeproc)
    citable_pages, citable_files = tree_job.result()
    pages.update(citable_pages)
    errors = urls.check(corpus, docs, list(pages))
    if errors:
        raise ContentErrors(errors)
    files = _encoded(pages, previous)
    files.update(citable_files)
    files[feed.PATH] = memo("feed", every, _feed, corpus, release, revised)
    files.update(_static_files(docs))
    written, removed = write_tree(out, files) if previous is None else write_changes(out, previous.files, files)
    topic_links = memo("topic-links", [topic_listing], topics.links, topic_listing)
    return Generated(corpus, pages, revised, records_job, order, written, removed, files, topic_links)


def _encoded(pages: dict[str, str], previous: Generated | None) -> dict[str, bytes]:
    """Every page's bytes; a page whose text is what the tree last written held keeps that file's bytes
    object (the live preview: comparing is cheaper than encoding, and write_changes then finds it the
    same object)."""
    if previous is None:
        return {path: text.encode("utf-8") for path, text in pages.items()}
    texts, files = previous.pages, previous.files
    return {path: files[path] if texts.get(path) == text else text.encode("utf-8") for path, text in pages.items()}


def write_changes(out: Path, previous: dict[str, bytes], files: dict[str, bytes]) -> tuple[list[str], list[str]]:
    """write_tree for a tree known to hold `previous`: compares in memory, touches only what changed."""
    written = sorted(rel for rel, data in files.items() if previous.get(rel) != data)
    removed = sorted(set(previous) - set(files))
    for rel in written:
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_bytes(files[rel])
    for rel in removed:
        (out / rel).unlink(missing_ok=True)
        for folder in (out / rel).parents:  # remove folders left empty, as write_tree does
            if folder == out or any(folder.iterdir()):
                break
            folder.rmdir()
    return written, removed


def _feed(corpus: Corpus, release: Release, revised: dict[str, str]) -> bytes:
    entries = feed.page_entries(corpus.entities, revised) + feed.changelog_entries(corpus.changelog, corpus.by_id())
    return feed.atom(entries, release.canonical_base, release.site_name, release.description)
