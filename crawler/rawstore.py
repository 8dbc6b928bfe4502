"""Content-addressed store of every fetched body: zstd-compressed, named by the sha256 of the raw bytes.

A page fetched every day for a year is stored once; any day can be re-parsed from it.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import zstandard


def sha256(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


class CorruptBody(ValueError):
    """A stored body that no longer reads back as the bytes fetched (a flipped bit, a truncation)."""

    def __init__(self, digest: str, why: str) -> None:
        super().__init__(f"raw body {digest} is corrupt: it {why}")
        self.digest, self.why = digest, f"corrupt: {why}"


class RawStoreError(OSError):
    """The raw store cannot be written; ``root`` is where, the cause what the system said."""

    def __init__(self, root: Path, cause: OSError) -> None:
        super().__init__(cause.errno, f"raw store {root}: {cause.strerror or cause}")
        self.root = root


@dataclass(frozen=True)
class RawStore:
    """Bodies under ``root/ab/abcdef….zst``."""

    root: Path

    def path(self, digest: str) -> Path:
        if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
            raise ValueError(f"not a sha256 digest: {digest!r}")
        return self.root / digest[:2] / f"{digest}.zst"

    def put(self, body: bytes) -> str:
        """Store ``body`` unless already present; return its sha256.

        A full or read-only store raises :class:`RawStoreError` naming the path; no half-written
        temporary file is left behind.
        """
        digest = sha256(body)
        target = self.path(digest)
        if target.exists():
            return digest
        tmp = target.with_suffix(f".tmp{os.getpid()}")
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_bytes(zstandard.ZstdCompressor(level=10).compress(body))
            tmp.replace(target)  # atomic: a reader never sees half a body
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise RawStoreError(self.root, exc) from exc
        return digest

    def get(self, digest: str) -> bytes:
        """The exact bytes fetched; raises FileNotFoundError if absent, CorruptBody if damaged."""
        stored = self.path(digest).read_bytes()
        try:
            body: bytes = zstandard.ZstdDecompressor().decompress(stored)
        except zstandard.ZstdError as exc:
            raise CorruptBody(digest, f"cannot be decompressed ({exc})") from exc
        if sha256(body) != digest:
            raise CorruptBody(digest, "does not hash to its name")
        return body

    def check(self, digest: str) -> str | None:
        """Why the body ``digest`` cannot be read back exactly (missing, corrupt), else None."""
        try:
            self.get(digest)
        except FileNotFoundError:
            return "missing"
        except CorruptBody as exc:
            return exc.why
        return None

    def has(self, digest: str) -> bool:
        return self.path(digest).exists()

    def digests(self) -> Iterator[str]:
        if self.root.exists():
            for p in sorted(self.root.glob("??/*.zst")):
                yield p.stem

    def stored_bytes(self, digest: str) -> int:
        return self.path(digest).stat().st_size

    def delete(self, digest: str) -> None:
        self.path(digest).unlink(missing_ok=True)
