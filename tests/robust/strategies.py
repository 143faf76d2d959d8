"""Hypothesis strategies for specs: random documents, mutated real specs, damaged bytes.

Specs are built as data and written out as TOML by :func:`to_toml`, which
writes tables as ``[headers]`` and arrays of tables as ``[[headers]]`` (or
everything inline), so the line scanner of error messages is exercised too.
"""

from __future__ import annotations

import copy
import datetime as dt
import math
import re
import tomllib
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from generator.expr import NAMESPACES, TRANSFORMS
from generator.model import ERROR_KINDS, FIELD_TYPES, OPERATIONS

from .support import HOSTILE, SEED_SPECS

# -- TOML writing ---------------------------------------------------------------------------------

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+\Z")


def toml_string(text: str) -> str:
    """``text`` as a TOML basic string: quotes, backslashes and control characters escaped."""
    out = ['"']
    for char in text:
        code = ord(char)
        if char == '"':
            out.append('\\"')
        elif char == "\\":
            out.append("\\\\")
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\u{code:04x}")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


def toml_key(key: str) -> str:
    return key if _BARE_KEY.match(key) else toml_string(key)


def toml_value(value: Any) -> str:
    """A value written inline."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{toml_key(str(k))} = {toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"cannot write {type(value).__name__} as TOML")


def _is_table_array(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def to_toml(doc: dict, *, headers: bool = True) -> str:
    """``doc`` as TOML text; with ``headers``, sub-tables get ``[a.b]`` / ``[[a.b]]`` headers."""
    if not headers:
        return "".join(f"{toml_key(str(k))} = {toml_value(v)}\n" for k, v in doc.items())
    lines: list[str] = []
    _write_table(doc, (), lines, array_item=False)
    return "\n".join(lines) + "\n"


def _write_table(table: dict, path: tuple[str, ...], lines: list[str], *, array_item: bool) -> None:
    scalars = {k: v for k, v in table.items() if not isinstance(v, dict) and not _is_table_array(v)}
    nested = {k: v for k, v in table.items() if k not in scalars}
    header = ".".join(toml_key(str(p)) for p in path)
    if array_item:
        lines.append(f"[[{header}]]")
    elif path and (scalars or not nested):
        lines.append(f"[{header}]")
    for key, value in scalars.items():
        lines.append(f"{toml_key(str(key))} = {toml_value(value)}")
    for key, value in nested.items():
        sub = (*path, str(key))
        if isinstance(value, dict):
            if array_item:  # a sub-table of an array element: inline keeps it inside the element
                lines.append(f"{toml_key(str(key))} = {toml_value(value)}")
            else:
                _write_table(value, sub, lines, array_item=False)
        else:
            for item in value:
                if array_item:
                    lines.append(f"{toml_key(str(key))} = {toml_value(value)}")
                    break
                _write_table(item, sub, lines, array_item=True)


# -- the seeds --------------------------------------------------------------------------------------


def _load(path: Path) -> dict:
    return tomllib.loads(path.read_text(encoding="utf-8"))


#: Every seed spec as data, by file name.
SEEDS: dict[str, dict] = {p.parent.name + "/" + p.name: _load(p) for p in (*SEED_SPECS, HOSTILE)}
#: Every seed spec as bytes.
SEED_BYTES: dict[str, bytes] = {p.parent.name + "/" + p.name: p.read_bytes() for p in (*SEED_SPECS, HOSTILE)}

#: Words a spec uses, so random keys and values land near real ones often.
SPEC_WORDS = sorted(
    {
        *("schema", "service", "operations", "user", "mapping", "targets", "steps", "name", "slug", "base_url"),
        *("env", "default", "required", "secret", "description", "credentials", "kind", "config", "timeout_s"),
        *("method", "path", "query", "headers", "json", "form", "auth", "ok", "errors", "extract", "status"),
        *("match", "type", "from", "optional", "values", "field", "equals", "enabled", "bearer", "basic"),
        *("username", "password", "prefix", "header", "username_env", "password_env", "admin_roles", "staff_roles"),
        *("id", "email", "first_name", "last_name", "roles", "active", "user", "token", "href", "package"),
        *OPERATIONS,
        *ERROR_KINDS,
        *FIELD_TYPES,
        *NAMESPACES,
        *TRANSFORMS,
        "flask",
        "django",
        "express",
        "spring",
        "aspnetcore",
        "fastapi",
        "GET",
        "POST",
        "none",
        "service",
    }
)

# -- values ---------------------------------------------------------------------------------------

#: Text that is hard on parsers and escapers; joined with random text.
NASTY_TEXT = (
    "",
    " ",
    '"',
    "'",
    "\\",
    "\n",
    "\r\n",
    "\x00",
    "\u202e",
    "😀",
    "${",
    "$${",
    "}",
    "${input.username}",
    "${session.nope}",
    "${steps.9.x}",
    "${steps.0.x}",
    "${nope.x}",
    "${input.}",
    "${}",
    "${config.application_id}",
    "{{ cookiecutter.slug }}",
    "{% raw %}",
    "*/",
    "-->",
    "</script>",
    "~",
    "~2",
    "/",
    "//",
    "/*/*",
    "*",
    "http://",
    "https://x",
    "\ufeff",
    "\ud7ff",
    "\U0010ffff",
)

_ints = st.one_of(
    st.integers(-(2**70), 2**70),
    st.sampled_from([0, 1, -1, 200, 201, 302, 399, 400, 401, 404, 599, 600, 2**63 - 1, -(2**63), 10**400]),
)
_floats = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.sampled_from([0.0, -0.0, 0.001, 300.0, 301.0]))
_dates = st.one_of(
    st.datetimes(min_value=dt.datetime(1, 1, 1), max_value=dt.datetime(9999, 12, 31)),
    st.dates(),
    st.times(),
)


def text_values() -> st.SearchStrategy[str]:
    """Text: spec words, nasty fragments, random Unicode, and combinations of them."""
    piece = st.one_of(
        st.sampled_from(SPEC_WORDS),
        st.sampled_from(NASTY_TEXT),
        st.text(max_size=12),
        st.from_regex(r"[a-z][a-z0-9_]{0,10}", fullmatch=True),
    )
    return st.one_of(
        piece,
        st.lists(piece, min_size=2, max_size=5).map("".join),
        st.builds(lambda c, n: c * n, st.sampled_from(["a", "é", "😀", "${", "\\", '"']), st.integers(1000, 100_000)),
    )


def keys() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(SPEC_WORDS), st.text(max_size=10), st.sampled_from(NASTY_TEXT))


def scalars() -> st.SearchStrategy[Any]:
    return st.one_of(text_values(), _ints, _floats, st.booleans(), _dates)


def values(max_leaves: int = 12) -> st.SearchStrategy[Any]:
    """Any TOML value: scalars, arrays and tables, nested a few levels."""
    return st.recursive(
        scalars(),
        lambda children: st.one_of(
            st.lists(children, max_size=4),
            st.dictionaries(keys(), children, max_size=4),
        ),
        max_leaves=max_leaves,
    )


def nested(value: Any, depth: int, kind: str) -> Any:
    """``value`` wrapped ``depth`` times in arrays or one-key tables."""
    for _ in range(depth):
        value = [value] if kind == "array" else {"k": value}
    return value


def random_documents() -> st.SearchStrategy[dict]:
    """Whole documents: the top-level keys a spec has (or near them) with random contents."""
    top = st.one_of(st.sampled_from(["schema", "service", "operations", "user", "mapping", "targets"]), keys())
    return st.dictionaries(top, values(), max_size=7)


# -- mutations of real specs --------------------------------------------------------------------------

Path_ = tuple[Any, ...]


def _paths(doc: Any, prefix: Path_ = ()) -> list[Path_]:
    """Every path into ``doc``: keys of tables and indexes of arrays."""
    out: list[Path_] = []
    if isinstance(doc, dict):
        for key, value in doc.items():
            out.append((*prefix, key))
            out.extend(_paths(value, (*prefix, key)))
    elif isinstance(doc, list):
        for index, value in enumerate(doc):
            out.append((*prefix, index))
            out.extend(_paths(value, (*prefix, index)))
    return out


def _get(doc: Any, path: Path_) -> Any:
    for part in path:
        doc = doc[part]
    return doc


def _near_miss(word: str, data: st.DataObject) -> str:
    """A typo of ``word``: a letter dropped, doubled or swapped, the case changed, or an underscore turned to -."""
    if not word:
        return "x"
    how = data.draw(st.sampled_from(["drop", "double", "swap", "upper", "dash", "camel"]), label="typo")
    i = data.draw(st.integers(0, len(word) - 1), label="typo at")
    if how == "drop":
        return word[:i] + word[i + 1 :] or "x"
    if how == "double":
        return word[:i] + word[i] + word[i:]
    if how == "swap" and i + 1 < len(word):
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if how == "upper":
        return word.upper() if word != word.upper() else word.lower()
    if how == "dash":
        return word.replace("_", "-") if "_" in word else word + "-"
    return re.sub(r"_([a-z])", lambda m: m.group(1).upper(), word) if "_" in word else word.capitalize()


#: Mutation kinds with weights: most keep the spec mostly intact, so validation goes deep.
MUTATIONS = (
    ["delete"] * 3
    + ["replace"] * 4
    + ["retype"] * 3
    + ["add_key"] * 2
    + ["rename"] * 2
    + ["reference"] * 3
    + ["text"] * 4
    + ["huge"]
    + ["deep"]
    + ["copy"]
)


def mutate(doc: dict, data: st.DataObject, kinds: list[str] | None = None) -> tuple[dict, list[str]]:
    """Apply one to three random mutations to a copy of ``doc``; return it and what was done."""
    doc = copy.deepcopy(doc)
    done = []
    for _ in range(data.draw(st.integers(1, 3), label="mutations")):
        kind = data.draw(st.sampled_from(kinds or MUTATIONS), label="mutation")
        paths = _paths(doc)
        if not paths:
            break
        path = data.draw(st.sampled_from(paths), label="path")
        parent, last = _get(doc, path[:-1]), path[-1]
        current = parent[last]
        if kind == "delete":
            del parent[last]
        elif kind == "replace":
            parent[last] = data.draw(values(), label="value")
        elif kind == "retype":
            parent[last] = _retyped(current, data)
        elif kind == "add_key":
            target = current if isinstance(current, dict) else parent if isinstance(parent, dict) else doc
            siblings = [k for k in target if isinstance(k, str)]
            key = (
                _near_miss(data.draw(st.sampled_from(siblings), label="sibling"), data)
                if siblings and data.draw(st.booleans(), label="typo key")
                else data.draw(keys(), label="key")
            )
            target[key] = data.draw(values(), label="value")
        elif kind == "rename" and isinstance(parent, dict):
            new = _near_miss(str(last), data)
            parent[new] = parent.pop(last)
        elif kind == "reference":
            ref = data.draw(_references(), label="reference")
            parent[last] = (current + ref) if isinstance(current, str) else ref
        elif kind == "text" and isinstance(current, str):
            parent[last] = data.draw(text_values(), label="text")
        elif kind == "huge":
            parent[last] = data.draw(_huge(), label="huge")
        elif kind == "deep":
            depth = data.draw(st.integers(2, 120), label="depth")
            shape = data.draw(st.sampled_from(["array", "table"]), label="shape")
            parent[last] = nested(current, depth, shape)
        elif kind == "copy":
            other = data.draw(st.sampled_from(paths), label="from")
            try:
                parent[last] = copy.deepcopy(_get(doc, other))
            except (KeyError, IndexError, TypeError):
                continue
        else:
            continue
        done.append(f"{kind} {'.'.join(map(str, path))}")
    return doc, done


def _retyped(value: Any, data: st.DataObject) -> Any:
    """A value of another TOML type than ``value``, when it can be said simply."""
    options: list[Any] = [1, 0, -5, 3.5, True, False, "text", "5", [], [value], {}, {"value": value}]
    options = [o for o in options if type(o) is not type(value)]
    return data.draw(st.sampled_from(options), label="retyped")


def _references() -> st.SearchStrategy[str]:
    ns = st.one_of(st.sampled_from(NAMESPACES), st.sampled_from(["inputs", "sesion", "step", "conf", "x", ""]))
    name = st.one_of(st.sampled_from(SPEC_WORDS), st.from_regex(r"[A-Za-z_0-9.]{0,8}", fullmatch=True))
    step = st.integers(-1, 12).map(str)
    return st.one_of(
        st.builds(lambda n, m: "${" + n + "." + m + "}", ns, name),
        st.builds(lambda s, m: "${steps." + s + "." + m + "}", step, name),
        st.sampled_from(["${", "${input.username", "$${input.username}", "${ input.username }", "${input.a.b}"]),
    )


def _huge() -> st.SearchStrategy[Any]:
    return st.one_of(
        st.integers(1000, 200_000).map(lambda n: "x" * n),
        st.sampled_from([2**63 - 1, -(2**63), 10**400, 1e308, -1e308]),
        st.integers(100, 3000).map(lambda n: ["a"] * n),
        st.integers(100, 1000).map(lambda n: {f"k{i}": i for i in range(n)}),
        st.integers(100, 600).map(lambda n: {f"f{i}": {"type": "string", "from": f"/f{i}"} for i in range(n)}),
    )


def mutated_specs(kinds: list[str] | None = None) -> st.SearchStrategy[tuple[str, bytes, list[str]]]:
    """(seed name, TOML bytes, mutations done) for a real spec with random mutations."""

    @st.composite
    def build(draw: st.DrawFn) -> tuple[str, bytes, list[str]]:
        name = draw(st.sampled_from(sorted(SEEDS)), label="seed")
        data = draw(st.data())
        doc, done = mutate(SEEDS[name], data, kinds)
        headers = draw(st.booleans(), label="headers")
        return name, to_toml(doc, headers=headers).encode("utf-8"), done

    return build()


# -- damaged bytes ----------------------------------------------------------------------------------

#: Byte sequences that are not UTF-8, or are UTF-8 of things TOML or authgen dislike.
BAD_BYTES = (
    b"\xff",
    b"\xfe\xff",
    b"\xc3\x28",
    b"\xe2\x82",
    b"\xed\xa0\x80",
    b"\xf4\x90\x80\x80",
    b"\xc0\xaf",
    b"\x00",
    b"\r",
    b"\x1b[31m",
    b"\xef\xbb\xbf",
    b'"',
    b"[",
    b"]]",
    b"=",
    b"\\u",
)


@st.composite
def damaged_specs(draw: st.DrawFn) -> tuple[str, bytes, str]:
    """(seed name, bytes, what was done): a real spec file truncated, spliced with bad bytes, or with lines lost."""
    name = draw(st.sampled_from(sorted(SEED_BYTES)), label="seed")
    data = SEED_BYTES[name]
    how = draw(st.sampled_from(["truncate", "insert", "replace", "drop_line", "dup_line", "swap_lines"]), label="how")
    at = draw(st.integers(0, len(data)), label="at")
    if how == "truncate":
        return name, data[:at], f"truncated at {at}"
    if how in ("insert", "replace"):
        junk = draw(st.one_of(st.sampled_from(BAD_BYTES), st.binary(min_size=1, max_size=8)), label="junk")
        end = at + (len(junk) if how == "replace" else 0)
        return name, data[:at] + junk + data[end:], f"{how} {junk!r} at {at}"
    lines = data.splitlines(keepends=True)
    i = draw(st.integers(0, len(lines) - 1), label="line")
    if how == "drop_line":
        del lines[i]
    elif how == "dup_line":
        lines.insert(i, lines[i])
    else:
        j = draw(st.integers(0, len(lines) - 1), label="other line")
        lines[i], lines[j] = lines[j], lines[i]
    return name, b"".join(lines), f"{how} {i + 1}"
