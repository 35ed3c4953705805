"""The records of the workload ranking: a unit's row (:class:`UnitLoad`), the tasks and
documents behind its loads (:class:`TaskShare`, :class:`DocumentLoad`), the options it was
ranked with (:class:`WorkloadOptions`) and what every output of the ranking reads of a
report (:class:`Ranking`).

Plain data, importable without networkx, the store or the facts reader: ``kg workload``
answers from the ranking the build saved (:mod:`kg.analysis.workload_file`) with these
records and the same formatters as a ranking just computed
(:func:`kg.analysis.workload.compute_workload`, which makes them).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # pragma: no cover
    from .facts import Role, Weights
    from .verdicts import VerdictRule

__all__ = ["TaskShare", "DocumentLoad", "UnitLoad", "WorkloadOptions", "Ranking", "NetworkSize"]


@dataclass(frozen=True, slots=True)
class TaskShare:
    """One task behind a unit's load: its role there (the strongest), the group that
    reached it (its label, None when named), what the task adds to each load, and its role
    counting only the names (``direct_role``: None when only a group reaches it)."""

    task: str
    task_id: str
    document: str
    ordinal: int
    section: str
    task_text: str
    role: Role
    via_group: str | None
    direct_share: float
    expanded_share: float
    direct_role: Role | None


@dataclass(frozen=True, slots=True)
class DocumentLoad:
    """A unit's loads from the tasks of one document (the per-document breakdown)."""

    document: str
    direct_load: float
    expanded_load: float


@dataclass(frozen=True)
class WorkloadOptions:
    """How load is weighed and when a unit counts as overloaded (see
    :mod:`kg.analysis.workload` and :class:`kg.analysis.verdicts.VerdictRule`)."""

    lead_weight: float = 1.0
    co_lead_weight: float = 0.5
    split_shared_lead: bool = True
    expand_groups: bool = False
    fence_k: float = 1.5
    top_share: float = 0.10
    min_type_members: int = 5
    min_load: float = 3.0

    # (the two methods import their record types when called: the facts reader imports the
    # store, which the saved ranking's readers never need)
    def weights(self) -> Weights:
        """The role weights of these options, as :func:`kg.analysis.facts.read_facts` takes them."""
        from .facts import Weights

        return Weights(self.lead_weight, self.co_lead_weight, self.split_shared_lead)

    def rule(self) -> VerdictRule:
        """The overload rule of these options."""
        from .verdicts import VerdictRule

        return VerdictRule(self.fence_k, self.min_type_members, self.min_load, self.top_share)


@dataclass(frozen=True, slots=True)
class UnitLoad:
    """One unit's row of the ranking (or one group reference's, in ``WorkloadReport.groups``).

    ``lead``/``co_lead`` are task counts and ``lead_load`` the lead part of ``load``, all
    of the ranked load; ``load`` is ``direct_load``, or ``expanded_load`` when groups are
    expanded. ``verdict`` is ``"overloaded"`` or ``"not overloaded"``; ``reason_zh`` and
    ``reason_en`` say why (for a group reference: what it is). ``tasks`` are the tasks
    and shares behind both loads, ``documents`` the loads per document.
    """

    unit: str
    iri: str
    type: str
    region: str
    lead: int
    co_lead: int
    load: float
    direct_load: float
    expanded_load: float
    lead_load: float
    indicators: int
    projects: int
    partners: int
    degree: float
    betweenness: float
    overloaded: bool
    verdict: str
    reason_zh: str
    reason_en: str
    rules: tuple[str, ...] = ()  # the rules that fired: "fence", "top_share"
    tasks: tuple[TaskShare, ...] = ()
    documents: tuple[DocumentLoad, ...] = ()

    @property
    def reason(self) -> str:
        """The English reason of an overloaded unit, "" otherwise (the former field)."""
        return self.reason_en if self.overloaded else ""


class NetworkSize(Protocol):
    """The size of a network (a networkx graph has these methods)."""

    def number_of_nodes(self) -> int: ...

    def number_of_edges(self) -> int: ...


class Ranking(Protocol):
    """What the outputs of a ranking read of it: the computed
    :class:`kg.analysis.workload.WorkloadReport`, or the one the build saved
    (:class:`kg.analysis.workload_file.SavedRanking`)."""

    @property
    def units(self) -> list[UnitLoad]: ...  # by load desc, then expanded load desc, then name

    @property
    def groups(self) -> list[UnitLoad]: ...  # group references: never ranked

    @property
    def gini(self) -> float: ...

    @property
    def top5_share(self) -> float: ...

    @property
    def options(self) -> WorkloadOptions: ...

    @property
    def tasks(self) -> int: ...

    @property
    def collaboration(self) -> NetworkSize: ...
