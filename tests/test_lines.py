"""Finding the line of a key path in TOML text."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from generator.lines import KeyPath, LineIndex, format_path

ROOT = Path(__file__).resolve().parent.parent


def _is_toml(path: Path) -> bool:
    try:
        tomllib.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False
    return True


#: Every spec in the repository that is valid TOML (most broken specs are).
SPECS = [
    path
    for pattern in ("examples/*/identity.toml", "tests/specs/*.toml", "tests/specs/broken/*.toml")
    for path in sorted(ROOT.glob(pattern))
    if _is_toml(path)
]


def lines_of(text: str) -> LineIndex:
    tomllib.loads(text)  # the index is only ever built for valid TOML
    return LineIndex(text)


def test_tables_and_keys() -> None:
    index = lines_of('title = "x"\n\n[service]\nname = "Acme"\n\n[service.config]\napp = 1\n')
    assert index.line(("title",)) == 1
    assert index.line(("service",)) == 3
    assert index.line(("service", "name")) == 4
    assert index.line(("service", "config")) == 6
    assert index.line(("service", "config", "app")) == 7


def test_a_missing_path_falls_back_to_its_nearest_ancestor() -> None:
    index = lines_of("[service]\nname = 1\n")
    assert index.line(("service", "slug")) == 1
    assert index.line(("service", "name", "deeper", 0)) == 2
    assert index.line(("nothing",)) is None
    assert index.line(()) is None
    assert not index.has(("service", "slug"))
    assert index.has(("service", "name"))


def test_arrays_of_tables_are_numbered() -> None:
    text = """
[operations.login]
[[operations.login.steps]]
method = "POST"

[[operations.login.steps]]
method = "GET"

[[operations.get_user.steps]]
method = "GET"
"""
    index = lines_of(text)
    assert index.line(("operations", "login")) == 2
    assert index.line(("operations", "login", "steps")) == 3
    assert index.line(("operations", "login", "steps", 0)) == 3
    assert index.line(("operations", "login", "steps", 0, "method")) == 4
    assert index.line(("operations", "login", "steps", 1)) == 6
    assert index.line(("operations", "login", "steps", 1, "method")) == 7
    assert index.line(("operations", "get_user", "steps", 0, "method")) == 10


def test_nested_arrays_of_tables_and_subtables_of_their_elements() -> None:
    text = """
[[fruits]]
name = "apple"

[fruits.physical]
color = "red"

[[fruits.varieties]]
name = "red delicious"

[[fruits.varieties]]
name = "granny smith"

[[fruits]]
name = "banana"

[[fruits.varieties]]
name = "plantain"
"""
    index = lines_of(text)
    assert index.line(("fruits", 0, "physical", "color")) == 6
    assert index.line(("fruits", 0, "varieties", 1, "name")) == 12
    assert index.line(("fruits", 1, "name")) == 15
    assert index.line(("fruits", 1, "varieties", 0, "name")) == 18


def test_inline_tables_nest() -> None:
    index = lines_of(
        '[s]\njson = { login = "${input.username}", profile = { first = "x", tags = ["a", { b = 1 }] } }\n'
    )
    for path in [
        ("s", "json"),
        ("s", "json", "login"),
        ("s", "json", "profile", "first"),
        ("s", "json", "profile", "tags", 1, "b"),
    ]:
        assert index.has(path), path
        assert index.line(path) == 2
    assert not index.has(("s", "json", "first")), "inner keys belong to their own table"


def test_arrays_spanning_lines_number_their_elements() -> None:
    text = """errors = [
  { status = 409, kind = "conflict" },  # a comment, with = and [brackets]

  # another comment
  { status = 422, kind = "invalid_input" }
]
enabled = [
  "flask",
  [1,
   2],
  "django",
]
after = 1
"""
    index = lines_of(text)
    assert index.line(("errors",)) == 1
    assert index.line(("errors", 0, "kind")) == 2
    assert index.line(("errors", 1)) == 5
    assert index.line(("errors", 1, "kind")) == 5
    assert index.line(("enabled", 1)) == 9
    assert index.line(("enabled", 1, 1)) == 10
    assert index.line(("enabled", 2)) == 11
    assert index.line(("after",)) == 13


def test_dotted_keys() -> None:
    index = lines_of('[service]\ncredentials.kind = "bearer"\ncredentials . env = "X"\n[a . b]\nc.d.e = 1\n')
    assert index.line(("service", "credentials")) == 2
    assert index.line(("service", "credentials", "kind")) == 2
    assert index.line(("service", "credentials", "env")) == 3
    assert index.line(("a", "b")) == 4
    assert index.line(("a", "b", "c", "d", "e")) == 5


def test_quoted_keys() -> None:
    text = """[m]
"/code" = 7101
'/literal\\path' = 1
"a.b" = 2
"quote \\" and \\u00e9" = 3
"" = 4
[m."x y".'z']
k = 5
"""
    index = lines_of(text)
    assert index.line(("m", "/code")) == 2
    assert index.line(("m", "/literal\\path")) == 3
    assert index.line(("m", "a.b")) == 4
    assert not index.has(("m", "a")), "a dot inside quotes does not split the key"
    assert index.line(("m", 'quote " and é')) == 5
    assert index.line(("m", "")) == 6
    assert index.line(("m", "x y", "z", "k")) == 8


def test_multiline_strings_hide_what_looks_like_keys() -> None:
    text = '''a = """
[not.a.table]
b = "not a key"
"""
c = \'\'\'
d = 1\'\'\'
e = """ends with quotes"\"\"""
f = 2
'''
    index = lines_of(text)
    assert index.line(("a",)) == 1
    assert not index.has(("not",))
    assert not index.has(("b",))
    assert not index.has(("d",))
    assert index.line(("c",)) == 5
    assert index.line(("e",)) == 7
    assert index.line(("f",)) == 8


def test_strings_with_hashes_brackets_and_escapes() -> None:
    index = lines_of('a = "# not a comment ] }"  # a comment\nb = \'[x]\'\nc = "\\"quoted\\" = 1"\nd = 1\n')
    assert [index.line((k,)) for k in "abcd"] == [1, 2, 3, 4]


def test_scalars_dates_and_crlf() -> None:
    index = lines_of("a = 1979-05-27 07:32:00Z\r\nb = [1.5, -2, true, inf]\r\nc = { d = 0x1F }\r\n")
    assert index.line(("a",)) == 1
    assert index.line(("b", 3)) == 2
    assert index.line(("c", "d")) == 3


@pytest.mark.parametrize("spec", SPECS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_key_of_every_spec_is_found_on_a_line_that_names_it(spec: Path) -> None:
    text = spec.read_text(encoding="utf-8")
    data = tomllib.loads(text)
    index = LineIndex(text)
    source = text.splitlines()
    for path in _paths(data):
        assert index.has(path), path
        key = path[-1]
        if isinstance(key, str) and key:
            assert key in source[index.line(path) - 1], (path, index.line(path))  # type: ignore[operator]


def _paths(value: object, prefix: KeyPath = ()) -> list[KeyPath]:
    """Every key path in parsed TOML, array elements included."""
    out: list[KeyPath] = []
    if isinstance(value, dict):
        for key, item in value.items():
            out += [(*prefix, key), *_paths(item, (*prefix, key))]
    elif isinstance(value, list):
        for i, item in enumerate(value):
            out += [(*prefix, i), *_paths(item, (*prefix, i))]
    return out


@pytest.mark.parametrize(
    "path, text",
    [
        ((), ""),
        (("service", "slug"), "service.slug"),
        (("operations", "login", "steps", 0, "json", "login"), "operations.login.steps[0].json.login"),
        (("errors", 1, "match", "/code"), 'errors[1].match."/code"'),
        (("headers", "X-Api-Key"), "headers.X-Api-Key"),
        (("m", 'a "b"'), 'm."a \\"b\\""'),
        ((0,), "[0]"),
    ],
)
def test_format_path(path: KeyPath, text: str) -> None:
    assert format_path(path) == text
