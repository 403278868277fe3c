"""A synthetic corpus in the real content format and of the real record's shape, for benchmarks and
scale tests (`python scripts/tools/synth.py OUT --documents N [--seed S]`).

`write_corpus(out, documents=N, seed=S)` writes N documents plus proportionate events, people,
organisations, sources and archival files (and the essays the site's nav names). Shaped like the
record's own document pages: long bodies in sections, dozens of Pandoc citations with locators,
Japanese quotations, discrepancy blocks on many pages; and like a grown archive's hubs: every
document has the Ministry as originator, one release and one of a few files (each listing thousands
of documents at 10,000), and cites some of a few main press sources, which are thus cited by
thousands of pages. Every page is valid (`make check` passes) and the output depends only on
(N, seed): the same arguments give the same bytes.
"""

from __future__ import annotations

import random
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # scripts/, when run as `python scripts/tools/synth.py`

from archive.content.model import FOLDERS  # noqa: E402

# Proportions per document, with floors so that tiny corpora still have every kind of page.
RATIOS = {"event": (0.1, 4), "person": (0.08, 4), "organization": (0.02, 3), "source": (0.2, 8), "file": (0.001, 2)}
HUB_SOURCES = 5  # the main press sources, which most documents cite (the first sources)
DOCUMENT_SECTIONS = (2, 5)  # sections per document body, each of a few cited paragraphs
QUOTES_JA = (
    "「中国に対し、制裁措置を共同して取ることには、日本は反対」", "「我々の対中国非難にも自ら限界あり」",
    "「西側が一致して中国を孤立化へ追いやるのは得策ではない」", "「関係を徐々に修復していくことが必要」",
    "「人道的見地から容認出来ない」", "「事件当日に中国に融和的対応をとる方針を決めていた」",
)
ESSAYS = (
    ("overview", "Overview", 1),
    ("about-the-release", "About the release", 2),
    ("editorial-method", "Editorial method", 3),
    ("how-to-cite", "How to cite", 4),
)

GENRES = ("telegram", "record of talks", "position paper", "memo", "draft", "briefing paper", "declaration")
PLACES = ("Tokyo", "Beijing", "Paris", "Washington", "Hong Kong", "London", "Bonn", "Ottawa", "Rome")
TOPICS = (
    "the situation in China", "joint sanctions", "the yen loans", "the G7 declaration", "Hong Kong",
    "Chinese students abroad", "the World Bank loans", "human rights", "the Cambodian settlement",
    "high-level contacts", "the Beijing embassy", "press guidance", "the summit communiqué",
)
TOPICS_JA = (
    "中国情勢", "対中制裁", "円借款", "サミット宣言", "香港情勢", "留学生", "世界銀行融資", "人権問題",
    "カンボジア和平", "要人往来", "在中国大使館", "報道対応", "首脳声明",
)
KANJI_FAMILY = ("田中", "佐藤", "鈴木", "高橋", "渡辺", "伊藤", "山本", "中村", "小林", "加藤", "宮本", "松本")
KANJI_GIVEN = ("一郎", "健二", "雄二", "和夫", "誠", "博", "茂", "正", "弘", "隆", "明", "勝")
ROMAJI_FAMILY = ("Tanaka", "Sato", "Suzuki", "Takahashi", "Watanabe", "Ito", "Yamamoto", "Nakamura",
                 "Kobayashi", "Kato", "Miyamoto", "Matsumoto")
ROMAJI_GIVEN = ("Ichiro", "Kenji", "Yuji", "Kazuo", "Makoto", "Hiroshi", "Shigeru", "Tadashi", "Hiroshi",
                "Takashi", "Akira", "Masaru")
ROLES = ("Director", "Deputy Director", "Ambassador", "Counsellor", "Minister", "Vice-Minister", "Secretary")
ORG_KINDS = (("Bureau", "局"), ("Division", "課"), ("Embassy", "大使館"), ("Ministry", "省"), ("Agency", "庁"))
PUBLISHERS = ("Asahi Shimbun", "Nikkei", "NHK World", "Kyodo", "Jiji Press", "Yomiuri", "Mainichi", "Japan Times")
VERBS = ("records", "reports", "sets out", "summarises", "notes", "recalls", "describes", "argues")
CLAUSES = (
    "the ministry's view that isolating China would be unwise",
    "the instructions sent to the embassy on the following day",
    "a conversation between the ambassador and his counterpart",
    "the wording proposed for the leaders' statement",
    "the reasons given for postponing new loans",
    "the reactions of the other summit countries",
    "the press line agreed before the meeting",
    "a request to keep the matter confidential",
)
SENTENCES_JA = (
    "同文書は{topic}について外務省の立場を述べている。",
    "{topic}に関する協議の経緯が記録されている。",
    "関係各国の反応と我が国の対応方針が整理されている。",
)


@dataclass
class _Page:
    type: str
    id: str
    meta: dict
    body: list[str] = field(default_factory=list)


def counts(documents: int) -> dict[str, int]:
    """How many pages of each type a corpus of `documents` documents has."""
    out = {"document": documents}
    for type_name, (ratio, floor) in RATIOS.items():
        out[type_name] = max(floor, round(documents * ratio))
    return out


class _Writer:
    def __init__(self, documents: int, seed: int):
        self.rng = random.Random(seed)
        self.n = counts(documents)
        self.ids = {t: [f"{prefix}-{i:05d}" for i in range(1, self.n[t] + 1)] for t, prefix in (
            ("document", "syn-doc"), ("event", "syn-event"), ("person", "syn-person"),
            ("organization", "syn-org"), ("source", "syn-src"), ("file", "syn-file"),
        )}
        self.release = self.ids["event"][0]  # the release event: every document and file names it
        self.ministry = self.ids["organization"][0]  # originator of every document, holder of every file
        # Each entity's date, decided once so relations can agree with it.
        self.day = {i: self._date() for t in ("document", "event") for i in self.ids[t]}

    def _date(self) -> str:
        month = self.rng.choice((5, 6, 6, 6, 7, 7, 8, 9, 10, 11, 12))
        return f"1989-{month:02d}-{self.rng.randint(1, 28):02d}"

    def pick(self, type_name: str, k: int) -> list[str]:
        return sorted(self.rng.sample(self.ids[type_name], min(k, len(self.ids[type_name]))))

    def cite(self) -> str:
        """A citation as authors write them: one source or several, usually with a locator; most name
        one of the main press sources, as the record's pages do."""
        items = []
        sources = set(self.pick("source", self.rng.choice((0, 0, 1, 1, 2))))
        sources |= set(self.rng.sample(self.ids["source"][:HUB_SOURCES], 1))
        for source in sorted(sources):
            locator = self.rng.choice((None, f"para. {self.rng.randint(1, 12)}", f"paras. {self.rng.randint(1, 5)}–{self.rng.randint(6, 9)}",
                                       f"p. {self.rng.randint(1, 300)}", "headline"))
            items.append(f"@{source}" + (f", {locator}" if locator else ""))
        return "[" + "; ".join(items) + "]"

    def paragraph(self, links: list[str], japanese: bool) -> str:
        rng = self.rng
        topic = rng.choice(TOPICS)
        parts = [
            f"The paper {rng.choice(VERBS)} {rng.choice(CLAUSES)} and {rng.choice(CLAUSES)} {self.cite()}.",
            f"On {topic} it {rng.choice(VERBS)} {rng.choice(CLAUSES)}, as far as the sources say {self.cite()}.",
        ]
        if links:
            target = rng.choice(links)
            parts.append(f"It is discussed with [[{target}]] and {rng.choice(CLAUSES)} {self.cite()}.")
        if japanese:
            parts.append(rng.choice(SENTENCES_JA).format(topic=rng.choice(TOPICS_JA)) + self.cite())
            parts.append(f"One report quotes it as {rng.choice(QUOTES_JA)} (our translation: {rng.choice(CLAUSES)}) {self.cite()}.")
        rng.shuffle(parts)
        return " ".join(parts)

    # --- pages ---------------------------------------------------------------------

    def sources(self) -> list[_Page]:
        pages = []
        for i, ident in enumerate(self.ids["source"]):
            publisher = self.rng.choice(PUBLISHERS)
            meta = {
                "id": ident, "type": "source",
                "title": f"{publisher} report on {self.rng.choice(TOPICS)} ({i + 1})",
                "csl_type": self.rng.choice(("article-newspaper", "webpage", "broadcast", "report")),
                "container_title": publisher,
                "issued": f"2020-12-{self.rng.randint(23, 31)}",
                "url": f"https://news.example.org/{ident}",
                "language": self.rng.choice(("en", "ja")),
                "seen": self.rng.choice(("full-text", "excerpt", "link-only")),
            }
            if meta["language"] == "ja":
                meta["title_original"] = f"{self.rng.choice(TOPICS_JA)}に関する報道 {i + 1}"
            if self.rng.random() < 0.5:
                meta["author"] = [{"family": self.rng.choice(ROMAJI_FAMILY), "given": self.rng.choice(ROMAJI_GIVEN)}]
            pages.append(_Page("source", ident, meta, ["A synthetic press report used by the benchmark corpus."]))
        return pages

    def organizations(self) -> list[_Page]:
        pages = []
        for i, ident in enumerate(self.ids["organization"]):
            kind, kanji = ORG_KINDS[i % len(ORG_KINDS)]
            topic = TOPICS_JA[i % len(TOPICS_JA)]
            meta = {"id": ident, "type": "organization", "title": f"{kind} of {TOPICS[i % len(TOPICS)].title()} {i + 1}",
                    "name_original": f"{topic}{kanji}", "abbreviation": f"O{i + 1}"}
            if i:
                meta["parent"] = self.ids["organization"][0]
            pages.append(_Page("organization", ident, meta, [self.paragraph([], japanese=False)]))
        return pages

    def people(self) -> list[_Page]:
        pages = []
        for i, ident in enumerate(self.ids["person"]):
            f, g = self.rng.randrange(len(KANJI_FAMILY)), self.rng.randrange(len(KANJI_GIVEN))
            start = self.rng.randint(1980, 1989)
            meta = {
                "id": ident, "type": "person", "title": f"{ROMAJI_GIVEN[g]} {ROMAJI_FAMILY[f]} ({i + 1})",
                "name_original": KANJI_FAMILY[f] + KANJI_GIVEN[g],
                "roles": [{"role": self.rng.choice(ROLES), "org": self.rng.choice(self.ids["organization"]),
                           "start": str(start), "end": str(start + self.rng.randint(1, 6))}],
                "summary": f"A {self.rng.choice(ROLES).lower()} in the synthetic corpus.",
            }
            pages.append(_Page("person", ident, meta, [self.paragraph(self.pick("organization", 1), japanese=False)]))
        return pages

    def events(self) -> list[_Page]:
        pages = []
        for i, ident in enumerate(self.ids["event"]):
            day = self.day[ident]
            meta = {"id": ident, "type": "event", "title": f"Talks on {self.rng.choice(TOPICS)} in {self.rng.choice(PLACES)} ({i + 1})"}
            if ident == self.release:
                meta.update(title="Release of diplomatic records", title_original="外交記録公開", date="2020-12-23")
            elif i % 3 == 0:
                meta["start"], meta["end"] = day, day[:-2] + f"{min(28, int(day[-2:]) + 2):02d}"
            else:
                meta["date"] = day
            meta.update({"place": self.rng.choice(PLACES), "participants": self.pick("person", 2) + self.pick("organization", 1),
                         "summary": f"A synthetic meeting on {self.rng.choice(TOPICS)}."})
            pages.append(_Page("event", ident, meta, [self.paragraph(self.pick("person", 1), japanese=i % 2 == 0)]))
        return pages

    def documents(self) -> list[_Page]:
        pages = []
        for i, ident in enumerate(self.ids["document"]):
            topic = self.rng.randrange(len(TOPICS))
            genre = self.rng.choice(GENRES)
            meta = {
                "id": ident, "type": "document",
                "title": f"{genre.capitalize()} on {TOPICS[topic]} ({i + 1})",
                "title_original": f"{TOPICS_JA[topic]}について({i + 1})",
                "date": self.day[ident],
                "genre": genre,
                "originator": [self.ministry],
                "recipients": self.pick("person", 1),
                "language": "ja",
                "file": self.rng.choice(self.ids["file"]),
                "release": self.release,
                "events": self.pick("event", self.rng.randint(1, 3)),
                "organizations": sorted({self.ministry, *self.pick("organization", self.rng.randint(0, 2))}),
                "people": self.pick("person", self.rng.randint(1, 3)),
                "summary": f"A synthetic {genre} about {TOPICS[topic]}, dated {self.day[ident]}.",
                "tags": sorted(self.rng.sample(("G7", "sanctions", "Tiananmen", "loans", "Hong Kong", "human rights"), 2)),
            }
            if i:
                meta["related"] = sorted({self.ids["document"][self.rng.randrange(i)]})
            if i % 3 == 0:
                meta["discrepancies"] = [{
                    "topic": f"{self.rng.choice(('Date', 'Wording', 'Author', 'Addressee'))} of the paper ({n + 1})",
                    "claim": f"The article says {self.rng.choice(CLAUSES)} {self.cite()}.",
                    "evidence": f"The Japanese reports quote {self.rng.choice(QUOTES_JA)} {self.cite()}; "
                                f"the file gives {self.day[ident]} {self.cite()}.",
                    "verdict": f"This site follows the Japanese wording {self.cite()}.",
                } for n in range(self.rng.randint(1, 3))]
            links = meta["people"] + meta["events"] + meta["organizations"] + [meta["file"]]
            body = []
            for section in range(self.rng.randint(*DOCUMENT_SECTIONS)):
                if section:
                    body.append(f"## {self.rng.choice(('Context', 'What the paper says', 'Date and authorship', 'Reception', 'The wording'))} {section}")
                body += [self.paragraph(links, japanese=True) for _ in range(self.rng.randint(1, 2))]
            body.append(f"> {self.rng.choice(QUOTES_JA)} — as quoted in the press {self.cite()}")
            pages.append(_Page("document", ident, meta, body))
        return pages

    def files(self) -> list[_Page]:
        pages = []
        for i, ident in enumerate(self.ids["file"]):
            topic = i % len(TOPICS)
            meta = {"id": ident, "type": "file", "title": f"Files on {TOPICS[topic]} ({i + 1})",
                    "title_original": f"{TOPICS_JA[topic]}({i + 1})", "number": f"2020-{i + 1:04d}",
                    "holder": self.ministry, "release": self.release, "start": "1989-05", "end": "1989-12",
                    "pages": self.rng.randint(100, 900), "summary": f"A synthetic archival file on {TOPICS[topic]}."}
            pages.append(_Page("file", ident, meta, [self.paragraph([self.release], japanese=True)]))
        return pages

    def essays(self) -> list[_Page]:
        pages = []
        for ident, title, order in ESSAYS:
            meta = {"id": ident, "type": "essay", "title": title, "order": order, "summary": f"The synthetic corpus: {title.lower()}."}
            body = [f"A synthetic essay. Start with [[{self.ids['document'][0]}]] and [[{self.ids['event'][0]}]] {self.cite()}."]
            pages.append(_Page("essay", ident, meta, body))
        return pages


def render(page: _Page) -> str:
    """The page as an author writes it: YAML front matter (dates quoted) and Markdown paragraphs."""
    front = yaml.safe_dump(page.meta, allow_unicode=True, sort_keys=False, width=10_000, default_style=None)
    return f"---\n{front}---\n\n" + "\n\n".join(page.body) + "\n"


def write_corpus(out: Path, documents: int, seed: int = 1989) -> dict[str, int]:
    """Write a synthetic docs tree (content folders only) into `out`; returns the page count per type."""
    writer = _Writer(documents, seed)
    pages = (writer.sources() + writer.organizations() + writer.people() + writer.events() + writer.files()
             + writer.documents() + writer.essays())
    written: dict[str, int] = {}
    for page in pages:
        target = out / FOLDERS[page.type] / f"{page.id}.md"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(render(page), encoding="utf-8")
        written[page.type] = written.get(page.type, 0) + 1
    return written


def main() -> int:
    import argparse

    parser = argparse.ArgumentParser(description="Write a synthetic corpus in the real content format into OUT.")
    parser.add_argument("out", type=Path, help="folder to write the docs tree into (should be empty)")
    parser.add_argument("--documents", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1989)
    args = parser.parse_args()
    written = write_corpus(args.out, args.documents, args.seed)
    print(", ".join(f"{n} {t}" for t, n in written.items()) + f" written into {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
