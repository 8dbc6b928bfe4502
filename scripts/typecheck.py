"""Run mypy (strict) on the package as it installs: the stage folders mapped under `ratecard`.

mypy names modules after directories, so it cannot see `crawler/` as `ratecard.crawler`. This
builds a throwaway tree of symlinks from pyproject's package-dir map and checks that instead,
printing paths as they are in the repository.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def build_tree(dest: Path) -> None:
    mapping: dict[str, str] = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"][
        "package-dir"
    ]
    for package, folder in sorted(mapping.items(), key=lambda kv: kv[0].count(".")):
        target = dest.joinpath(*package.split("."))
        if package == "ratecard":
            target.mkdir(parents=True)
            for item in (ROOT / folder).iterdir():
                if item.name not in {"captures", "__pycache__"}:
                    (target / item.name).symlink_to(item)
        else:
            target.symlink_to(ROOT / folder)


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="ratecard-mypy-") as tmp:
        build_tree(Path(tmp))
        proc = subprocess.run(
            [sys.executable, "-m", "mypy", "--config-file", str(ROOT / "pyproject.toml"), "-p", "ratecard"],
            cwd=tmp,
            capture_output=True,
            text=True,
            check=False,
        )
        out = proc.stdout.replace(f"{tmp}/", "")
        sys.stdout.write(out + proc.stderr)
        return proc.returncode


if __name__ == "__main__":
    sys.exit(main())
