"""Shared fixtures: the shared datasets (skipped cleanly when absent) and the seeds.  Models
are kept (``model.cache``) in a directory of the session's own, not the user's cache."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
DATASETS = SHARED / "datasets"
SEEDS = SHARED / "seeds"
EXAMPLES = ROOT / "data" / "examples"
LABELED = ROOT / "data" / "labeled"


@pytest.fixture(scope="session", autouse=True)
def model_cache(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("model-cache")
    os.environ["BOILERSTRIP_CACHE_DIR"] = str(directory)
    return directory / "models"


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
