"""The price of one request from one model's rates of one day: pure, exact, and never a silent $0.

The rates are the model's rows of the day (:class:`ratecard.rows.PriceRow`, as ``ratecard prices``
shows them: status, staleness and provenance come from the read model, never recomputed here).
Each quantity of a :class:`~ratecard.usage.Usage` is billed by the fields :data:`DEMANDS` names,
at the tier the request falls in:

- a prompt (all input, cached or not) over a ``context>N`` threshold is billed, every token, at
  that tier, as vendors bill it; a ``context=A-B`` tier applies when the prompt is in (A, B]; a
  ``context=long`` tier states no threshold and applies only when asked for (``tier=``);
- ``service_tier`` ``flex``/``priority`` selects the ``service=`` tiers, ``batch`` the ``batch_*``
  fields; the vendor's default tier (``[vendors.X].registry_tier``: Azure's global eastus2
  deployment) stands for "no tier given" where the vendor has no plain rate;
- a field the chosen tier lacks is billed at the rate of a less specific tier (a long prompt's
  cache reads at the standard rate when the page gives no long-context cache price), and noted.

A rate it needs and cannot find is a :class:`MissingRate` naming it: the answer is never a
quietly lower total. :class:`ModelRates` keeps the rows indexed by field and memoises each
request shape's choice of rates (a :class:`Plan`), so pricing a request is arithmetic.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from decimal import Decimal
from typing import Any, NamedTuple

from ratecard import tiers
from ratecard.rows import PriceRow
from ratecard.units import TOKEN, UNITS
from ratecard.usage import DEMANDS, Demand, Quantity, Usage

_LONG = "long"
_REQUEST_DIMS = ("context", "service")
"""Tier dimensions chosen for the whole request; the others (size, search context) per line."""


class PricingError(LookupError):
    """The request cannot be priced exactly: the message says what is missing."""


class NoRates(PricingError):
    """The model is known but has no rates in force on that day."""


class MissingRate(PricingError):
    """A quantity of the request needs a rate the model does not have (or not in that tier)."""


class Line(NamedTuple):
    """One priced quantity: ``quantity`` × ``rate`` per ``unit`` = ``usd``, exactly.

    A NamedTuple rather than a frozen dataclass: quotes are built per request on the hot path,
    and a tuple is built several times faster (immutable and typed all the same)."""

    field: str
    """The rate field (``input``, ``batch_output``, ``image_generation``...)."""
    tier: str
    """The tier of the rate used (may be less specific than the quote's: see its notes)."""
    quantity: Quantity
    unit: str
    """The rate's unit (``usd_per_mtok``, ``usd_per_image``, ``usd_per_1k_requests``...)."""
    rate: Decimal
    """USD per ``unit``."""
    usd: Decimal
    usage: str
    """The :class:`Usage` field this line bills (``input_tokens``, ``images``...)."""

    @property
    def tokens(self) -> Quantity | None:
        return self.quantity if self.unit == TOKEN else None

    @property
    def usd_per_mtok(self) -> Decimal | None:
        return self.rate if self.unit == TOKEN else None


@dataclass(slots=True, repr=False)
class Quote:
    """The price of one request, with the rates it used and what a reader should know.

    Four fields: the total, the :class:`Plan` that priced the request's shape, the request and the
    notes; everything else is read from the plan, and :attr:`lines` are built when read, since most
    callers want the total only. (Not frozen: :meth:`Plan.quote` fills a new one's slots directly,
    the cheapest object Python builds; treat it as a value all the same.)
    """

    total_usd: Decimal
    plan: Plan
    """The rates chosen for the request's shape (shared by every request of that shape)."""
    usage: Usage
    """The request priced."""
    notes: tuple[str, ...]

    @property
    def vendor(self) -> str:
        return self.plan.rates.vendor

    @property
    def model(self) -> str:
        return self.plan.rates.model

    @property
    def day(self) -> date:
        """The UTC day whose rates priced the request (the request's own day: never repriced)."""
        return self.plan.rates.day

    @property
    def tier(self) -> str:
        """The tier the request was priced at (``standard``, ``context>200k``, ``service=flex``...)."""
        return self.plan.tier

    @property
    def rates_used(self) -> tuple[PriceRow, ...]:
        """The rows of the rates used, one per line: status, staleness, source URL, fetch sha256."""
        return self.plan.rates_used

    @property
    def steps(self) -> tuple[Step, ...]:
        """The rate chosen for each quantity the request uses."""
        return self.plan.steps

    @property
    def lines(self) -> tuple[Line, ...]:
        """Per priced quantity: ``quantity`` × ``rate`` per ``unit`` = ``usd``, exactly."""
        usage = self.usage
        return tuple(
            _tuple(Line, (s.field, s.tier, q, s.unit, s.rate, q * s.per_unit, s.usage))
            for s in self.plan.steps
            if (q := getattr(usage, s.usage))
        )

    @property
    def ref(self) -> str:
        return f"{self.vendor}/{self.model}"

    def __repr__(self) -> str:
        return (
            f"Quote({self.ref!r}, {self.day}, tier={self.tier!r}, total_usd={self.total_usd!r}, "
            f"notes={self.notes!r})"
        )

    def to_record(self) -> dict[str, Any]:
        """The quote as ``ratecard cost --format json`` shows it, less when it was made (what
        :func:`ratecard.output.plain` writes for a quote, rather than walking its plan)."""
        found = quote_record(self, None, self.usage)
        del found["at"]
        return found


class Step(NamedTuple):
    """One line of a plan: which Usage field, at which rate row; ``per_unit`` is the rate per one
    counted item (exact: a power-of-ten shift of the rate), so a line is one multiplication."""

    usage: str
    field: str
    tier: str
    unit: str
    rate: Decimal
    per_unit: Decimal
    row: PriceRow


@dataclass(frozen=True, slots=True)
class Plan:
    """The rates chosen for one request shape; only quantities change between its requests."""

    rates: ModelRates = field(repr=False, compare=False)
    """The model's rates of the day (a plan compares by the rates it chose, not by all of them)."""
    tier: str
    steps: tuple[Step, ...]
    notes: tuple[str, ...]
    rates_used: tuple[PriceRow, ...] = field(repr=False)
    quote: Callable[[Usage], Quote] = field(repr=False, compare=False)
    """The quote of a request of this shape (see :func:`quoting`)."""

    @classmethod
    def of(cls, rates: ModelRates, tier: str, steps: tuple[Step, ...], notes: tuple[str, ...]) -> Plan:
        scope: dict[str, Any] = {"notes": notes}
        plan = cls(rates, tier, steps, notes, tuple(s.row for s in steps), quoting(steps, scope))
        scope["plan"] = plan
        return plan

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled as what it was made of, with only the rows it uses of its model's (a quote
        travels light); its quote is compiled again when loaded."""
        r = self.rates
        used = list({id(row): row for row in self.rates_used}.values())
        kept = ModelRates(r.vendor, r.model, r.day, used, r.default_tier, r.notes)
        return (Plan.of, (kept, self.tier, self.steps, self.notes))


def quoting(steps: Sequence[Step], scope: dict[str, Any]) -> Callable[[Usage], Quote]:
    """A plan's quote of a request, compiled once per plan; its total is a sum in integers,
    ``unit * (u.input_tokens * 25 + u.output_tokens * 100)`` for $2.50 and $10 per million tokens
    (``unit`` = 1E-7, the finest step of the plan's rates, each an exact integer multiple of it).

    Pricing a request is this and nothing else, so it is built the way ``dataclasses`` builds
    ``__init__``: as code, here filling a new Quote's slots. Its text holds only Usage field names
    (from :data:`DEMANDS`, ours) and the names ``a0, a1...``, bound in ``scope`` to integers: nothing
    read from a page becomes code (``scope`` holds ``notes``; the caller sets ``plan`` once it exists).
    The integer sum is exact; the one Decimal product at the end rounds, like the per-line Decimal
    sum it replaces, only past the context's 28 significant digits (a Decimal quantity, such as 1.5
    seconds, makes the sum a Decimal: exact too at any realistic size).
    """
    exponents = [_exponent(s.per_unit) for s in steps]
    unit = min(exponents)
    scope.update(new=object.__new__, Quote=Quote, unit=Decimal((0, (1,), unit)))
    for i, (s, exp) in enumerate(zip(steps, exponents, strict=True)):
        scope[f"a{i}"] = int(s.per_unit.scaleb(-exp)) * 10 ** (exp - unit)
    terms = " + ".join(f"u.{s.usage} * a{i}" for i, s in enumerate(steps))
    if not terms or not all(s.usage in _QUANTITIES for s in steps):
        raise ValueError(f"cannot sum steps {[s.usage for s in steps]!r}")
    code = (
        "def quote(u):\n"
        "    q = new(Quote)\n"
        f"    q.total_usd = unit * ({terms})\n"
        "    q.plan = plan\n"
        "    q.usage = u\n"
        "    q.notes = notes\n"
        "    return q\n"
    )
    exec(code, scope)
    made: Callable[[Usage], Quote] = scope["quote"]
    return made


_QUANTITIES = frozenset(d.name for d in DEMANDS)


def _exponent(rate: Decimal) -> int:
    """The power of ten of a rate's last digit (``0.0000025`` -> -7); its coefficient is an integer."""
    exp = rate.as_tuple().exponent
    if not isinstance(exp, int):
        raise ValueError(f"not a finite rate: {rate}")
    return exp


Candidates = list[tuple[dict[str, str], PriceRow]]


@dataclass(slots=True)
class ModelRates:
    """One model's rows of one day, indexed by field, with each request shape's plan memoised."""

    vendor: str
    model: str
    day: date
    rows: Sequence[PriceRow]
    default_tier: str = tiers.STANDARD
    """The vendor's tier for "no tier given" (``registry_tier`` in the config)."""
    notes: tuple[str, ...] = ()
    """What every quote of these rates should say (how the name asked for resolved)."""
    by_field: dict[str, Candidates] = field(init=False, compare=False, repr=False, default_factory=dict)
    contexts: tuple[str, ...] = field(init=False, compare=False, repr=False, default=())
    """The ``context`` dimension values of the token rates (``>200k``, ``8192-32768``, ``long``)."""
    bounds: tuple[tuple[int, int, str], ...] = field(init=False, compare=False, repr=False, default=())
    """(above, up to, value) of each context tier a prompt's size selects, ranges first."""
    floor: int = field(init=False, compare=False, repr=False, default=1 << 62)
    """The largest prompt no context tier covers: a smaller one needs no look at :attr:`bounds`."""
    plans: dict[object, Plan] = field(init=False, compare=False, repr=False, default_factory=dict)
    """Plans by request shape (an int), or by (shape, context reached, tier) when either is set."""

    def __post_init__(self) -> None:
        found: set[str] = set()
        for r in self.rows:
            if r.unit in UNITS and r.unit != "flag":
                dims = tiers.parse(r.tier)
                self.by_field.setdefault(r.field, []).append((dims, r))
                if r.unit == TOKEN and "context" in dims:
                    found.add(dims["context"])
        self.contexts = tuple(sorted(found))
        self.bounds = bounds(self.contexts)
        self.floor = min((lo for lo, _hi, _v in self.bounds), default=_NO_LIMIT)

    @property
    def ref(self) -> str:
        return f"{self.vendor}/{self.model}"

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled as its rows (the index and the plans are rebuilt when needed)."""
        return (ModelRates, (self.vendor, self.model, self.day, self.rows, self.default_tier, self.notes))


_NO_LIMIT = 1 << 62


def bounds(contexts: Iterable[str]) -> tuple[tuple[int, int, str], ...]:
    """The prompt sizes each context tier covers: a range ``A-B`` covers (A, B]; a ``>N``
    threshold covers (N, ∞) and the largest one exceeded wins; ``long`` states no size."""
    ranges, above = [], []
    for value in contexts:
        lo, dash, hi = value.partition("-")
        if dash and lo.isdigit() and hi.isdigit():
            ranges.append((int(lo), int(hi), value))
        elif (threshold := tiers.context_threshold(f"context{value}")) is not None:
            above.append((threshold, _NO_LIMIT, value))
    return (*ranges, *sorted(above, reverse=True))


def by_size(limits: Iterable[tuple[int, int, str]], prompt: int) -> str | None:
    """The ``context`` value a prompt of this size is billed at (see :func:`bounds`); None for
    the plain tier."""
    for lo, hi, value in limits:
        if lo < prompt <= hi:
            return value
    return None


def request_dims(rates: ModelRates, usage: Usage, tier: str | None, reached: str | None) -> dict[str, str]:
    """The tier dimensions of the whole request: ``tier`` if given, else the vendor's default
    tier and the context tier its size ``reached``; plus its service tier (flex, priority)."""
    if tier is not None:
        dims = tiers.parse(tier)
    else:
        dims = tiers.parse(rates.default_tier)
        if reached is not None:
            dims["context"] = reached
    if usage.service_tier in ("flex", "priority"):
        dims["service"] = usage.service_tier
    return dims


_ZERO = Decimal(0)
_tuple = tuple.__new__
"""Builds a Line without its Python-level ``__new__`` (the lines of a quote are many)."""


def price(rates: ModelRates, usage: Usage, tier: str | None = None) -> Quote:
    """The quote for ``usage`` at ``tier`` (default: as the module says); PricingError if any rate
    it needs is missing. The choice of rates is memoised per request shape on ``rates``, so a
    request of a known shape below every context threshold costs a dict lookup and its plan's sum."""
    if tier is None and usage.prompt_tokens <= rates.floor:
        plan = rates.plans.get(usage.shape)
        if plan is not None:
            return plan.quote(usage)
    reached = by_size(rates.bounds, usage.prompt_tokens) if usage.prompt_tokens > rates.floor else None
    key: object = usage.shape if reached is None and tier is None else (usage.shape, reached, tier)
    plan = rates.plans.get(key)
    if plan is None:
        dims = request_dims(rates, usage, tier, reached)
        plan = rates.plans[key] = make_plan(rates, usage, dims, tier is not None)
    quote = plan.quote(usage)
    if reached is not None or tier is not None:
        dims = request_dims(rates, usage, tier, reached)
        quote.notes = (*tier_notes(rates, usage.prompt_tokens, dims, tier), *plan.notes)
    return quote


def make_plan(rates: ModelRates, usage: Usage, dims: Mapping[str, str], forced: bool) -> Plan:
    """Choose the rate of every quantity the request uses, with the notes the choice calls for."""
    tier = tiers.make(**dims)
    if (forced or "service" in dims) and not any(r.tier == tier for r in rates.rows):
        offered = sorted({r.tier for r in rates.rows})
        shown = ", ".join(offered[:10]) + (f" and {len(offered) - 10} more" if len(offered) > 10 else "")
        raise MissingRate(f"{rates.ref} has no {tier!r} tier on {rates.day}; its tiers: {shown}")
    steps: list[Step] = []
    notes = list(rates.notes)
    for demand in DEMANDS:
        if not getattr(usage, demand.name):
            continue
        fields = demand.batch_fields if usage.batch else demand.fields
        if not fields:
            raise MissingRate(f"{demand.name} has no batch price; price them without service_tier='batch'")
        want = {**dims, **{dim: v for attr, dim in demand.dims if (v := getattr(usage, attr))}}
        row = choose(rates, demand, fields, want)
        if row is None:
            continue
        rate = row.value or _ZERO
        per_unit = rate.scaleb(-UNITS[row.unit].per_exp)
        steps.append(Step(demand.name, row.field, row.tier, row.unit, rate, per_unit, row))
        notes += line_notes(rates, demand, row, dims, tier)
    if not steps:
        raise ValueError(
            f"nothing to price: the request uses no quantity {rates.ref} bills (tokens, images...)"
        )
    if not forced and _LONG in rates.contexts:
        notes.append(
            f"{rates.ref} also has a long-context tier (context=long) whose threshold its page does not "
            f"state: priced at the {tier} tier; pass tier='context=long' if the vendor billed it so"
        )
    notes += [
        f"{s.row.field} rate of the {s.row.tier} tier is {standing(s.row)}: {s.row.reason}"
        for s in steps
        if s.row.status != "verified" or s.row.stale
    ]
    return Plan.of(rates, tier, tuple(steps), tuple(notes))


def choose(
    rates: ModelRates, demand: Demand, fields: Sequence[str], want: Mapping[str, str]
) -> PriceRow | None:
    """The rate of the first of ``fields`` the model has in ``demand``'s unit, in the most specific
    tier ``want`` fits; None only for an optional demand the model has no rate for."""
    candidates: Candidates = []
    for name in fields:
        candidates = [
            (d, r) for d, r in rates.by_field.get(name, []) if UNITS[r.unit].quantity == demand.counts
        ]
        if candidates:
            break
    if not candidates:
        if demand.optional:
            return None
        names = " or ".join(fields)
        raise MissingRate(f"{rates.ref} has no {names} rate on {rates.day}, needed for {demand.name}")
    fit = [(d, r) for d, r in candidates if all(want.get(k) == v for k, v in d.items())]
    if not fit:
        offered = ", ".join(sorted({r.tier for _, r in candidates}))
        hint = _hint(demand)
        raise MissingRate(
            f"{rates.ref} prices {candidates[0][1].field} only in tiers {offered}; none fits "
            f"{tiers.make(**want)}: pass tier=...{hint}"
        )
    most = max(len(d) for d, _ in fit)
    top = [r for d, r in fit if len(d) == most]
    if len(top) > 1:
        raise MissingRate(
            f"{rates.ref}: several {top[0].field} rates fit {tiers.make(**want)} "
            f"({', '.join(r.tier for r in top)}): pass tier=..."
        )
    row = top[0]
    if row.value is None:
        why = f" ({row.reason})" if row.reason else ""
        raise MissingRate(
            f"{rates.ref} does not offer {row.field} in the {row.tier} tier{why}, needed for {demand.name}"
        )
    return row


def _hint(demand: Demand) -> str:
    attrs = sorted({attr for attr, _ in demand.dims})
    return f" or {' / '.join(attrs)}" if attrs else ""


def line_notes(
    rates: ModelRates, demand: Demand, row: PriceRow, dims: Mapping[str, str], tier: str
) -> list[str]:
    """A less specific rate standing in for the request's tier, or one cache-write price for both."""
    out = []
    own = tiers.parse(row.tier)
    if any(own.get(k) != dims[k] for k in _REQUEST_DIMS if k in dims):
        out.append(f"the {tier} tier has no {row.field} rate; the {row.tier}-tier rate was used")
    if row.field == "cache_write":
        out.append(f"{rates.ref} has one cache-write price (cache_write): used for {demand.name}")
    return out


def tier_notes(rates: ModelRates, prompt: int, dims: Mapping[str, str], forced: str | None) -> list[str]:
    """Why the request is priced at its context tier, when that is not plainly the standard one."""
    chosen, reached = dims.get("context"), by_size(rates.bounds, prompt)
    key = tiers.make(context=chosen) if chosen else tiers.STANDARD
    threshold = tiers.context_threshold(key)
    said = f"{prompt} input tokens (input + cached)"
    if forced is None:
        if chosen is None:
            return []
        where = f"exceed {threshold}" if threshold is not None else f"fall in {key}"
        return [f"{said} {where}: every token is priced at the {key} tier's rates, as the vendor bills it"]
    out = []
    if reached is not None and reached != chosen:
        out.append(f"{said} reach the {tiers.make(context=reached)} tier; priced at {forced} as asked")
    if threshold is not None and prompt <= threshold:
        out.append(f"{said} do not exceed the {key} tier's threshold; priced at its rates as asked")
    if chosen == _LONG:
        out.append("priced at the context=long tier as asked: its page states no threshold for it")
    return out


def standing(row: PriceRow) -> str:
    """A rate's status with its freshness: ``verified``, ``stale`` (verified, not lately),
    ``inferred``, ``inferred, stale``, ``disputed``..."""
    if not row.stale:
        return row.status
    return "stale" if row.status == "verified" else f"{row.status}, stale"


def line_record(line: Line) -> dict[str, Any]:
    """A quote line as JSON keeps it: the token columns of old, then quantity, unit and rate."""
    return {
        "field": line.field,
        "tier": line.tier,
        "tokens": line.tokens,
        "usd_per_mtok": line.usd_per_mtok,
        "usd": line.usd,
        "quantity": line.quantity,
        "unit": line.unit,
        "rate": line.rate,
    }


def quote_record(quote: Quote, at: datetime | None, usage: Usage) -> dict[str, Any]:
    """The JSON object of ``ratecard cost`` and ``POST /api/v1/cost`` (public fields: keep them)."""
    return {
        "vendor": quote.vendor,
        "model": quote.model,
        "at": at,
        "snapshot_date": quote.day,
        "tier": quote.tier,
        "input_tokens": usage.input_tokens,
        "cached_input_tokens": usage.cache_read_tokens,
        "output_tokens": usage.output_tokens,
        "usage": {f.name: getattr(usage, f.name) for f in fields(usage) if f.init},
        "lines": [line_record(line) for line in quote.lines],
        "total_usd": quote.total_usd,
        "rates_used": list(quote.rates_used),
        "notes": list(quote.notes),
    }
