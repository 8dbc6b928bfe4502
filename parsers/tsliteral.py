"""TypeScript / JavaScript object literals read as data: nothing is executed, imported or evaluated.

Some vendors keep their prices in source files (Mistral's docs hold one ``export default {...}``
record per model). This reader accepts literal syntax only: objects, arrays, strings (quoted, or
template strings without ``${}``), numbers, ``true``/``false``/``null``/``undefined``, comments
and trailing commas. Anything else (an identifier used as a value, a call, a spread, an
interpolation, a computed key) raises :class:`LiteralError` saying where, so a record that stops
being plain data is refused instead of half-read. Numbers come back as exact ``Decimal`` built
from their source text, never through a float.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import TypeAlias

Value: TypeAlias = "str | Decimal | bool | list[Value] | dict[str, Value] | None"
"""A literal's value: ``null`` and ``undefined`` are both None."""

_SPACE = re.compile(r"(?:\s+|//[^\n]*|/\*.*?\*/)*", re.DOTALL)
_IDENT = re.compile(r"[A-Za-z_$][\w$]*")
_NUMBER = re.compile(r"-?(?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)(?:[eE][+-]?\d+)?(?![\w$.])")
_WORDS: dict[str, Value] = {"true": True, "false": False, "null": None, "undefined": None}
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}
_HEX = re.compile(r"x([0-9a-fA-F]{2})|u([0-9a-fA-F]{4})|u\{([0-9a-fA-F]{1,6})\}")
_IMPORT = re.compile(
    r"import\s+(?:type\s+)?(?:[\w$*{},\s]+?\s+from\s+)?(['\"])[^'\"\n]*\1\s*;?",
)
_EXPORT_DEFAULT = re.compile(r"export\s+default\b")
_TRAILER = re.compile(r"(?:as\s+const\b)?\s*(?:satisfies\s+[A-Za-z_$][\w$.]*)?\s*;?")


class LiteralError(ValueError):
    """The text is not a literal this reader accepts; the message says what and where."""


class _Reader:
    """A cursor over source text that reads one literal value at a time."""

    def __init__(self, text: str, pos: int = 0) -> None:
        self.text = text
        self.pos = pos

    def fail(self, what: str) -> LiteralError:
        line = self.text.count("\n", 0, self.pos) + 1
        near = self.text[self.pos : self.pos + 30].split("\n")[0]
        return LiteralError(f"{what} at line {line}: {near!r}")

    def skip(self) -> None:
        """Past whitespace and comments."""
        m = _SPACE.match(self.text, self.pos)
        self.pos = m.end() if m else self.pos

    def peek(self) -> str:
        self.skip()
        return self.text[self.pos : self.pos + 1]

    def take(self, char: str) -> bool:
        if self.peek() == char:
            self.pos += 1
            return True
        return False

    def value(self) -> Value:
        ch = self.peek()
        if ch == "{":
            return self.obj()
        if ch == "[":
            return self.arr()
        if ch in "'\"`":
            return self.string()
        m = _NUMBER.match(self.text, self.pos)
        if m:
            self.pos = m.end()
            return Decimal(m.group(0).replace("_", ""))
        m = _IDENT.match(self.text, self.pos)
        if m and m.group(0) in _WORDS:
            self.pos = m.end()
            return _WORDS[m.group(0)]
        raise self.fail("not a literal value (only objects, arrays, strings, numbers, booleans, null)")

    def seq(self, close: str) -> bool:
        """After an item: a comma (True: read on) or the closing bracket (False)."""
        if self.take(","):
            return not self.take(close)
        if self.take(close):
            return False
        raise self.fail(f"expected ',' or {close!r}")

    def obj(self) -> dict[str, Value]:
        self.pos += 1
        out: dict[str, Value] = {}
        if self.take("}"):
            return out
        while True:
            key = self.key()
            if key in out:
                raise self.fail(f"key {key!r} given twice")
            if not self.take(":"):
                raise self.fail(f"expected ':' after key {key!r} (shorthand and methods are code)")
            out[key] = self.value()
            if not self.seq("}"):
                return out

    def key(self) -> str:
        ch = self.peek()
        if ch in "'\"":
            return self.string()
        m = _IDENT.match(self.text, self.pos) or _NUMBER.match(self.text, self.pos)
        if m is None:
            raise self.fail("not a property name (computed keys and spreads are code)")
        self.pos = m.end()
        return m.group(0)

    def arr(self) -> list[Value]:
        self.pos += 1
        out: list[Value] = []
        if self.take("]"):
            return out
        while True:
            out.append(self.value())
            if not self.seq("]"):
                return out

    def string(self) -> str:
        quote = self.text[self.pos]
        self.pos += 1
        parts: list[str] = []
        while self.pos < len(self.text):
            ch = self.text[self.pos]
            if ch == quote:
                self.pos += 1
                return "".join(parts)
            if ch == "\\":
                parts.append(self.escape())
                continue
            if quote == "`" and self.text.startswith("${", self.pos):
                raise self.fail("template interpolation '${' is code")
            if ch == "\n" and quote != "`":
                raise self.fail("line break inside a quoted string")
            parts.append(ch)
            self.pos += 1
        raise self.fail("unterminated string")

    def escape(self) -> str:
        """One backslash escape, as JavaScript reads it (``\\n``, ``\\u00e9``, a line continuation)."""
        nxt = self.text[self.pos + 1 : self.pos + 2]
        m = _HEX.match(self.text, self.pos + 1)
        if m:
            self.pos = m.end()
            return chr(int(next(g for g in m.groups() if g is not None), 16))
        self.pos += 2
        if nxt == "\n":
            return ""
        return _ESCAPES.get(nxt, nxt)


def read(text: str) -> Value:
    """The one literal that is the whole of ``text`` (comments and whitespace around it allowed)."""
    reader = _Reader(text)
    value = reader.value()
    reader.skip()
    if reader.pos != len(text):
        raise reader.fail("unexpected text after the literal")
    return value


def is_module(source: str) -> bool:
    """Whether ``source`` reads as an ES module: its first statement imports or exports."""
    reader = _Reader(source)
    reader.skip()
    return source.startswith(("import ", "import{", "export "), reader.pos)


def default_export(source: str) -> Value | None:
    """The value of a module's ``export default <literal> [as const] [satisfies T];``.

    The module may hold import statements before it and nothing else; None when it has no
    default export at all (an index module that only re-exports).
    """
    reader = _Reader(source)
    reader.skip()
    while m := _IMPORT.match(source, reader.pos):
        reader.pos = m.end()
        reader.skip()
    if not _EXPORT_DEFAULT.search(source):
        return None
    m = _EXPORT_DEFAULT.match(source, reader.pos)
    if m is None:
        raise reader.fail("expected only imports before 'export default'")
    reader.pos = m.end()
    value = reader.value()
    reader.skip()
    trailer = _TRAILER.match(source, reader.pos)
    reader.pos = trailer.end() if trailer else reader.pos
    reader.skip()
    if reader.pos != len(source):
        raise reader.fail("unexpected code after the default export")
    return value
