"""Mintlify/Fern MDX read as markdown: components unwrapped, JSX table literals read, nothing executed."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from ratecard.parsers import mdx
from ratecard.parsers.markdown import tables

K3 = (
    Path(__file__).parent
    / "fixtures"
    / "captures"
    / "moonshot"
    / "undated__platform-kimi-pricing-chat-k3.mdx.md"
)


def test_doc_table_of_the_kimi_k3_page_is_a_table() -> None:
    text = mdx.to_markdown(K3.read_text(encoding="utf-8"))
    (table,) = tables(text)
    # columns={[{ title: "模型", width: "24%" }, ...]} and rows={[["kimi-k3", "1M tokens", ...]]}
    assert table.header == (
        "模型",
        "计费单位",
        "输入价格（缓存命中）",
        "输入价格（缓存未命中）",
        "输出价格",
        "上下文窗口",
    )
    assert table.rows == (("kimi-k3", "1M tokens", "¥2.00", "¥20.00", "¥100.00", "1,048,576 tokens"),)
    assert table.headings == ("旗舰模型 Kimi K3 定价", "产品定价")
    # The component's own code ("export const DocTable = ...", with <table>/<th> in it) is gone.
    assert "export const" not in text and "doc-table" not in text and "<DocTable" not in text
    assert "此处 1M = 1,000,000" in text  # the prose after the component stays


def test_components_are_unwrapped_and_their_content_dedented() -> None:
    page = (
        "---\ntitle: Pricing\nfetched_at: 2026-02-04\n---\n\n# Pricing\n\n<Tabs>\n"
        '  <Tab title="Request Pricing">\n    ## Request fees\n\n'
        "    | Model | Low |\n    | --- | --- |\n    | **Sonar** | \\$5 |\n\n"
        "    <Note>\n      Fees vary (Low / High).\n    </Note>\n  </Tab>\n</Tabs>\n"
        "<Info>One line.</Info>\n"
    )
    text = mdx.to_markdown(page)
    assert text.splitlines()[:2] == ["", "# Pricing"]  # front matter dropped
    assert "## Request fees" in text.splitlines()  # a heading again, not indented text
    (table,) = tables(text)
    assert (table.headings, table.rows) == (("Pricing", "Request fees"), (("Sonar", "$5"),))
    assert "Fees vary (Low / High)." in text.splitlines()
    assert "Request Pricing" in text.splitlines()  # a tab's title stays as text
    assert "One line." in text and "<" not in text


def test_code_fences_are_left_alone() -> None:
    page = "<Note>\n```jsx\n<Tab title='x'>\n```\n</Note>\n"
    assert "<Tab title='x'>" in mdx.to_markdown(page)


@pytest.mark.parametrize(
    ("src", "expected"),
    [
        ('[{ title: "Model", width: "24%" }, "Unit"]', [{"title": "Model", "width": "24%"}, "Unit"]),
        ("[['a\\'b', 1.50, -2, true, null,],]", [["a'b", Decimal("1.50"), Decimal(-2), True, None]]),
        ('{"k": "\\u00a5 2"}', {"k": "¥ 2"}),
        ("[/* a comment */ 1]", [Decimal(1)]),
    ],
)
def test_literals_are_read_exactly(src: str, expected: object) -> None:
    assert mdx.literal(src) == expected


@pytest.mark.parametrize(
    "src",
    ["[price * 2]", "[fetchPrices()]", "[`¥${x}`]", "[1, 2", "{a 1}", "['unterminated]", "[1] + [2]"],
)
def test_anything_but_a_literal_is_refused_never_evaluated(src: str) -> None:
    with pytest.raises(mdx.MdxError):
        mdx.literal(src)


@pytest.mark.parametrize(
    ("page", "message"),
    [
        ('<DocTable columns={[{title: "A"}, {title: "B"}]} rows={[["x"]]} />', "does not have the 2 columns"),
        ('<DocTable columns={COLUMNS} rows={[["x"]]} />', "not a literal"),
        ('<DocTable columns={[{title: "A"}]} rows={[[{b: 1}]]} />', "must be a string or a number"),
        ('<DocTable columns={[{width: "9%"}]} rows={[]} />', "a column without a title"),
        ('<DocTable rows={[["x"]]} />', "without a columns array"),
        ("<Note>\nno end\n", "is never closed"),
        ("text\n</Note>\n", "closes no open"),
    ],
    ids=["ragged-row", "variable", "object-cell", "untitled-column", "no-columns", "unclosed", "stray-close"],
)
def test_unreadable_mdx_raises(page: str, message: str) -> None:
    with pytest.raises(mdx.MdxError, match=message):
        mdx.to_markdown(page)


def test_a_pipe_in_a_cell_stays_inside_its_cell() -> None:
    text = mdx.to_markdown('<DocTable columns={["A", "B"]} rows={[["x | y", 2]]} />')
    (table,) = tables(text)
    assert table.rows == (("x | y", "2"),)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "Web search is available for **\\$10 per 1,000 searches**, plus tokens.",
            ["$10 per 1,000 searches"],
        ),
        ("billed at **$0.05 per hour, per container**", ["$0.05 per hour, per container"]),
        ("a 1.1x multiplier and a 10% premium; 1.25 times the price", ["1.1x", "10%", "1.25 times"]),
        ("Each organization receives **1,550 free hours** of usage", ["1,550 free hours"]),
        ("Total cost: \\~\\$22.20 per 10,000 tickets", ["~$22.20 per 10,000 tickets"]),
        ("(\\$3 per 1M input, \\$15 per 1M output)", ["$3 per 1M input", "$15 per 1M output"]),
        ("| Input tokens | 50,000 × $5 / 1,000,000 |", ["$5"]),
        ("Claude Sonnet 4.5 and a 200K window in tier 4", []),
    ],
)
def test_mentions_are_quoted_as_written(line: str, expected: list[str]) -> None:
    assert mdx.mentions(line) == expected


def test_unread_names_what_each_section_prices_outside_the_read_tables() -> None:
    page = (
        "# Pricing\n\n## Models\n\n| Model | Input |\n| --- | --- |\n| A | $1 / MTok |\n\n"
        "Cache reads are 0.1x the input price.\n\nExamples\n--------\n\n"
        "| Item | Cost |\n| --- | --- |\n| Input | $0.25 |\n\n### [\u200b](#x)\n\nStill examples: $9 per run.\n"
    )
    found = list(tables(page))
    notes = mdx.unread(page, found[:1], read=())
    assert notes == [
        "not stored (Pricing > Models): 0.1x",
        "not stored (Pricing > Examples): $0.25; $9 per run",
    ]
    assert mdx.unread(page, found, read={"0.1x", "$9 per run"}) == []


#: A rendered docs page (the fallback URL's form): navigation, a script with prices in it, headings,
#: a table with a <br> cell, a paragraph and a list.
RENDERED = """<!DOCTYPE html><html><head><script>self.__next_f.push("$99 / MTok")</script></head>
<body><nav><h5>Getting Started</h5><ul><li><a href="/p">Pricing</a></li></ul></nav>
<main><h1>Pricing</h1><h2 id="model-pricing">Model pricing</h2>
<p>The following table shows pricing for <strong>all</strong> models:</p>
<table><thead><tr><th>Model</th><th>Base Input Tokens</th><th>Output Tokens</th></tr></thead>
<tbody><tr><td>Claude Opus 4.6</td><td>$5 / MTok</td><td>$25 / MTok</td></tr>
<tr><td>Claude Sonnet 4.6 / 4.5</td><td>Input: $3 / MTok<br/>Output: $15 / MTok</td><td>x | y</td></tr></tbody></table>
<h4 id="web-search-tool">Web search tool</h4>
<p>Web search is available for <strong>$10 per 1,000 searches</strong>.</p>
<ul><li>Execution time has a minimum of 5 minutes</li></ul><pre><code>| not | a table |</code></pre>
</main></body></html>"""


def test_a_rendered_page_reads_as_the_same_markdown() -> None:
    text = mdx.to_markdown(RENDERED)
    (table,) = tables(text)
    assert table.headings == ("Pricing", "Model pricing")
    assert table.header == ("Model", "Base Input Tokens", "Output Tokens")
    assert table.rows[1] == ("Claude Sonnet 4.6 / 4.5", "Input: $3 / MTok Output: $15 / MTok", "x | y")
    assert table.preface == "The following table shows pricing for all models:"
    prose = [(line.headings[-1], line.text) for line in mdx.prose(text)]
    assert ("Web search tool", "Web search is available for $10 per 1,000 searches.") in prose
    assert ("Web search tool", "- Execution time has a minimum of 5 minutes") in prose
    assert "$99" not in text and "not | a table" not in text  # scripts and code are never read
