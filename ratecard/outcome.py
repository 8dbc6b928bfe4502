"""Exit codes and per-vendor outcomes: the contract with cron, systemd and log shippers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

EXIT_OK = 0
"""Every vendor asked for was fetched, parsed and stored."""
EXIT_VENDOR_FAILED = 1
"""At least one vendor failed (HTTP error, timeout, unreadable page, anomaly); the others landed."""
EXIT_USAGE = 2
"""Bad command-line usage (typer/click's own code)."""
EXIT_STORAGE = 74
"""ratecard cannot read or write its storage (database, lock file or raw store: read-only, full, gone).
One line names the path and the fix; a run row is either not created or closed with this code."""
EXIT_LOCKED = 75
"""Another run holds the lock on this database (EX_TEMPFAIL: try later). Nothing was touched."""
EXIT_CONFIG = 78
"""The configuration cannot be used (EX_CONFIG)."""


VERIFIED = ("ok", "quarantined")
"""Run outcomes that re-verified a vendor's rates (a quarantine holds back only the odd value)."""


class VendorFailure(Exception):
    """A vendor could not be verified this run; the message names the vendor."""

    def __init__(self, vendor: str, message: str) -> None:
        super().__init__(message if message.startswith(f"{vendor}:") else f"{vendor}: {message}")
        self.vendor = vendor


@dataclass(frozen=True)
class VendorOutcome:
    vendor: str
    ok: bool
    message: str | None = None
    models: int = 0
    rates: int = 0
    changes: int = 0
    anomalies: int = 0


@dataclass(frozen=True)
class RunReport:
    run_id: int
    day: date
    outcomes: list[VendorOutcome] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    code: int | None = None
    """An exit code the run ended with regardless of its vendors (74: storage could not be written)."""
    """One line per reference registry: which copy the cross-check used, or why none was."""

    @property
    def exit_code(self) -> int:
        if self.code is not None:
            return self.code
        return EXIT_OK if all(o.ok for o in self.outcomes) else EXIT_VENDOR_FAILED
