"""Mintlify and Fern MDX pages read as the plain markdown :mod:`ratecard.parsers.markdown` reads.

Docs sites built on Mintlify or Fern serve each page's MDX source at its ``.md`` URL: markdown
with JSX components around and inside it. :func:`to_markdown` turns that source into markdown:

* YAML front matter (a mirror's ``fetched_at``, ``sha256``) and ``export const X = ...``
  definitions (JavaScript, such as the code of a ``DocTable`` component) are dropped;
* container components (``<Note>``, ``<Info>``, ``<Tabs>``/``<Tab title="...">``, ``<Card>``...)
  are unwrapped: their tags go, their content stays, dedented, so a heading or a table indented
  inside a tab reads like any other; a ``title`` stays as a line of text;
* a table component (``<DocTable columns={[...]} rows={[...]} />``) becomes a pipe table. Its
  props are read as JavaScript *literals* only (arrays, objects, strings, numbers, booleans): a
  variable, a call or a template raises :class:`MdxError`. Nothing on a page is ever executed.

Code fences are left as they are. A rendered HTML page (the same docs page at its plain URL, a
vendor's ``fallback_urls``) is read into the same markdown: headings, paragraphs, list items and
tables in document order; scripts are never read. :func:`mentions` and :func:`unread` let a parser
say which prices a page states that it did not store (``Parsed.notes``).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import TypeAlias

from bs4 import BeautifulSoup

from ratecard.parsers.htmltables import cell_text, html_tables
from ratecard.parsers.markdown import Table, clean_cell, tables

#: Components whose ``columns``/``rows`` props are a table.
TABLE_COMPONENTS: frozenset[str] = frozenset({"DocTable"})

JsValue: TypeAlias = str | Decimal | bool | list["JsValue"] | dict[str, "JsValue"] | None
"""What a JavaScript literal reads as: numbers exactly, as Decimal."""


class MdxError(ValueError):
    """The page's MDX could not be read as markdown without guessing (callers raise ParseError)."""


_FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\n.*?\n---[ \t]*\n", re.DOTALL)
_JSX_COMMENT = re.compile(r"\{/\*.*?\*/\}", re.DOTALL)
_EXPORT = re.compile(r"^export\s+(?:const|let|var|function|default)\b")
_TAG_START = re.compile(r"^(?P<indent>[ \t]*)<(?P<close>/?)(?P<name>[A-Z][A-Za-z0-9.]*)(?=[\s/>]|$)")
_INLINE_TAG = re.compile(r"</?[A-Z][A-Za-z0-9.]*(?:\s[^<>]*)?/?>")
_FENCE = re.compile(r"^\s*(```|~~~)")
_NUMBER = re.compile(r"-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_IDENT = re.compile(r"[A-Za-z_$][\w$]*")
_PROP = re.compile(r"[A-Za-z_$][\w$:-]*")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}


class _Reader:
    """A cursor over source text that reads JavaScript literals and JSX tags, never evaluating."""

    def __init__(self, src: str, pos: int = 0) -> None:
        self.src = src
        self.pos = pos

    def fail(self, what: str) -> MdxError:
        line = self.src.count("\n", 0, self.pos) + 1
        near = self.src[self.pos : self.pos + 30].replace("\n", " ")
        return MdxError(f"{what} at line {line} near {near!r}")

    def space(self) -> None:
        while self.pos < len(self.src):
            if self.src[self.pos].isspace():
                self.pos += 1
            elif self.src.startswith("//", self.pos):
                end = self.src.find("\n", self.pos)
                self.pos = len(self.src) if end < 0 else end
            elif self.src.startswith("/*", self.pos):
                end = self.src.find("*/", self.pos + 2)
                if end < 0:
                    raise self.fail("unclosed comment")
                self.pos = end + 2
            else:
                return

    def peek(self) -> str:
        self.space()
        return self.src[self.pos : self.pos + 1]

    def expect(self, char: str) -> None:
        if self.peek() != char:
            raise self.fail(f"expected {char!r}")
        self.pos += 1

    def value(self) -> JsValue:
        char = self.peek()
        if char == "[":
            return self._array()
        if char == "{":
            return self._object()
        if char in {'"', "'"}:
            return self._string()
        number = _NUMBER.match(self.src, self.pos)
        if number:
            self.pos = number.end()
            return Decimal(number.group(0))
        ident = _IDENT.match(self.src, self.pos)
        words: dict[str, JsValue] = {"true": True, "false": False, "null": None}
        if ident and ident.group(0) in words:
            self.pos = ident.end()
            return words[ident.group(0)]
        raise self.fail("not a literal (only arrays, objects, strings and numbers are read)")

    def _array(self) -> list[JsValue]:
        self.expect("[")
        out: list[JsValue] = []
        while self.peek() != "]":
            out.append(self.value())
            if self.peek() == ",":
                self.pos += 1
            elif self.peek() != "]":
                raise self.fail("expected ',' or ']'")
        self.pos += 1
        return out

    def _object(self) -> dict[str, JsValue]:
        self.expect("{")
        out: dict[str, JsValue] = {}
        while self.peek() != "}":
            if self.peek() in {'"', "'"}:
                key = self._string()
            else:
                ident = _IDENT.match(self.src, self.pos)
                if ident is None:
                    raise self.fail("expected a property name")
                key, self.pos = ident.group(0), ident.end()
            self.expect(":")
            out[key] = self.value()
            if self.peek() == ",":
                self.pos += 1
            elif self.peek() != "}":
                raise self.fail("expected ',' or '}'")
        self.pos += 1
        return out

    def _string(self) -> str:
        quote = self.src[self.pos]
        self.pos += 1
        out: list[str] = []
        while self.pos < len(self.src):
            char = self.src[self.pos]
            if char == quote:
                self.pos += 1
                return "".join(out)
            if char == "\n":
                break
            if char == "\\":
                nxt = self.src[self.pos + 1 : self.pos + 2]
                if nxt == "u":
                    code = self.src[self.pos + 2 : self.pos + 6]
                    if not re.fullmatch(r"[0-9a-fA-F]{4}", code):
                        raise self.fail("bad \\u escape")
                    out.append(chr(int(code, 16)))
                    self.pos += 6
                    continue
                out.append(_ESCAPES.get(nxt, nxt))
                self.pos += 2
                continue
            out.append(char)
            self.pos += 1
        raise self.fail("unterminated string")

    def skip_expression(self) -> None:
        """Past one balanced JavaScript expression (an ``export`` body), strings respected."""
        depth = 0
        while self.pos < len(self.src):
            char = self.src[self.pos]
            if char in "\"'`":
                self._skip_quoted(char)
                continue
            if char in "([{":
                depth += 1
            elif char in ")]}":
                depth -= 1
            elif depth == 0 and char in ";\n" and self.src[: self.pos].rstrip()[-2:] != "=>":
                self.pos += 1
                return
            self.pos += 1

    def _skip_quoted(self, quote: str) -> None:
        self.pos += 1
        while self.pos < len(self.src) and self.src[self.pos] != quote:
            self.pos += 2 if self.src[self.pos] == "\\" else 1
        self.pos += 1

    def tag(self) -> tuple[bool, str, dict[str, JsValue], bool]:
        """(closing, name, props, self-closing) of the tag at the cursor; props read as literals."""
        self.expect("<")
        closing = self.src.startswith("/", self.pos)
        self.pos += closing
        name = _IDENT.match(self.src, self.pos)
        if name is None:
            raise self.fail("expected a component name")
        self.pos = name.end()
        props: dict[str, JsValue] = {}
        while True:
            char = self.peek()
            if char == ">":
                self.pos += 1
                return closing, name.group(0), props, False
            if self.src.startswith("/>", self.pos):
                self.pos += 2
                return closing, name.group(0), props, True
            prop = _PROP.match(self.src, self.pos)
            if prop is None:
                raise self.fail(f"unreadable attribute of <{name.group(0)}>")
            self.pos = prop.end()
            if self.peek() != "=":
                props[prop.group(0)] = True
                continue
            self.pos += 1
            if self.peek() == "{":
                self.pos += 1
                props[prop.group(0)] = self.value()
                self.expect("}")
            else:
                props[prop.group(0)] = self._string()


def literal(src: str) -> JsValue:
    """The JavaScript literal ``src`` (``[{ title: "Model" }]``) as Python values; anything else raises."""
    reader = _Reader(src)
    out = reader.value()
    if reader.peek():
        raise reader.fail("text after the literal")
    return out


def _cell(value: JsValue, where: str) -> str:
    if isinstance(value, bool) or value is None or isinstance(value, list | dict):
        raise MdxError(f"{where}: a table cell must be a string or a number, not {value!r}")
    return " ".join(str(value).split()).replace("|", "\\|")


def _title(column: JsValue, where: str) -> str:
    if isinstance(column, dict):
        if "title" not in column:
            raise MdxError(f"{where}: a column without a title: {column!r}")
        return _cell(column["title"], where)
    return _cell(column, where)


def table_lines(name: str, props: dict[str, JsValue]) -> list[str]:
    """A table component's ``columns`` and ``rows`` as pipe-table lines; a ragged row raises."""
    columns, rows = props.get("columns"), props.get("rows")
    if not isinstance(columns, list) or not columns or not isinstance(rows, list):
        raise MdxError(f"<{name}> without a columns array and a rows array")
    header = [_title(c, f"<{name}> columns") for c in columns]
    out = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    for row in rows:
        if not isinstance(row, list) or len(row) != len(header):
            raise MdxError(f"<{name}> row {row!r} does not have the {len(header)} columns {header}")
        out.append("| " + " | ".join(_cell(v, f"<{name}> rows") for v in row) + " |")
    return ["", *out, ""]


def _tag_text(lines: list[str], start: int) -> tuple[str, int]:
    """The source from ``lines[start]`` on and the line index after the tag that starts there."""
    text = "\n".join(lines[start:])
    reader = _Reader(text)
    reader.space()
    reader.tag()
    consumed = text[: reader.pos]
    return consumed, start + consumed.count("\n") + 1


_HTML_DOCUMENT = re.compile(r"^\s*(?:<!doctype\s+html|<html[\s>])", re.IGNORECASE)
_BLOCKS = ("h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "table", "pre")


def _pipe_row(cells: Iterable[str]) -> str:
    return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"


def html_to_markdown(html: str) -> str:
    """A rendered page as markdown: its outermost headings, paragraphs, list items and tables, in order."""
    soup = BeautifulSoup(html, "lxml")
    for tag in soup(["script", "style", "noscript", "template", "svg"]):
        tag.decompose()
    rendered = iter(list(html_tables(html.encode("utf-8"))))
    out: list[str] = []
    for el in soup.find_all(_BLOCKS):
        if el.name == "table":
            if not el.find_all("tr"):
                continue  # html_tables skips a table without rows too
            table = next(rendered).table  # html_tables meets the tables in the same order
            if el.find_parent(_BLOCKS) is None:
                out += ["", _pipe_row(table.header), "|" + " --- |" * len(table.header)]
                out += [_pipe_row(row) for row in table.rows] + [""]
        elif el.find_parent(_BLOCKS) is None and el.name != "pre":
            text = cell_text(el)
            level = int(el.name[1]) if el.name[0] == "h" else 0
            out.append(f"{'#' * level} {text}" if level else f"- {text}" if el.name == "li" else text)
    return "\n".join(out) + "\n"


def to_markdown(text: str) -> str:
    """The page's markdown with MDX components unwrapped or read as tables (see the module doc)."""
    if _HTML_DOCUMENT.match(text):
        return html_to_markdown(text)
    text = _FRONT_MATTER.sub("", text, count=1)
    text = _JSX_COMMENT.sub("", text)
    lines = text.splitlines()
    out: list[str] = []
    stack: list[tuple[str, int | None]] = []
    fence: str | None = None
    i = 0
    while i < len(lines):
        line = lines[i]
        fenced = _FENCE.match(line)
        if fence is not None or fenced:
            if fenced and (fence is None or fenced.group(1) == fence):
                fence = fenced.group(1) if fence is None else None
            out.append(_dedent(line, stack))
            i += 1
            continue
        if _EXPORT.match(line):
            reader = _Reader("\n".join(lines[i:]))
            reader.skip_expression()
            i += "\n".join(lines[i:])[: reader.pos].rstrip("\n").count("\n") + 1
            continue
        tag = _TAG_START.match(line)
        if tag is None:
            stack = _base(stack, line)
            out.append(_inline(_dedent(line, stack), stack).rstrip())
            i += 1
            continue
        source, after = _tag_text(lines, i)
        closing, name, props, self_closing = _Reader(source).tag()
        if closing:
            _close(stack, name)
        elif name in TABLE_COMPONENTS:
            if not self_closing:
                raise MdxError(f"<{name}> is expected to be self-closing, with its data in props")
            out.extend(table_lines(name, props))
        else:
            title = props.get("title")
            if isinstance(title, str) and title.strip():
                out.extend(["", title.strip(), ""])
            if not self_closing:
                stack.append((name, None))
        rest = "\n".join(lines[i:])[len(source) :].split("\n", 1)[0].strip()
        i = after
        if rest:  # text after the tag on its line: "<Note>Batch prices apply.</Note>"
            lines.insert(i, tag.group("indent") + rest)
    if stack:
        raise MdxError(f"<{stack[-1][0]}> is never closed")
    return "\n".join(out) + "\n"


def _close(stack: list[tuple[str, int | None]], name: str) -> None:
    if not stack or stack[-1][0] != name:
        raise MdxError(f"</{name}> closes no open <{name}>")
    stack.pop()


def _inline(line: str, stack: list[tuple[str, int | None]]) -> str:
    """``line`` without the component tags inside it, the stack following their opening and closing."""
    parts = line.split("`")
    for k in range(0, len(parts), 2):  # even parts lie outside `code spans`
        for m in _INLINE_TAG.finditer(parts[k]):
            tag = m.group(0)
            name = re.match(r"</?([\w.]+)", tag)
            assert name is not None
            if tag.startswith("</"):
                _close(stack, name.group(1))
            elif not tag.endswith("/>"):
                stack.append((name.group(1), None))
        parts[k] = _INLINE_TAG.sub(" ", parts[k])
    return "`".join(parts)


def _base(stack: list[tuple[str, int | None]], line: str) -> list[tuple[str, int | None]]:
    """Fix the indentation of the innermost component's content at its first non-blank line."""
    if stack and stack[-1][1] is None and line.strip():
        return [*stack[:-1], (stack[-1][0], len(line) - len(line.lstrip()))]
    return stack


def _dedent(line: str, stack: list[tuple[str, int | None]]) -> str:
    base = stack[-1][1] if stack else None
    if not base:
        return line
    lead = len(line) - len(line.lstrip())
    return line[min(lead, base) :]


# --- What a page states about prices, for the notes of what a parser did not store. ---

_MONEY = (
    r"~?\\?\$\s?\d[\d,]*(?:\.\d+)?(?:\s*(?:/|per\b)\s*(?:[\d,]+[KkMm]?\s+)?[A-Za-z][\w-]*"
    r"(?:,\s*per\s+[A-Za-z][\w-]*)?)?"
)
_MENTION = re.compile(
    rf"{_MONEY}"
    r"|(?<![\w.,])\d+(?:\.\d+)?\s?(?:x|×|times)(?![\w-])"
    r"|(?<![\w.,])\d+(?:\.\d+)?\s?%"
    r"|(?<![\w.,])[\d,]+\s+free\s+[A-Za-z]+"
    r"|\bno additional (?:cost|charges?)\b",
    re.IGNORECASE,
)
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_SETEXT = re.compile(r"^(=+|-+)\s*$")


def mentions(text: str) -> list[str]:
    """Every price, multiplier, percentage or free allowance ``text`` states, as written."""
    return [" ".join(m.group(0).replace("\\$", "$").split()) for m in _MENTION.finditer(text)]


@dataclass(frozen=True, slots=True)
class Line:
    """A line of prose (tables excluded) with the headings it sits under, outermost first."""

    headings: tuple[str, ...]
    text: str


def _title_of(text: str) -> str:
    return clean_cell(text).replace("\u200b", "").strip()


def _walk(markdown: str) -> Iterator[tuple[tuple[str, ...], str | Table]]:
    """Prose lines and pipe tables in page order, each with its heading path (ATX or setext).

    Headings without text (a reader's ``### [​](#anchor)``) are skipped; code fences are not read.
    """
    lines = markdown.splitlines()
    stack: list[tuple[int, str]] = []
    fence = False
    i = 0
    while i < len(lines):
        text = lines[i].strip()
        nxt = lines[i + 1].strip() if i + 1 < len(lines) else ""
        path = tuple(s[1] for s in stack)
        i += 1
        if _FENCE.match(text):
            fence = not fence
            continue
        if fence or not text or _SETEXT.match(text):
            continue
        if text.startswith("|"):
            block = [text]
            while i < len(lines) and lines[i].strip().startswith("|"):
                block.append(lines[i].strip())
                i += 1
            found = list(tables("\n".join(block)))
            yield from ((path, t) for t in found)
            if not found:  # pipes without a separator line: plain text
                yield from ((path, clean_cell(b)) for b in block)
            continue
        atx = _HEADING.match(text)
        setext = bool(_SETEXT.match(nxt)) and not text.startswith(("*", "-", ">", "|"))
        if atx or setext:
            title = _title_of(atx.group(2) if atx else text)
            level = len(atx.group(1)) if atx else (1 if nxt.startswith("=") else 2)
            if title:
                stack = [s for s in stack if s[0] < level] + [(level, title)]
            continue
        yield path, clean_cell(text)


def prose(markdown: str) -> Iterator[Line]:
    """Every non-blank line outside pipe tables and code fences, with its heading path."""
    for path, item in _walk(markdown):
        if isinstance(item, str):
            yield Line(path, item)


def unread(markdown: str, read_tables: Collection[Table], read: Collection[str] = ()) -> list[str]:
    """One note per section naming what it prices that the parser did not store.

    The :func:`mentions` in prose other than the ``read`` ones, and those in every table whose
    header and rows are not those of a table in ``read_tables``, under the section's headings.
    """
    done = {(t.header, t.rows) for t in read_tables}
    found: dict[tuple[str, ...], list[str]] = {}
    for path, item in _walk(markdown):
        if isinstance(item, str):
            found.setdefault(path, []).extend(m for m in mentions(item) if m not in read)
        elif (item.header, item.rows) not in done:
            cells = " ; ".join(" ; ".join(r) for r in (item.header, *item.rows))
            found.setdefault(path, []).extend(mentions(cells))
    return [
        f"not stored ({' > '.join(path) or 'page top'}): {'; '.join(dict.fromkeys(items))}"
        for path, items in found.items()
        if items
    ]
