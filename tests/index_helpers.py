"""Helpers of the index-integrity tests: where the current build lives, and "opening it is refused"."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from qa.config import Settings
from qa.errors import QAError
from qa.manifest import read_manifest
from scripts.trials import open_index


def build_dir(settings: Settings) -> Path:
    return settings.index_dir / read_manifest(settings.index_dir)["build"]["id"]


def refused(settings: Settings, error: type[QAError], *words: str, build: str = "never") -> QAError:
    """Opening the index must raise ``error`` whose message/hint contains ``words``; returns it."""
    with pytest.raises(error) as info:
        open_index(settings, build=build)
    for word in words:
        assert word in str(info.value)
    return info.value


def truncate_half(p: Path) -> None:
    p.write_bytes(p.read_bytes()[: p.stat().st_size // 2])


def flip_middle(p: Path) -> None:
    data = bytearray(p.read_bytes())
    data[len(data) // 2] ^= 0x01  # one bit
    p.write_bytes(bytes(data))


DAMAGE: dict[str, Callable[[Path], None]] = {
    "truncated-half": truncate_half,
    "truncated-empty": lambda p: p.write_bytes(b""),
    "one-bit-flipped": flip_middle,
    "appended": lambda p: p.write_bytes(p.read_bytes() + b"\n"),
    "deleted": lambda p: p.unlink(),
    "replaced-by-folder": lambda p: (p.unlink(), p.mkdir()),
}
