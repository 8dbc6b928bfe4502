"""TypeScript literals read as data: exact numbers, JS string rules, and code refused, never run."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ratecard.parsers.tsliteral import LiteralError, default_export, is_module, read

RECORD = """import { StaticModel } from '../schema';
import type { Other } from "./other";
// a comment before the record
export default {
  name: 'Codestral',
  description: `Two
lines`,
  'quoted key': "double \\"quoted\\"",
  pricing: {
    type: 'custom',
    free: false,
    input: [
      { type: 'range', price: 0.3, denominator: '/M Tokens' }, /* trailing comma next */
    ],
    output: [],
  },
  metadata: {},
  nothing: null,
  gone: undefined,
  legacy: true,
} as const satisfies StaticModel;
"""


def test_record_is_read_as_data() -> None:
    value = default_export(RECORD)
    assert isinstance(value, dict)
    assert value["name"] == "Codestral"
    assert value["description"] == "Two\nlines"
    assert value["quoted key"] == 'double "quoted"'
    assert value["pricing"] == {
        "type": "custom",
        "free": False,
        "input": [{"type": "range", "price": Decimal("0.3"), "denominator": "/M Tokens"}],
        "output": [],
    }
    assert (value["metadata"], value["nothing"], value["gone"], value["legacy"]) == ({}, None, None, True)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0.1", Decimal("0.1")),  # never through a float: 0.1 stays exactly 0.1
        ("2.0", Decimal("2.0")),
        ("-0.5", Decimal("-0.5")),
        ("1_000", Decimal(1000)),
        ("1e-7", Decimal("1e-7")),
        (".25", Decimal("0.25")),
    ],
)
def test_numbers_are_exact_decimals(text: str, expected: Decimal) -> None:
    value = read(text)
    assert isinstance(value, Decimal) and value == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (r"'caf\u00e9'", "café"),
        (r"'\x41\u{1F600}'", "A\U0001f600"),
        ("'it\\'s'", "it's"),
        ("'a\\\nb'", "ab"),  # a line continuation
        (r"'tab\there'", "tab\there"),
    ],
)
def test_string_escapes_follow_javascript(text: str, expected: str) -> None:
    assert read(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{ price: rate }", "not a literal value"),
        ("{ price: compute(1) }", "not a literal value"),
        ("{ ...base, price: 1 }", "not a property name"),
        ("{ [key]: 1 }", "not a property name"),
        ("{ price }", "expected ':'"),
        ("`total ${n}`", "interpolation"),
        ("{ a: 1, a: 2 }", "given twice"),
        ("{ a: 1 b: 2 }", "expected ',' or '}'"),
        ("'open", "unterminated string"),
        ("'two\nlines'", "line break inside a quoted string"),
        ("0x10", "not a literal value"),
        ("[1, 2] + [3]", "unexpected text after the literal"),
        ("NaN", "not a literal value"),
    ],
)
def test_code_is_refused_with_its_place(text: str, message: str) -> None:
    with pytest.raises(LiteralError, match=message) as err:
        read(text)
    assert "at line 1" in str(err.value)


def test_error_names_the_line() -> None:
    with pytest.raises(LiteralError, match="at line 3"):
        read("{\n  a: 1,\n  b: f(),\n}")


def test_module_without_default_export_is_none() -> None:
    index = "import a from './a';\nexport const MODELS = defineModels([a]);\n"
    assert is_module(index)
    assert default_export(index) is None


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("const x = 1;\nexport default { a: 1 };", "only imports before 'export default'"),
        ("export default { a: 1 };\nconsole.log('x');", "unexpected code after the default export"),
        ("export default makeModel({ a: 1 });", "not a literal value"),
    ],
)
def test_default_export_must_be_the_only_statement_besides_imports(source: str, message: str) -> None:
    with pytest.raises(LiteralError, match=message):
        default_export(source)


def test_is_module_looks_at_the_first_statement() -> None:
    assert is_module("// header\nexport default {};")
    assert not is_module("<!DOCTYPE html><html>export default</html>")
    assert not is_module('[{"name": "a.ts"}]')
