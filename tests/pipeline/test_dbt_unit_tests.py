"""dbt's unit tests (the models' SQL on fixed inputs, models/*/_*__unit_tests.yml). A night leaves them out of its
build, as their outcome depends on the code only; here they run on a copy of the samples' warehouse, whose tables
give dbt the column types of each model's inputs."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from loaders import pipeline
from tests.conftest import ROOT


def defined_unit_tests() -> set[str]:
    names = set()
    for path in (ROOT / "models").rglob("*.yml"):
        for test in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("unit_tests", []):
            names.add(test["name"])
    return names


@pytest.fixture()
def build_passes(built_warehouse, tmp_path: Path, monkeypatch):
    """The dbt passes ``build_models`` runs on a copy of the samples' warehouse, each pass's arguments, dbt not run."""
    copy = tmp_path / built_warehouse.name
    shutil.copy(built_warehouse, copy)

    def passes(**kwargs) -> list[list[str]]:
        ran: list[list[str]] = []
        monkeypatch.setattr(pipeline, "build_pass", lambda at, args, target, progress: ran.append(args))
        pipeline.build_models(copy, copy, full_refresh=False, target="test", **kwargs)
        return ran

    return passes


def test_the_nightly_build_leaves_the_unit_tests_out(build_passes):
    passes = build_passes()
    assert passes
    for args in passes:
        excluded = [args[i + 1] for i, arg in enumerate(args) if arg == "--exclude-resource-type"]
        assert "unit_test" in excluded, args


def test_the_seeds_tests_are_left_out_only_when_asked(build_passes):
    with_seeds, without = build_passes()[-1], build_passes(seed_tests=False)[-1]
    assert "resource_type:test,path:seeds" not in with_seeds and "--indirect-selection" not in with_seeds
    assert " ".join(pipeline.SEED_TESTS) in " ".join(without)


def test_every_dbt_unit_test_passes(built_warehouse, tmp_path: Path):
    defined = defined_unit_tests()
    assert len(defined) >= 10
    copy = tmp_path / built_warehouse.name
    shutil.copy(built_warehouse, copy)
    pipeline.run_dbt(copy, ["test", "--select", "test_type:unit"], target="test")  # raises when one fails
    results = json.loads((pipeline.dbt_target_dir() / "run_results.json").read_text(encoding="utf-8"))
    passed = {r["unique_id"].rsplit(".", 1)[-1] for r in results["results"] if r["status"] == "pass"}
    assert passed == defined
