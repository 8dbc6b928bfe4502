"""Import weight: each fast command loads only what it uses (a subprocess lists its modules).

Timings are measured in bench/, never here; this keeps the module lists from creeping back.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from test_export import LONG, checked  # noqa: F401  (replay, built per module)

HEAVY = ("scrapy", "twisted", "litellm", "genai_prices", "rich", "sqlalchemy", "sqlmodel", "alembic")
_PROBE = """
import json, sys
from ratecard.cli import main
sys.argv = ["ratecard", *sys.argv[1:]]
try:
    main()
except SystemExit as exc:
    assert not exc.code, exc.code
print(json.dumps(sorted({m.split(".")[0] for m in sys.modules})), file=sys.stderr)
"""


def loaded(*args: str) -> set[str]:
    done = subprocess.run([sys.executable, "-c", _PROBE, *args], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip(), "the command printed nothing"
    return set(json.loads(done.stderr.splitlines()[-1]))


def test_version_loads_not_even_typer() -> None:
    found = loaded("--version")
    assert not found & {"typer", "click", *HEAVY}, sorted(found & {"typer", "click", *HEAVY})


@pytest.mark.parametrize(
    "args",
    [
        ["prices", "--vendor", "anthropic", "--format", "json", "--as-of", LONG.isoformat()],
        ["history", "claude-sonnet-4-5"],
        ["cost", "anthropic/claude-sonnet-4-5", "--input-tokens", "10", "--at", LONG.isoformat()],
        ["cost", "sonnet-4-5", "--input-tokens", "10", "--at", LONG.isoformat(), "--format", "json"],
    ],
)
def test_query_commands_load_nothing_heavy(args: list[str], checked: str) -> None:  # noqa: F811
    found = loaded(*args, "--db", checked)
    assert not found & set(HEAVY), sorted(found & set(HEAVY))
    # typer >= 0.28 coerces options through pydantic itself; nothing of ours may bring it in
    if "pydantic" in found:
        assert typer_needs_pydantic(), "pydantic loaded though typer does not use it"


def typer_needs_pydantic() -> bool:
    from importlib.metadata import requires

    return any(r.startswith("pydantic") for r in requires("typer") or [])
