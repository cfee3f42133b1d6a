"""Shared fixtures: the shared datasets (skipped cleanly when absent) and the seeds."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
DATASETS = SHARED / "datasets"
SEEDS = SHARED / "seeds"
EXAMPLES = ROOT / "data" / "examples"
LABELED = ROOT / "data" / "labeled"


@pytest.fixture(scope="session")
def datasets() -> Path:
    if not (DATASETS / "aeb.jsonl.gz").exists():
        pytest.skip("../shared/datasets is not here")
    return DATASETS


@pytest.fixture(scope="session")
def seeds() -> Path:
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds is not here")
    return SEEDS
