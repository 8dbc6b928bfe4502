"""One model resolver: what a user typed -> the (vendor, model) it names, or why it names none.

Every place that takes a model name (``cost``, ``breakeven``, the RateBook, and ``prices`` /
``history`` once wired) resolves it here, by these rules, in this order (the first that matches
wins; ids are lower case, so the name is matched in lower case):

1. ``vendor/id``: a configured or stored vendor and one of its ids (an explicit vendor wins over
   an id that happens to contain a slash: ``openai/gpt-4o`` is OpenAI's, OpenRouter's is
   ``openrouter/openai/gpt-4o``);
2. exact id: the one vendor whose id it is (``claude-sonnet-4-5``; OpenRouter's
   ``anthropic/claude-3.5-haiku``);
3. configured alias: ``[vendors.X].aliases`` maps an id to the name a registry knows it by
   (``claude-sonnet-4-5 = "claude-sonnet-4-5-20250929"``); that name, bare or as ``X/name``,
   names the id;
4. unique suffix: the one id ending in the name at a word boundary (``/`` or ``-``):
   ``sonnet-4-5``, ``claude-3.5-haiku`` (OpenRouter's ``anthropic/claude-3.5-haiku``), and
   ``X/suffix`` within vendor X.

A rule that matches several models raises :class:`AmbiguousModel` listing them; a name no rule
matches raises :class:`UnknownModel` with the closest names. Which dates have rates is not the
resolver's question: "no model matches" and "no rates for it on that date" are different errors.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field

SHOWN = 10
"""Candidates and suggestions listed in an error message."""
_BOUNDARIES = ("/", "-")


class UnknownModel(LookupError):
    """No model matches the name; ``suggestions`` are the closest ``vendor/id`` names."""

    def __init__(self, ref: str, suggestions: Iterable[str] = ()) -> None:
        self.ref = ref
        self.suggestions = tuple(suggestions)
        close = f"; did you mean: {', '.join(self.suggestions)}" if self.suggestions else ""
        super().__init__(f"no model matches {ref!r}{close}")


class AmbiguousModel(LookupError):
    """The name matches several models; ``candidates`` lists them as ``vendor/id``."""

    def __init__(self, ref: str, rule: str, candidates: Iterable[str]) -> None:
        self.ref = ref
        self.candidates = tuple(sorted(candidates))
        shown = ", ".join(self.candidates[:SHOWN])
        more = f" and {len(self.candidates) - SHOWN} more" if len(self.candidates) > SHOWN else ""
        super().__init__(f"{ref!r} matches several models ({rule}): {shown}{more}; name one as vendor/id")


@dataclass(frozen=True, slots=True)
class Resolved:
    """The model a name resolved to, and by which rule (for a note when it was not exact)."""

    vendor: str
    model: str
    rule: str
    """``vendor/id``, ``exact id``, ``alias`` or ``unique suffix``."""

    @property
    def ref(self) -> str:
        return f"{self.vendor}/{self.model}"


def _loose(text: str) -> str:
    """A name with its separators made one (spaces, dots, dashes, underscores): for suggestions."""
    return "-".join(t for t in re.split(r"[\s._-]+", text.lower()) if t)


def _suffix_of(name: str, model: str) -> bool:
    return model != name and model.endswith(name) and model[-len(name) - 1] in _BOUNDARIES


@dataclass(frozen=True)
class Catalog:
    """The models names resolve against: every (vendor, id) known, and the configured aliases.

    Built once per RateBook (or command), so each resolution is a few dict lookups.
    """

    known: Collection[tuple[str, str]]
    aliases: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    """Vendor -> {model id: other name}, as in ``[vendors.X].aliases``."""
    _by_id: dict[str, list[str]] = field(init=False, repr=False, default_factory=dict)
    _by_alias: dict[str, list[tuple[str, str]]] = field(init=False, repr=False, default_factory=dict)
    _pairs: frozenset[tuple[str, str]] = field(init=False, repr=False, default=frozenset())
    vendors: frozenset[str] = field(init=False, default=frozenset())
    """Every vendor with a model: the ``vendor/`` a name may start with."""

    def __post_init__(self) -> None:
        pairs = frozenset(self.known)
        object.__setattr__(self, "_pairs", pairs)
        object.__setattr__(self, "vendors", frozenset(v for v, _ in pairs))
        for vendor, model in sorted(pairs):
            self._by_id.setdefault(model, []).append(vendor)
        for vendor, names in self.aliases.items():
            for model, other in names.items():
                if (vendor, model) in pairs:
                    self._by_alias.setdefault(other.lower(), []).append((vendor, model))

    def resolve(self, ref: str) -> Resolved:
        """The one model ``ref`` names by the module's rules; AmbiguousModel or UnknownModel."""
        name = ref.strip().lower()
        vendor, slash, rest = name.partition("/")
        scoped = bool(slash) and vendor in self.vendors
        if scoped and (vendor, rest) in self._pairs:
            return Resolved(vendor, rest, "vendor/id")
        found = self._by_id.get(name, [])
        if found:
            return self._one(ref, "exact id", [(v, name) for v in found])
        aliased = self._by_alias.get(name) or (
            [p for p in self._by_alias.get(rest, []) if p[0] == vendor] if scoped else []
        )
        if aliased:
            return self._one(ref, "alias", aliased)
        suffixed = [(v, m) for v, m in self._pairs if _suffix_of(name, m)]
        if scoped:
            suffixed += [(v, m) for v, m in self._pairs if v == vendor and _suffix_of(rest, m)]
        if suffixed:
            return self._one(ref, "unique suffix", suffixed)
        raise UnknownModel(ref, self.suggest(name))

    def _one(self, ref: str, rule: str, found: list[tuple[str, str]]) -> Resolved:
        unique = sorted(set(found))
        if len(unique) > 1:
            raise AmbiguousModel(ref, rule, [f"{v}/{m}" for v, m in unique])
        return Resolved(*unique[0], rule)

    def suggest(self, name: str) -> list[str]:
        """The closest ``vendor/id`` names: ids containing the name, then near spellings."""
        from difflib import get_close_matches  # only on the error path

        needle = name.rpartition("/")[2]
        names = sorted(f"{v}/{m}" for v, m in self._pairs)
        loose = _loose(needle)  # "sonnet 4.5" finds claude-sonnet-4-5 and claude-sonnet-4.5
        containing = [n for n in names if needle and loose in _loose(n.partition("/")[2])]
        ids = sorted(self._by_id)
        near = get_close_matches(needle, ids, n=SHOWN, cutoff=0.6)
        spelled = [f"{v}/{m}" for m in near for v in self._by_id[m]]
        return list(dict.fromkeys([*containing, *spelled]))[:SHOWN]


def resolve(
    ref: str, known: Collection[tuple[str, str]], aliases: Mapping[str, Mapping[str, str]] | None = None
) -> Resolved:
    """Resolve ``ref`` among ``known`` (vendor, id) pairs and configured ``aliases`` (see the module).

    For many names against one store, build a :class:`Catalog` once and call its ``resolve``.
    """
    return Catalog(known, aliases or {}).resolve(ref)
