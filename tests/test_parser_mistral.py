"""Mistral parser: the docs repository's per-model TypeScript records, fetched file by file.

Each capture date is stored twice: as the crawler fetches it (``<day>__github-contents-models/``:
the folder listing ``contents.json`` and every file it names, stored as ``<name>.txt`` like the
shared TypeScript fixtures so tools do not read them as this project's code) and as the archive bundle the
conformance suite and the demo replay (``<day>__docs-schema-models-bundle.ts.txt``, the same files
joined with ``// ===== FILE:`` lines). The tests crawl the folder form through the pipeline's own
``parse_all`` and hold both forms to one reviewed golden.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import UTC, date, datetime
from decimal import Decimal
from importlib.resources import files
from pathlib import Path

import pytest
from golden import GOLDEN_DIR, check_golden, mangle, rate_of

from ratecard.config.settings import load
from ratecard.crawler.fetch import Fetched
from ratecard.parsers.base import Parsed, ParsedRate, ParseError
from ratecard.parsers.mistral import VENDOR, model_ids, parse
from ratecard.verify import parse_all

CAPTURES = Path(str(files("ratecard") / "captures" / VENDOR))
DAYS = ("2025-10-20", "2026-03-26")
BUNDLE = "{day}__docs-schema-models-bundle.ts.txt"
FOLDER = "{day}__github-contents-models"
VENDOR_CONFIG = load().vendors[VENDOR]
LISTING_URL = VENDOR_CONFIG.start_urls[0]
_SEPARATOR = re.compile(r"^// ===== FILE: (\S+) @ (\S+) =====$", re.MULTILINE)


def _when(day: str) -> datetime:
    return datetime.combine(date.fromisoformat(day), datetime.min.time(), tzinfo=UTC).replace(hour=12)


def folder(day: str) -> Path:
    return CAPTURES / FOLDER.format(day=day)


def stored(day: str, name: str) -> Path:
    """The stored body of the repository file ``name``."""
    return folder(day) / f"{name}.txt"


def listing(day: str) -> list[dict[str, object]]:
    doc = json.loads((folder(day) / "contents.json").read_text(encoding="utf-8"))
    assert isinstance(doc, list)
    return doc


def crawl(day: str) -> list[Fetched]:
    """What the spider hands over: the listing, then each ``download_url`` it names."""
    at = _when(day)
    out = [
        Fetched(
            VENDOR, LISTING_URL, 200, "application/json", (folder(day) / "contents.json").read_bytes(), at
        )
    ]
    for entry in listing(day):
        url = str(entry["download_url"])
        body = stored(day, url.rsplit("/", 1)[1]).read_bytes()
        out.append(Fetched(VENDOR, url, 200, "text/plain", body, at))
    return out


def crawled(day: str) -> list[ParsedRate]:
    return [s.rate for s in parse_all(VENDOR_CONFIG, crawl(day), date.fromisoformat(day))]


def bundle(day: str) -> Parsed:
    return parse((CAPTURES / BUNDLE.format(day=day)).read_bytes(), LISTING_URL, _when(day))


def model_file(day: str, name: str) -> Parsed:
    body = stored(day, name).read_bytes()
    return parse(body, f"https://raw.githubusercontent.com/x/main/{name}", _when(day))


# --- The stored capture is what the crawler fetches, and the bundle holds the same bytes. ---


@pytest.mark.parametrize("day", DAYS)
def test_folder_holds_exactly_the_listed_files(day: str) -> None:
    entries = listing(day)
    names = {p.name.removesuffix(".txt") for p in folder(day).iterdir()} - {"contents.json"}
    assert {str(e["name"]) for e in entries} == names
    for e in entries:
        data = stored(day, str(e["name"])).read_bytes()
        blob = hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()  # git's blob id
        assert (e["size"], e["sha"], e["type"]) == (len(data), blob, "file"), e["name"]
        assert str(e["download_url"]).endswith(f"/main/{e['path']}")


@pytest.mark.parametrize("day", DAYS)
def test_bundle_is_the_listed_files_joined(day: str) -> None:
    text = (CAPTURES / BUNDLE.format(day=day)).read_text(encoding="utf-8")
    rebuilt = "".join(
        f"// ===== FILE: {path} @ {sha} =====\n"
        + stored(day, path.rsplit("/", 1)[1]).read_text(encoding="utf-8")
        + "\n"
        for path, sha in _SEPARATOR.findall(text)
    )
    assert rebuilt == text
    assert len(_SEPARATOR.findall(text)) == len(listing(day))


@pytest.mark.parametrize("day", DAYS)
def test_crawled_files_match_the_reviewed_golden(day: str) -> None:
    """The union over the per-file bodies, through ``parse_all``, is the reviewed golden."""
    check_golden(crawled(day), GOLDEN_DIR / VENDOR / f"{BUNDLE.format(day=day)}.json")


@pytest.mark.parametrize("day", DAYS)
def test_bundle_reads_as_the_union_of_its_files(day: str) -> None:
    key = ("model", "field", "tier", "value", "unit", "reason")
    as_crawled = sorted(tuple(str(getattr(r, k)) for k in key) for r in crawled(day))
    as_bundle = sorted(tuple(str(getattr(r, k)) for k in key) for r in bundle(day).rates)
    assert as_crawled == as_bundle


@pytest.mark.parametrize("day", DAYS)
def test_listing_and_index_module_carry_no_rates(day: str) -> None:
    body = (folder(day) / "contents.json").read_bytes()
    assert parse(body, LISTING_URL, _when(day)) == Parsed(VENDOR, ())
    assert model_file(day, "index.ts") == Parsed(VENDOR, ())


# --- Values checked by hand against the record files. ---

BY_HAND = [
    # 2025-10-20, mistral-large-2-1-24-11.ts: "input: [ { type: 'range', price: 2.0, denominator: '/M Tokens' } ]"
    ("2025-10-20", "mistral-large-2411", "input", "2", "usd_per_mtok"),
    # same file: "output: [ { type: 'range', price: 6.0, denominator: '/M Tokens' } ]"
    ("2025-10-20", "mistral-large-2411", "output", "6", "usd_per_mtok"),
    # codestral-25-08.ts: "price: 0.3, denominator: '/M Tokens'" / "price: 0.9, ..."
    ("2025-10-20", "codestral-2508", "input", "0.3", "usd_per_mtok"),
    ("2025-10-20", "codestral-2508", "output", "0.9", "usd_per_mtok"),
    # codestral-embed-25-05.ts: "input: [ { type: 'flat', price: 0.15, denominator: '/M Tokens' } ]"
    ("2025-10-20", "codestral-embed", "input", "0.15", "usd_per_mtok"),
    # mistral-embed-23-12.ts: "{ type: 'flat', price: 0.1, denominator: '/M Tokens' }"
    ("2025-10-20", "mistral-embed", "input", "0.1", "usd_per_mtok"),
    # voxtral-mini-25-07.ts: "{ type: 'range', price: 0.001, denominator: '/Min' },
    #   { type: 'flat', price: 0.04, denominator: '/M Tokens' }"
    ("2025-10-20", "voxtral-mini-2507", "audio_input_duration", "0.001", "usd_per_minute"),
    ("2025-10-20", "voxtral-mini-2507", "input", "0.04", "usd_per_mtok"),
    # voxtral-mini-transcribe-25-07.ts (features: ['timestamps', 'transcriptions']):
    #   "{ type: 'flat', price: 0.002, denominator: '/Min' }"
    ("2025-10-20", "voxtral-mini-2507", "transcription", "0.002", "usd_per_minute"),
    # voxtral-small-25-07.ts: "{ type: 'range', price: 0.004, denominator: '/Min' }"
    ("2025-10-20", "voxtral-small-2507", "audio_input_duration", "0.004", "usd_per_minute"),
    # ministral-3b-24-1.ts: "price: 0.04, denominator: '/M Tokens'" (input and output)
    ("2025-10-20", "ministral-3b-2410", "output", "0.04", "usd_per_mtok"),
    # mistral-nemo-12b-24-07.ts: apiNames ['open-mistral-nemo-2407', 'open-mistral-nemo'], 0.15 both
    ("2025-10-20", "open-mistral-nemo", "output", "0.15", "usd_per_mtok"),
    # 2026-03-26, mistral-large-3-25-12.ts: "price: 0.5 ..." / "price: 1.5, denominator: '/M Tokens'"
    ("2026-03-26", "mistral-large-2512", "input", "0.5", "usd_per_mtok"),
    ("2026-03-26", "mistral-large-2512", "output", "1.5", "usd_per_mtok"),
    # mistral-small-4-0-26-03.ts: "price: 0.15, ..." / "price: 0.6, denominator: '/M Tokens'"
    ("2026-03-26", "mistral-small-2603", "input", "0.15", "usd_per_mtok"),
    ("2026-03-26", "mistral-small-2603", "output", "0.6", "usd_per_mtok"),
    # voxtral-tts-26-03.ts: "output: [ { type: 'range', price: 16.0, denominator: '/M Chars' }, ]"
    ("2026-03-26", "voxtral-tts-2603", "speech_generation", "16", "usd_per_mchars"),
    # voxtral-mini-transcribe-26-02.ts: "{ type: 'flat', price: 0.003, denominator: '/Min' }"
    ("2026-03-26", "voxtral-mini-2602", "transcription", "0.003", "usd_per_minute"),
    # voxtral-mini-transcribe-realtime-26-02.ts: "{ type: 'flat', price: 0.006, denominator: '/Min' }"
    ("2026-03-26", "voxtral-mini-transcribe-realtime-2602", "transcription", "0.006", "usd_per_minute"),
    # ministral-3-14b-25-12.ts: "price: 0.2, denominator: '/M Tokens'"
    ("2026-03-26", "ministral-14b-2512", "input", "0.2", "usd_per_mtok"),
    # devstral-2-25-12.ts: apiNames ['devstral-2512', 'devstral-latest', ...], "price: 2.0" output
    ("2026-03-26", "devstral-2512", "output", "2", "usd_per_mtok"),
    # codestral-embed-25-05.ts now lists apiNames ['codestral-embed-2505', 'codestral-embed']
    ("2026-03-26", "codestral-embed-2505", "input", "0.15", "usd_per_mtok"),
    # leanstral-26-03.ts: "free: true", "price: 0.0, denominator: '/M Tokens'"
    ("2026-03-26", "labs-leanstral-2603", "input", "0", "usd_per_mtok"),
]


@pytest.mark.parametrize(("day", "model", "fld", "amount", "unit"), BY_HAND)
def test_hand_checked_prices(day: str, model: str, fld: str, amount: str, unit: str) -> None:
    rate = rate_of(bundle(day), model, fld)
    assert (rate.value, rate.unit, rate.currency, rate.status) == (Decimal(amount), unit, "USD", "verified")


def test_status_and_legacy_become_flags_with_the_records_dates() -> None:
    old, new = bundle("2025-10-20"), bundle("2026-03-26")
    # codestral-25-01.ts, 2025-10-20: "status: 'Deprecated'", "legacy: true",
    # "metadata: {deprecationDate: 'October 31, 2025', retirementDate: 'January 31, 2026', ...}"
    assert rate_of(old, "codestral-2501", "deprecated").reason == (
        "page: status Deprecated (deprecation October 31, 2025; retirement January 31, 2026)"
    )
    assert rate_of(old, "codestral-2501", "legacy").unit == "flag"
    # the same file on 2026-03-26: "status: 'Retired'", deprecation November 6, 2025
    assert rate_of(new, "codestral-2501", "retired").reason == (
        "page: status Retired (deprecation November 6, 2025; retirement November 30, 2025)"
    )
    assert rate_of(new, "labs-leanstral-2603", "free").reason == "page: pricing.free is true"
    # mistral-moderation-26-03.ts: "type: 'flat', free: true, price: 0": a free model, no split price
    assert [r.field for r in new.rates if r.model == "mistral-moderation-2603"] == ["free"]
    assert not [r for r in old.rates if r.model == "codestral-2508" and r.unit == "flag"]  # Active


def test_display_names_are_name_and_version() -> None:
    assert bundle("2026-03-26").display_names["mistral-large-2512"] == "Mistral Large 3 25.12"


# --- Recall: every price in every record, stored or on the reviewed list. ---

_SIDE = re.compile(r"\b(input|output): \[(.*?)\]", re.DOTALL)
_ENTRY = re.compile(r"price: ([\d.]+), denominator: '([^']*)'")
_FLAT = re.compile(r"type: 'flat',\s*free: \w+,\s*price: ([\d.]+),\s*denominator: '([^']*)'")
_API = re.compile(r"apiNames: \[([^\]]*)\]")
#: How the page's denominators are stored (the module's reading, restated as the spec).
STORED = {
    ("input", "/M Tokens"): ("input", "usd_per_mtok"),
    ("output", "/M Tokens"): ("output", "usd_per_mtok"),
    ("input", "/Min"): ("audio_input_duration", "usd_per_minute"),
    ("output", "/M Chars"): ("speech_generation", "usd_per_mchars"),
}
#: Published prices not stored, reviewed: (file, side, denominator) -> why.
NOT_MODELLED = {
    "2025-10-20": {
        ("ocr-25-05.ts", "input", "/1000 Pages"): "no billing unit for OCR pages in ratecard.units",
        ("ocr-25-05.ts", "input", "/1000 Annotated Pages"): "no billing unit for OCR pages",
    },
    "2026-03-26": {
        ("ocr-2-25-05.ts", "input", "/1000 Pages"): "no billing unit for OCR pages in ratecard.units",
        ("ocr-2-25-05.ts", "input", "/1000 Annotated Pages"): "no billing unit for OCR pages",
        ("ocr-3-25-12.ts", "input", "/1000 Pages"): "no billing unit for OCR pages in ratecard.units",
        ("ocr-3-25-12.ts", "input", "/1000 Annotated Pages"): "no billing unit for OCR pages",
        ("voxtral-tts-26-03.ts", "input", "/M Chars"): "0 per M input characters of a TTS model: "
        "speech_generation holds its output price; a 0 is stored only for free models",
        ("mistral-moderation-26-03.ts", "flat", "/M Tokens"): "one price for the model, not split "
        "into input and output (the model is flagged free)",
    },
}


def published(day: str) -> list[tuple[str, str, str, Decimal, list[str]]]:
    """(file, side, denominator, amount, ids) of every price written in the day's record files."""
    out = []
    for path in sorted(folder(day).glob("*.ts.txt")):
        text = path.read_text(encoding="utf-8")
        api = _API.search(text)
        names = re.findall(r"'([^']+)'", api.group(1)) if api else []
        ids = [n for n in names if not n.endswith("-latest")]
        sides = [(side, body) for side, body in _SIDE.findall(text)]
        sides += [("flat", f"price: {p}, denominator: '{d}'") for p, d in _FLAT.findall(text)]
        for side, body in sides:
            out += [
                (path.name.removesuffix(".txt"), side, d, Decimal(p), ids) for p, d in _ENTRY.findall(body)
            ]
    return out


@pytest.mark.parametrize("day", DAYS)
def test_recall_every_published_price_is_stored_or_reviewed(day: str) -> None:
    result = bundle(day)
    stored = {(r.model, r.field, r.tier): r for r in result.rates}
    skipped = set()
    for name, side, per, amount, ids in published(day):
        if (name, side, per) in NOT_MODELLED[day]:
            skipped.add((name, side, per))
            assert any(n.startswith(name.removesuffix(".ts")) and per in n for n in result.notes)
            continue
        fld, unit = STORED[(side, per)]
        if fld == "audio_input_duration" and "transcribe" in name:
            fld = "transcription"
        assert ids, f"{name} prices a model without an API name"
        for mid in ids:
            rate = stored[(mid, fld, "standard")]
            assert (rate.value, rate.unit) == (amount, unit), (name, mid, fld)
    assert skipped == set(NOT_MODELLED[day])
    # `grep -o "price: [0-9.]*" <folder>/*.ts.txt | wc -l`: every price literal was seen above
    assert len(published(day)) == {"2025-10-20": 58, "2026-03-26": 83}[day]


# --- The id rule, and what is refused. ---


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (["mistral-medium-2508", "mistral-medium-latest", "mistral-large-latest"], ["mistral-medium-2508"]),
        (["open-mistral-nemo-2407", "open-mistral-nemo"], ["open-mistral-nemo-2407", "open-mistral-nemo"]),
        (["voxtral-mini-latest"], []),
    ],
)
def test_model_ids_are_the_api_names_but_latest_aliases(names: list[str], expected: list[str]) -> None:
    assert model_ids(names) == expected


def test_model_id_refuses_names_that_are_not_ids() -> None:
    with pytest.raises(ParseError, match="mistral: unrecognised API name 'Mistral Large'"):
        model_ids(["Mistral Large"])


def _record(day: str, name: str, old: str, new: str) -> bytes:
    return mangle(stored(day, name).read_text(encoding="utf-8"), old, new).encode("utf-8")


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("price: 1.5, denominator", "price: basePrice, denominator", "unreadable model record"),
        ("type: 'custom'", "type: 'tiered'", "unknown pricing type 'tiered'"),
        ("status: 'Active'", "status: 'Preview'", "unknown status 'Preview'"),
        (
            "price: 1.5, denominator",
            "price: 1.5, cachedPrice: 0.2, denominator",
            "unexpected price entry keys",
        ),
        ("price: 1.5, denominator", "price: '1.5', denominator", "unreadable price '1.5'"),
        ("  pricing: {", "  pricing: { ...defaults,", "unreadable model record"),
        ("} as const satisfies StaticModel;", "} as const satisfies StaticModel;\nregister();", "after"),
    ],
)
def test_mangled_record_is_refused(old: str, new: str, message: str) -> None:
    body = _record("2026-03-26", "mistral-large-3-25-12.ts", old, new)
    with pytest.raises(ParseError, match=r"^mistral: ") as err:
        parse(body, "https://raw.githubusercontent.com/x/main/mistral-large-3-25-12.ts", _when("2026-03-26"))
    assert message in str(err.value)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            b"<!DOCTYPE html><title>Rate limited</title>",
            "neither a model record module nor the folder listing",
        ),
        (b'[{"name": "a.ts"}]', "not a folder listing"),
        (b"[{", "unreadable JSON listing"),
    ],
)
def test_other_bodies_are_refused(body: bytes, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        parse(body, LISTING_URL, _when("2026-03-26"))


def test_entries_this_parser_does_not_read_are_noted_not_stored() -> None:
    body = _record(
        "2026-03-26",
        "mistral-large-3-25-12.ts",
        "price: 0.5, denominator",
        "price: 0.5, priceEur: 0.46, denominator",
    )
    result = parse(body, "https://raw.githubusercontent.com/x/main/a.ts", _when("2026-03-26"))
    assert [r.field for r in result.rates] == ["output"]
    assert result.notes == ("mistral-large-3-25-12: input 0.5 /M Tokens carries priceEur, not read",)


#: A minimal record in the repository's shape, its pricing object left open.
RECORD = """import { StaticModel } from '../schema';
export default {
  name: 'Test', slug: 'test-26-01', version: '26.01', status: 'Active',
  pricing: %s,
  identifiers: { apiNames: ['test-2601', 'test-latest'] },
  capabilities: { input: ['text'], output: ['text'], features: [] },
  metadata: {}, legacy: false,
} as const satisfies StaticModel;
"""


def test_range_pricing_reads_one_input_and_one_output_price() -> None:
    pricing = "{ type: 'range', free: false, input: 0.15, output: 0.6, denominator: '/M Tokens' }"
    result = parse(
        (RECORD % pricing).encode(), "https://raw.githubusercontent.com/x/main/t.ts", _when(DAYS[1])
    )
    assert rate_of(result, "test-2601", "input").value == Decimal("0.15")
    assert rate_of(result, "test-2601", "output").value == Decimal("0.6")
    assert result.models == {"test-2601"}


def test_flat_pricing_is_noted_not_stored() -> None:
    pricing = "{ type: 'flat', free: false, price: 0.2, denominator: '/M Tokens' }"
    result = parse(
        (RECORD % pricing).encode(), "https://raw.githubusercontent.com/x/main/t.ts", _when(DAYS[1])
    )
    assert result.rates == ()
    assert result.notes == (
        "test-26-01: one flat price 0.2 /M Tokens for the model, not split into input and output",
    )


def test_records_without_prices_add_nothing() -> None:
    # mistral-7b-0-2.ts and mistral-7b-0-3.ts both name 'open-mistral-7b', retired, "input: [ ]"
    for name in ("mistral-7b-0-2.ts", "mistral-7b-0-3.ts"):
        assert model_file("2026-03-26", name) == Parsed(VENDOR, ())


def test_manifest_lists_every_stored_file_with_its_size_and_origin() -> None:
    lines = (CAPTURES / "SOURCES.tsv").read_text(encoding="utf-8").splitlines()
    header = [
        "saved_path",
        "origin_repo",
        "path_in_repo",
        "commit_sha",
        "commit_date",
        "original_url",
        "size_bytes",
        "note",
    ]
    assert lines[0].split("\t") == header
    rows = {r[0]: dict(zip(header, r, strict=True)) for r in (line.split("\t") for line in lines[1:])}
    stored = {p for p in CAPTURES.rglob("*") if p.is_file() and p.name != "SOURCES.tsv"}
    assert {CAPTURES.parent / path for path in rows} == stored
    for path, row in rows.items():
        assert int(row["size_bytes"]) == (CAPTURES.parent / path).stat().st_size, path
        assert row["origin_repo"] == "mistralai/platform-docs-public"
    listed = [r for p, r in rows.items() if p.endswith("/contents.json")]
    assert len(listed) == len(DAYS) and all(r["note"].startswith("RECONSTRUCTED") for r in listed)
