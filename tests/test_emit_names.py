"""Names shared by every language printer: reserved words escaped, taken names numbered."""

from __future__ import annotations

from generator.lang import csharp, java, js, python
from generator.lang.names import fresh, unreserved


def test_unreserved_escapes_only_reserved_words() -> None:
    assert unreserved("class", {"class"}) == "class_"
    assert unreserved("klass", {"class"}) == "klass"
    assert unreserved("default", {"default"}, "@{}") == "@default"


def test_fresh_numbers_a_taken_name_and_takes_the_result() -> None:
    taken = {"body", "body2"}
    assert fresh("body", taken) == "body3"
    assert fresh("id", taken, separator="_") == "id"
    assert fresh("id", taken, separator="_") == "id_2"
    assert {"body3", "id", "id_2"} <= taken


def test_fresh_skips_reserved_words_too() -> None:
    assert fresh("eval", set(), reserved={"eval"}) == "eval2"


def test_each_language_spells_its_escape() -> None:
    assert python.ident("match") == "match_"
    assert js.ident("new") == "new_"
    assert csharp.ident("default") == "@default"
    assert java.ident("class") == "classValue"
    assert python.fresh_name("token", {"token"}) == "token_2"
    assert js.fresh_name("arguments", set()) == "arguments2"
    assert csharp.fresh_name("body", {"body"}) == "body2"
