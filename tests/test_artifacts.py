"""Artifact writers come from the entry-point group ``kg.artifacts`` (kg.pipeline.artifacts)."""

from __future__ import annotations

import pytest
from kg.visualize.report import write_report

from kg.analysis.workload_outputs import write_workload_outputs
from kg.errors import UsageError
from kg.pipeline.artifacts import artifact_writers


def test_the_registered_writers_run_workload_first() -> None:
    """The report reads the ranking the workload writer leaves in BuildResult.shared."""
    assert artifact_writers() == [("workload", write_workload_outputs), ("report", write_report)]


def test_a_build_can_run_some_writers_only() -> None:
    assert artifact_writers(["report"]) == [("report", write_report)]
    assert artifact_writers([]) == []


def test_an_unknown_writer_is_an_error() -> None:
    """Counter-example: a misspelt name is not silently ignored."""
    with pytest.raises(UsageError, match=r"^artifact writers reprot: not registered \(known: report, workload\)$"):
        artifact_writers(["report", "reprot"])
