"""Patient vignettes (`vignettes/NN-short-name.json`), each run through the whole engine.

The expectations were written by hand from shared/clinical/REFERENCE.md and the plan
contract, not from the engine's output: a failure is a question for the clinical
reviewer, never a reason to copy what the engine printed.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.clinical.vector_matching import EXPECT_KEYS, load_json, mismatches, plan_json

VIGNETTES = Path(__file__).parent / "vignettes"
MINIMUM = 40
_NAME = re.compile(r"^\d{2}-[a-z0-9]+(?:-[a-z0-9]+)*$")
_FIELDS = {"title", "story", "facts", "expect", "reviewed_against"}


def _files() -> list[Path]:
    return sorted(VIGNETTES.glob("*.json"))


def _params() -> list[Any]:
    params = []
    for path in _files():
        document = load_json(path)
        marks = []
        if document.get("xfail"):
            marks.append(pytest.mark.xfail(reason=str(document["xfail"]), strict=True))
        params.append(pytest.param(path, id=path.stem, marks=marks))
    return params


def test_it_has_at_least_forty_vignettes() -> None:
    assert len(_files()) >= MINIMUM, f"only {len(_files())} vignettes"


@pytest.mark.parametrize("path", [pytest.param(p, id=p.stem) for p in _files()])
def test_it_describes_the_vignette_completely(path: Path) -> None:
    assert _NAME.match(path.stem), f"{path.name}: name must look like NN-short-name"
    document = load_json(path)
    missing = _FIELDS - set(document)
    assert not missing, f"{path.name} lacks {sorted(missing)}"
    assert set(document) <= _FIELDS | {"xfail"}, f"{path.name}: unknown fields"
    assert set(document["expect"]) <= EXPECT_KEYS
    lines = document["facts"].get("medications", [])
    expected = document["expect"].get("medications", [])
    assert [item.get("input") for item in expected] == lines, (
        f"{path.name}: every medicine line needs an expected entry, in the same order"
    )
    assert all("disposition" in item for item in expected), f"{path.name}: a line has no disposition"


@pytest.mark.parametrize("path", _params())
def test_it_meets_the_vignette(path: Path) -> None:
    document = load_json(path)
    problems = mismatches(plan_json(document["facts"]), document["expect"])
    assert not problems, f"{document['title']}:\n" + "\n".join(problems)
