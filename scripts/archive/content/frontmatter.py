"""Split a page into YAML front matter and body, keeping the line of every value.

PyYAML's composer gives each node its position; we build plain Python values from the nodes
ourselves so that every error can name `path:line`, duplicate keys are caught (PyYAML would
silently keep the last), dates stay strings (an unquoted 1989-06-04 must not become a date
object) and hostile YAML (alias bombs, deep nesting) is refused instead of exhausting memory.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import yaml

from archive.content.errors import ContentError

MAX_DEPTH = 12
MAX_NODES = 20000


# libyaml's parser where PyYAML was built with it (the wheels are): composing is the bulk of
# `make check`, and the C parser gives the same nodes and marks many times faster.
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_ScalarNode = yaml.ScalarNode


class _StringDateLoader(_BaseLoader):
    """SafeLoader without the timestamp resolver: dates stay the strings the author wrote."""

    def resolve(self, kind, value, implicit):
        # Most scalars are quoted, or plain text whose first character starts no implicit type: they are
        # strings, without PyYAML's scan of its resolver lists (a Python call for each of them). Exact
        # because this loader has no wildcard or path resolvers (tests/test_frontmatter.py checks both).
        if kind is _ScalarNode and not (implicit[0] and value[:1] in _IMPLICIT_FIRST):
            return self.DEFAULT_SCALAR_TAG
        return _BaseLoader.resolve(self, kind, value, implicit)


_StringDateLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_IMPLICIT_FIRST = frozenset(_StringDateLoader.yaml_implicit_resolvers)  # first characters with a resolver

_COLLECTION_TAGS = ("tag:yaml.org,2002:seq", "tag:yaml.org,2002:map")
_STR_TAG = "tag:yaml.org,2002:str"
Path = tuple  # a key path such as ("roles", 0, "start")


@dataclass
class Parsed:
    data: dict
    lines: dict[Path, int]  # key path -> 1-based line in the file
    body: str
    body_line: int  # 1-based line of the body's first line
    fm_end_line: int  # line of the closing '---'
    errors: list[ContentError] = field(default_factory=list)


class _Refuse(Exception):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


def split(text: str, path: str) -> Parsed:
    """Parse a page's text. Errors are collected in `Parsed.errors`, never raised."""
    lines = text.split("\n")
    empty = Parsed({}, {}, "", 1, 1)
    if not text.strip():
        empty.errors.append(ContentError(path, 1, "file is empty: a page needs front matter between '---' lines"))
        return empty
    if lines[0].rstrip() != "---":
        empty.errors.append(ContentError(path, 1, "file must begin with a '---' line opening the YAML front matter"))
        return empty
    close = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
    if close is None:
        empty.errors.append(ContentError(path, 1, "front matter is not closed: add a '---' line after the last field"))
        return empty

    parsed = Parsed({}, {}, "\n".join(lines[close + 1 :]), close + 2, close + 1)
    yaml_text = "\n".join(lines[1:close])
    offset = 2  # YAML line 0 is file line 2
    try:
        node = yaml.compose(yaml_text, Loader=_StringDateLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = offset + (mark.line if mark else 0)
        problem = (exc.problem or exc.context or "invalid YAML").strip()
        if exc.context and exc.context_mark and exc.problem_mark and exc.context_mark.line != exc.problem_mark.line:
            problem += f" ({exc.context} that starts on line {offset + exc.context_mark.line})"
        parsed.errors.append(ContentError(path, line, f"front matter is not valid YAML: {problem}"))
        return parsed
    except (yaml.YAMLError, RecursionError) as exc:
        parsed.errors.append(ContentError(path, offset, f"front matter is not valid YAML: {type(exc).__name__}"))
        return parsed
    if node is None:
        parsed.errors.append(ContentError(path, offset, "front matter is empty: it needs at least id, type and title"))
        return parsed
    if not isinstance(node, yaml.MappingNode):
        parsed.errors.append(ContentError(path, offset, "front matter must be a mapping of 'field: value' lines"))
        return parsed
    counter = [0]
    try:
        parsed.data = _to_python(node, (), 0, offset, parsed.lines, counter)
    except _Refuse as refuse:
        parsed.errors.append(ContentError(path, refuse.line, refuse.message))
        parsed.data = {}
    return parsed


def _to_python(node, key_path: Path, depth: int, offset: int, lines: dict, counter: list) -> object:
    line = offset + node.start_mark.line
    counter[0] += 1
    if counter[0] > MAX_NODES:
        raise _Refuse(line, f"front matter has more than {MAX_NODES} values (alias expansion?)")
    if depth > MAX_DEPTH:
        raise _Refuse(line, f"front matter is nested more than {MAX_DEPTH} levels deep")
    lines.setdefault(key_path, line)
    if isinstance(node, yaml.ScalarNode):
        return node.value if node.tag == _STR_TAG else _scalar(node, line)  # most values are plain strings
    if node.tag not in _COLLECTION_TAGS:  # e.g. !!python/object/apply on a list: refused, not ignored
        raise _Refuse(line, f"unsupported YAML tag {node.tag!r}")
    if isinstance(node, yaml.SequenceNode):
        return [
            _to_python(item, key_path + (i,), depth + 1, offset, lines, counter) for i, item in enumerate(node.value)
        ]
    result: dict = {}
    for key_node, value_node in node.value:
        key_line = offset + key_node.start_mark.line
        if not isinstance(key_node, yaml.ScalarNode):
            raise _Refuse(key_line, "a front-matter key must be a plain name")
        key = key_node.value
        if key in result:
            raise _Refuse(key_line, f"field '{key}' appears twice")
        child = key_path + (key,)
        lines[child] = key_line
        result[key] = _to_python(value_node, child, depth + 1, offset, lines, counter)
    return result


def _scalar(node: yaml.ScalarNode, line: int) -> object:
    tag, value = node.tag, node.value
    if tag.endswith(":null"):
        return None
    if tag.endswith(":bool"):
        return value.lower() in ("true", "yes", "on")
    if tag.endswith(":int"):
        try:
            return int(value.replace("_", ""), 0)
        except ValueError:
            return value
    if tag.endswith(":float"):
        try:
            return float(value)
        except ValueError:
            return value
    if tag.endswith(":str"):
        return value
    raise _Refuse(line, f"unsupported YAML tag {tag!r}")
