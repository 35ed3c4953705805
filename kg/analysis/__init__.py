"""Analyses of a built graph: the workload ranking and network (:mod:`kg.analysis.workload`)
and its tables (:mod:`kg.analysis.workload_outputs`)."""
