"""Every fetched body is kept once, compressed, addressed by its sha256."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from ratecard.crawler.rawstore import RawStore


def test_bodies_are_stored_once_compressed_and_read_back_exactly(tmp_path: Path) -> None:
    store = RawStore(tmp_path)
    body = (b"| Model | Base Input Tokens |\n" * 2000) + b"\xff\x00binary tail"
    digest = store.put(body)
    assert digest == hashlib.sha256(body).hexdigest()
    assert store.put(body) == digest
    assert list(store.digests()) == [digest]
    path = store.path(digest)
    assert path.name == f"{digest}.zst" and path.parent.name == digest[:2]
    assert path.stat().st_size < len(body) / 10
    assert store.get(digest) == body


def test_a_corrupt_body_is_detected_not_returned(tmp_path: Path) -> None:
    import zstandard

    store = RawStore(tmp_path)
    digest = store.put(b"original")
    store.path(digest).write_bytes(zstandard.ZstdCompressor().compress(b"tampered"))
    with pytest.raises(ValueError, match="corrupt"):
        store.get(digest)


def test_digests_are_validated(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        RawStore(tmp_path).path("../../etc/passwd")
