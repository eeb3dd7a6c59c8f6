"""Shared fixtures. Data outside the repository (../shared: seeds, real scans, corpus) is reached only through
these fixtures, which skip the test with the reason when the data is absent."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("PLANOCR_SHARED", ROOT.parent / "shared"))


def shared_path(relative: str) -> Path:
    """A path under ../shared, or skip the calling test with the reason."""
    path = SHARED / relative
    if not path.exists():
        pytest.skip(f"{path} is absent (the shared data lives beside the project, in ../shared)")
    return path


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return shared_path("seeds")


@pytest.fixture(scope="session")
def realscans_dir() -> Path:
    """../shared/realscans: real scans with transcriptions and fields read by eye."""
    return shared_path("realscans")
