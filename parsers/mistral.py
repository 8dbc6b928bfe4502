"""Mistral: the model records of its public docs repository (``mistralai/platform-docs-public``).

``src/schema/models/models/`` holds one TypeScript module per model, ``export default {...} as
const satisfies StaticModel``, which renders docs.mistral.ai's model cards and pricing. The
crawler fetches the GitHub contents-API listing of that folder and then every file in it; each
body comes here on its own and the vendor's rates are the union. Bodies are read by meaning:

* the folder listing (a JSON array of file entries) and the folder's index module (imports, no
  default export) carry no prices: no rates, no error;
* a model record is read with :mod:`ratecard.parsers.tsliteral` (never executed). Its
  ``pricing`` is ``custom`` (``input``/``output`` arrays of ``{type, price, denominator}``;
  ``type`` flat/range only changes how the site draws it), ``range`` (one input and one output
  number) or ``flat`` (one number for the model, not split into input and output: not stored,
  noted). An empty array publishes nothing;
* the denominator is the unit: ``/M Tokens`` is per million tokens (``input``/``output``),
  ``/Min`` per minute of audio input (``transcription`` for a transcription-only record,
  ``audio_input_duration`` for a chat model's audio), ``/M Chars`` on the output side per
  million characters of speech (``speech_generation``). Anything else (``/1000 Pages`` of OCR,
  input characters) has no unit in the vocabulary: not stored, said in the notes;
* ``pricing.free`` is a ``free`` flag; ``status`` Deprecated/Retired and ``legacy: true`` are
  ``deprecated``/``retired``/``legacy`` flags with the record's dates as the reason. Records that
  publish no price add nothing (several retired records share an API name);
* every API name in ``identifiers.apiNames`` except the moving ``-latest`` aliases is a model id
  billed at the record's prices (see :func:`model_ids`).

A concatenation of such files with ``// ===== FILE: <path> @ <sha> =====`` lines (how archives of
the repository's history are kept, and the bundled demo captures) is read as the union of its
files. An unknown key in a price entry, an unknown status or pricing type refuses.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from ratecard.parsers.base import Parsed, ParsedRate, ParseError, Unit, normalize, parsed
from ratecard.parsers.tsliteral import LiteralError, Value, default_export, is_module

VENDOR = "mistral"

_ID = re.compile(r"^[a-z0-9][a-z0-9.-]*$")
_FILE = re.compile(r"^// ===== FILE: (?P<path>\S+) @ (?P<sha>\S+) =====\n", re.MULTILINE)
_STATUS_FLAGS = {"Active": None, "Deprecated": "deprecated", "Retired": "retired"}
_ENTRY_KEYS = frozenset({"type", "price", "denominator"})
#: Entry keys that publish something this parser does not store (a EUR amount, a pre-discount
#: price, a label that renames the entry): the entry is noted, not read.
_NOTED_KEYS = frozenset({"priceEur", "originalPrice", "label"})


@dataclass(frozen=True, slots=True)
class _Per:
    """A denominator's meaning: what is counted and how many of it one price buys."""

    quantity: str
    count: int


#: Denominators as the records write them (lower case, single spaces).
_DENOMINATORS: dict[str, _Per] = {
    "/m tokens": _Per("tokens", 1_000_000),
    "/min": _Per("minutes", 1),
    "/m chars": _Per("characters", 1_000_000),
    "/1000 pages": _Per("pages", 1000),
    "/1000 annotated pages": _Per("annotated pages", 1000),
}
#: (side, quantity) -> field and stored unit; per-minute audio input depends on the record.
_FIELDS: dict[tuple[str, str], tuple[str, Unit]] = {
    ("input", "tokens"): ("input", "usd_per_mtok"),
    ("output", "tokens"): ("output", "usd_per_mtok"),
    ("input", "minutes"): ("audio_input_duration", "usd_per_minute"),
    ("output", "characters"): ("speech_generation", "usd_per_mchars"),
}


def model_ids(api_names: Sequence[str]) -> list[str]:
    """The ids a record is billed under: its API names without the ``-latest`` aliases.

    ``['mistral-medium-2508', 'mistral-medium-latest']`` -> ``['mistral-medium-2508']``;
    ``['open-mistral-nemo-2407', 'open-mistral-nemo']`` -> both. A ``-latest`` alias moves to the
    next model on release, so its price history would be two models' prices spliced together.
    """
    out = [n for n in api_names if not n.endswith("-latest")]
    for name in out:
        if not _ID.match(name):
            raise ParseError(VENDOR, f"unrecognised API name {name!r}")
    return out


def _str(record: Mapping[str, Value], key: str, where: str) -> str:
    value = record.get(key)
    if not isinstance(value, str):
        raise ParseError(VENDOR, f"{where}: expected a string {key!r}, found {value!r}")
    return value


def _dict(record: Mapping[str, Value], key: str, where: str) -> dict[str, Value]:
    value = record.get(key)
    if not isinstance(value, dict):
        raise ParseError(VENDOR, f"{where}: expected an object {key!r}, found {value!r}")
    return value


def _list(record: Mapping[str, Value], key: str, where: str) -> list[Value]:
    value = record.get(key)
    if not isinstance(value, list):
        raise ParseError(VENDOR, f"{where}: expected a list {key!r}, found {value!r}")
    return value


def _price(value: Value, where: str) -> Decimal:
    if not isinstance(value, Decimal) or value < 0:
        raise ParseError(VENDOR, f"{where}: unreadable price {value!r}")
    return normalize(value)


def _sides(pricing: Mapping[str, Value], where: str) -> tuple[list[tuple[str, dict[str, Value]]], list[str]]:
    """(side, entry) of every published amount, and notes for pricing not split by side."""
    kind = pricing.get("type")
    if kind == "custom":
        entries: list[tuple[str, dict[str, Value]]] = []
        for side in ("input", "output"):
            for entry in _list(pricing, side, where):
                if not isinstance(entry, dict):
                    raise ParseError(VENDOR, f"{where}: {side} entry {entry!r} is not an object")
                entries.append((side, entry))
        return entries, []
    if kind == "range":
        per = pricing.get("denominator")
        return [
            (s, {"type": "range", "price": pricing.get(s), "denominator": per}) for s in ("input", "output")
        ], []
    if kind == "flat":
        amount = _price(pricing.get("price"), where)
        per = pricing.get("denominator")
        return [], [f"{where}: one flat price {amount} {per} for the model, not split into input and output"]
    raise ParseError(VENDOR, f"{where}: unknown pricing type {kind!r}")


def _entry(
    side: str, entry: Mapping[str, Value], transcribes: bool, where: str
) -> tuple[str, Unit, Decimal] | str:
    """(field, unit, amount) of one price entry, or a note saying why it is not stored."""
    unknown = set(entry) - _ENTRY_KEYS - _NOTED_KEYS
    if unknown or not set(entry) >= _ENTRY_KEYS:
        raise ParseError(VENDOR, f"{where}: unexpected price entry keys {sorted(entry)}")
    amount = _price(entry["price"], where)
    denominator = _str(entry, "denominator", where)
    noted = sorted(_NOTED_KEYS & set(entry))
    if noted:
        return f"{where}: {side} {amount} {denominator} carries {', '.join(noted)}, not read"
    per = _DENOMINATORS.get(" ".join(denominator.lower().split()))
    found = _FIELDS.get((side, per.quantity)) if per else None
    if per is None or found is None:
        return f"{where}: {side} {amount} {denominator} has no billing unit here"
    fld, unit = found
    if fld == "audio_input_duration" and transcribes:
        fld = "transcription"
    return fld, unit, amount


def _flags(record: Mapping[str, Value], where: str) -> list[tuple[str, str]]:
    """(flag, reason) for the record's status and legacy marker, reasons quoting its dates."""
    status = _str(record, "status", where)
    if status not in _STATUS_FLAGS:
        raise ParseError(VENDOR, f"{where}: unknown status {status!r}")
    meta = record.get("metadata") or {}
    if not isinstance(meta, dict):
        raise ParseError(VENDOR, f"{where}: metadata is not an object")
    dates = "; ".join(
        f"{label} {meta[key]}"
        for key, label in (("deprecationDate", "deprecation"), ("retirementDate", "retirement"))
        if isinstance(meta.get(key), str) and meta[key]
    )
    out: list[tuple[str, str]] = []
    flag = _STATUS_FLAGS[status]
    if flag:
        out.append((flag, f"page: status {status}" + (f" ({dates})" if dates else "")))
    if record.get("legacy") is True:
        out.append(("legacy", "page: legacy: true"))
    return out


def _record(record: Mapping[str, Value]) -> tuple[list[ParsedRate], dict[str, str], list[str]]:
    """Rates, display names and notes of one model record."""
    slug = _str(record, "slug", "a model record")
    where = slug
    pricing = _dict(record, "pricing", where)
    identifiers = _dict(record, "identifiers", where)
    names = [n for n in _list(identifiers, "apiNames", where) if isinstance(n, str)]
    ids = model_ids(names)
    features = record.get("capabilities")
    listed = features.get("features") if isinstance(features, dict) else None
    transcribes = isinstance(listed, list) and "transcriptions" in listed and "chat-completions" not in listed
    entries, notes = _sides(pricing, where)
    found = [_entry(side, e, transcribes, where) for side, e in entries]
    notes += [f for f in found if isinstance(f, str)]
    prices = [f for f in found if not isinstance(f, str)]
    published = bool(entries) or bool(notes)
    if not published:
        return [], {}, []
    if not ids:
        return [], {}, [*notes, f"{where}: prices published without an API name, not stored"]
    flags = _flags(record, where)
    if pricing.get("free") is True:
        flags.append(("free", "page: pricing.free is true"))
    name, version = _str(record, "name", where), record.get("version")
    display = f"{name} {version}" if isinstance(version, str) and version else name
    rates = [ParsedRate(mid, fld, amount, unit) for mid in ids for fld, unit, amount in prices]
    rates += [ParsedRate(mid, f, None, unit="flag", reason=why) for mid in ids for f, why in flags]
    return rates, dict.fromkeys(ids, display), notes


def _listing(text: str) -> bool:
    """Whether the body is a GitHub contents-API folder listing (a JSON array of file entries)."""
    if not text.lstrip().startswith("["):
        return False
    try:
        doc = json.loads(text)
    except ValueError as exc:
        raise ParseError(VENDOR, f"unreadable JSON listing: {exc}") from exc
    if not isinstance(doc, list) or not all(isinstance(e, dict) and "download_url" in e for e in doc):
        raise ParseError(VENDOR, "a JSON array that is not a folder listing (entries need download_url)")
    return True


def _module(text: str, url: str) -> tuple[list[ParsedRate], dict[str, str], list[str]]:
    """One fetched file: a model record, or the index module / folder listing (nothing)."""
    if _listing(text):
        return [], {}, []
    if not is_module(text):
        raise ParseError(VENDOR, f"{url} is neither a model record module nor the folder listing")
    try:
        record = default_export(text)
    except LiteralError as exc:
        raise ParseError(VENDOR, f"unreadable model record in {url}: {exc}") from exc
    if record is None:
        return [], {}, []
    if not isinstance(record, dict):
        raise ParseError(VENDOR, f"{url}: the default export is not a model record object")
    return _record(record)


def _files(text: str) -> list[tuple[str, str]]:
    """(path, body) of each file of a FILE-separated archive; the whole text when it is one file."""
    parts = _FILE.split(text)
    if len(parts) == 1:
        return [("", text)]
    if parts[0].strip():
        raise ParseError(VENDOR, "text before the first '// ===== FILE:' line")
    # the archive adds one newline after each file
    return [(parts[i], parts[i + 2].removesuffix("\n")) for i in range(1, len(parts), 3)]


def parse(body: bytes, url: str, fetched_at: datetime) -> Parsed:
    rates: list[ParsedRate] = []
    names: dict[str, str] = {}
    notes: list[str] = []
    for path, text in _files(body.decode("utf-8")):
        found, shown, noted = _module(text, path or url)
        rates += found
        notes += noted
        for mid, name in shown.items():
            names.setdefault(mid, name)
    return parsed(VENDOR, rates, names, notes)
