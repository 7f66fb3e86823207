"""Fixtures: the seed's text, and budget text written and validated under a temporary root (helpers: support.py)."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from support import SEED, SEED_REL

from generator.check.validate import Report, validate_paths
from generator.core import profiles
from generator.core.model import Budget
from generator.load.budget import parse_budget
from generator.load.loader import load
from generator.publish.xlsx import export_bytes


@pytest.fixture(scope="session")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture
def write_budget(tmp_path: Path) -> Callable[..., Path]:
    """Write budget text at ``tmp_path/<rel>`` (default the seed's own path) and return the path."""

    def write(text: str | bytes, rel: str = SEED_REL) -> Path:
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.fixture
def validate_text(tmp_path: Path, write_budget: Callable[..., Path]) -> Callable[..., Report]:
    """Validate budget text in-process as ``budgets/2023/63002.yaml`` under a temporary root."""

    def validate(text: str | bytes, rel: str = SEED_REL) -> Report:
        write_budget(text, rel)
        return validate_paths([tmp_path / "budgets"], root=tmp_path)

    return validate


@pytest.fixture(scope="module")
def seed() -> Budget:
    """The seed budget, parsed (the Excel tests export and re-import it)."""
    budget, problems = parse_budget(load(SEED))
    assert budget is not None, problems
    return budget


@pytest.fixture
def exported(seed: Budget, tmp_path: Path) -> Path:
    """The seed exported as a workbook."""
    path = tmp_path / "seed.xlsx"
    path.write_bytes(export_bytes(seed))
    return path


@pytest.fixture
def profile_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of the shipped profiles the test may break (the loader's caches see the new directory)."""
    folder = tmp_path / "profiles"
    shutil.copytree(profiles.PROFILE_DIR, folder)
    monkeypatch.setattr(profiles, "PROFILE_DIR", folder)
    profiles.load.cache_clear()
    yield folder
    profiles.load.cache_clear()
