"""Front-matter parsing (archive/frontmatter.py): the fast string path of the resolver changes no tag."""

from __future__ import annotations

import itertools

import yaml

from archive.content import frontmatter

LOADER = frontmatter._StringDateLoader


def test_the_loader_has_no_wildcard_or_path_resolvers():
    # The fast path in _StringDateLoader.resolve is exact only under these two conditions.
    assert None not in LOADER.yaml_implicit_resolvers
    assert not LOADER.yaml_path_resolvers


def test_fast_resolution_gives_pyyaml_own_tags():
    values = [
        "", "~", "null", "Null", "NULL", "n", "no", "No", "yes", "Yes", "on", "OFF", "true", "False", "y",
        "0", "-1", "+7", "0x1f", "0o17", "1_000", "3.14", "-.5", ".inf", "-.Inf", ".NaN", "1e3", "1989",
        "1989-06-04", "'quoted'", "<<", "=", "!tag", "&a", "*a", "plain text", "Tiananmen", "中国", "Ökonomie",
        "-", "+", ".", "o", "t", "f", "N", "nothing", "octopus", "yellow",
    ]
    loader = LOADER("")
    try:
        for value, implicit in itertools.product(values, [(True, False), (False, True), (False, False), (True, True)]):
            expected = yaml.resolver.BaseResolver.resolve(loader, yaml.ScalarNode, value, implicit)
            assert loader.resolve(yaml.ScalarNode, value, implicit) == expected, (value, implicit)
    finally:
        loader.dispose()


def test_values_keep_their_types_and_dates_stay_strings():
    text = "---\nid: a\ncount: 3\nratio: 0.5\nflag: yes\nnone: ~\ndate: 1989-06-04\nquoted: '3'\nlist: [x, 2]\n---\nbody\n"
    parsed = frontmatter.split(text, "docs/x.md")
    assert parsed.errors == []
    assert parsed.data == {
        "id": "a", "count": 3, "ratio": 0.5, "flag": True, "none": None, "date": "1989-06-04", "quoted": "3",
        "list": ["x", 2],
    }
    assert parsed.lines[("list", 1)] == 9
