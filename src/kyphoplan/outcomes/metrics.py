"""The practice dashboard's figures, read from running tallies (kyphoplan.tallies): a few
dozen rows whatever the number of patients, plus the call-back service level, which the
call-back app keeps as tallies per day (kyphoplan.callbacks.sla).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from kyphoplan.callbacks import sla
from kyphoplan.callbacks.sla import service_level
from kyphoplan.followup import tally as followup_tally
from kyphoplan.followup.models import ComplicationKind
from kyphoplan.followup.tally import PREFIX
from kyphoplan.followup.timepoints import AFTER, TimePoint
from kyphoplan.liaison.models import Step, StepState
from kyphoplan.liaison.services import TALLY as BONE
from kyphoplan.liaison.services import rebuild_tally as rebuild_bone_tally
from kyphoplan.outcomes.stats import MeanCI, mean_ci
from kyphoplan.tallies.counters import read_prefixes
from kyphoplan.tallies.models import Tally


@dataclass(frozen=True)
class PointOutcome:
    point: TimePoint
    pain: MeanCI
    mcid_n: int
    bed: MeanCI


@dataclass(frozen=True)
class Response:
    point: TimePoint
    asked: int
    answered: int

    @property
    def rate(self) -> float | None:
        return self.answered / self.asked if self.asked else None


@dataclass(frozen=True)
class Dashboard:
    baseline_pain: MeanCI
    outcomes: list[PointOutcome]
    responses: list[Response]
    levels: int
    complications: list[tuple[ComplicationKind, int]]
    callback_to_procedure_days: float | None
    callback_cases: int
    sla_due: int
    sla_met: int
    bone_health: list[tuple[Step, int, int, int]]  # step, done, declined, tracks

    def per_100_levels(self, count: int) -> float | None:
        return count * 100 / self.levels if self.levels else None

    @property
    def sla_rate(self) -> float | None:
        return self.sla_met / self.sla_due if self.sla_due else None


def rebuild_tallies() -> None:
    """Recompute every tally this dashboard reads from the tables (after a restore or a bulk load)."""
    followup_tally.rebuild()
    rebuild_bone_tally()
    sla.rebuild()


def compute(now: datetime) -> Dashboard:
    tallies = read_prefixes(PREFIX, BONE)
    empty = Tally()

    def get(key: str) -> Tally:
        return tallies.get(key, empty)

    def ci(key: str) -> MeanCI:
        t = get(key)
        return mean_ci(t.n, t.total, t.squares)

    wait = get(f"{PREFIX}wait")
    sla = service_level(now)
    return Dashboard(
        baseline_pain=ci(f"{PREFIX}baseline"),
        outcomes=[PointOutcome(p, ci(f"{PREFIX}pain:{p.value}"), get(f"{PREFIX}mcid:{p.value}").n,
                               ci(f"{PREFIX}bed:{p.value}")) for p in AFTER],
        responses=[Response(p, get(f"{PREFIX}asked:{p.value}").n, get(f"{PREFIX}answered:{p.value}").n)
                   for p in TimePoint],
        levels=int(get(f"{PREFIX}levels").total),
        complications=[(k, get(f"{PREFIX}complication:{k.value}").n) for k in ComplicationKind],
        callback_to_procedure_days=wait.total / wait.n if wait.n else None, callback_cases=wait.n,
        sla_due=sla.due, sla_met=sla.met,
        bone_health=[(s, get(f"{BONE}{s.value}:{StepState.DONE.value}").n,
                      get(f"{BONE}{s.value}:{StepState.DECLINED.value}").n, get(f"{BONE}{s.value}:total").n)
                     for s in Step],
    )
