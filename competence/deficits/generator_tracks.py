"""Development tracks of generated results, matched with the catalogue as the portal does.

Every latest result with deficits gets a track: some of its modules done, all of them (then the
track awaits the retake) for some. A result of an earlier campaign that `simulate` chose gets a
track completed by the next campaign's result, every module done and the growth recorded as
`tracks.services._close_cycle` records it. Matching is `analytics.matching.match_modules` on the
catalogue's modules, narrowed once per position, subjects and framework so each call is cheap.
A teacher has one open plan a school year: a second open result of the same year merges into it
(its modules not yet in the plan appended, one plan source more), as `tracks.services` does.
"""

from datetime import datetime, timedelta

import numpy as np

from competence.analytics.campaigns import school_year
from competence.analytics.figures import shown_depth
from competence.analytics.matching import Deficit, Match, Module, Taker, match_modules
from competence.analytics.scoring import SCORE_SLACK
from competence.tracks.library import matching_modules
from competence.tracks.models import ModuleStatus, TrackStatus

EVIDENCE_NOTE = "Модуль пройден, материалы применены на уроках."
# A track is built within this many days of its result.
BUILT_WITHIN_DAYS = 10


class TrackBuilder:
    """Collect track and track module rows for generated results, ids given up front."""

    def __init__(self, rng: np.random.Generator, now: datetime, track_id: int, module_id: int):
        self.rng, self.now = rng, now
        self.catalogue, self.rows = matching_modules()
        self._open: dict[tuple, list[Module]] = {}
        self._matches: dict[tuple, Match] = {}
        self.track_id, self.module_id = track_id, module_id
        self.tracks: list[dict] = []
        self.modules: list[dict] = []
        self.sources: list[dict] = []
        # The open plan of each (user, school year), and the catalogue modules in each plan.
        self._open_plans: dict[tuple[int, int], dict] = {}
        self._in_plan: dict[int, set[int]] = {}

    def add(self, profile, takers, ids, results, times, completed) -> None:
        """Build the tracks of one instrument's takers (user id, position, subjects each)."""
        deficits = results < profile.thresholds - SCORE_SLACK
        last = ids.shape[1] - 1
        for t, taker in enumerate(takers):
            for c in range(last):
                if completed[t, c]:
                    retake = (int(ids[t, c + 1]), results[t, c + 1], times[t, c + 1])
                    self._track(profile, taker, int(ids[t, c]), results[t, c], times[t, c], retake)
            if deficits[t, last].any():
                self._track(profile, taker, int(ids[t, last]), results[t, last], times[t, last])

    def _modules_for(self, position: str, subjects: tuple[str, ...], framework: str):
        """Return the catalogue's modules open to the taker that develop the framework."""
        key = (position, subjects, framework)
        if key not in self._open:
            taker = Taker(position, frozenset(subjects))
            self._open[key] = [
                m
                for m in self.catalogue
                if m.open_to(taker) and any(entry[0] == framework for entry in m.develops)
            ]
        return self._open[key]

    def _match(self, position: str, subjects: tuple[str, ...], framework: str, found: list[dict]):
        """Match deficits with the catalogue; the same deficits in the same order match alike."""
        order = sorted(found, key=lambda d: (-d["depth"], d["competence"]))
        key = (position, subjects, framework, tuple((d["competence"], d["level"]) for d in order))
        if key not in self._matches:
            self._matches[key] = match_modules(
                [
                    Deficit(
                        d["framework"], d["competence"], d["level"], d["depth"], d["soft_skill"]
                    )
                    for d in found
                ],
                self._modules_for(position, subjects, framework),
                Taker(position, frozenset(subjects)),
            )
        return self._matches[key]

    def _track(self, profile, taker, attempt_id, scores, submitted, retake=None) -> None:
        """Add a track built from one result; completed by `retake` (id, scores, time) if given."""
        user_id, position, subjects = taker
        found = deficits_of(profile, scores)
        match = self._match(position, subjects, profile.framework, found)
        if not match.proposals:
            return  # the portal builds no track of gaps only
        by_competence = {d["competence"]: d for d in found}
        end = retake[2] if retake else self.now
        built_after = timedelta(days=float(self.rng.uniform(0.5, BUILT_WITHIN_DAYS)))
        created = submitted + min(built_after, (end - submitted) / 2)
        if retake:
            done = np.ones(len(match.proposals), dtype=bool)
        else:
            # Most tracks of the current campaign are young: few of their modules are done yet.
            done = self.rng.random(len(match.proposals)) < self.rng.random() ** 2
        span = end - created
        done_at = [
            created + span * float(u) for u in np.sort(self.rng.uniform(0.05, 0.95, done.size))
        ]
        start, cursor = created.date(), created.date()
        year = school_year(created)
        plan = None if retake else self._open_plans.get((user_id, year))
        track_id = plan["id"] if plan else self.track_id
        in_plan = self._in_plan.setdefault(track_id, set())
        first = len(in_plan)
        self.sources.append(
            {
                "track_id": track_id,
                "attempt_id": attempt_id,
                "document_id": profile.document_id,
                "added_at": created,
                "retake_attempt_id": retake[0] if retake else None,
                "growth": growth(profile, scores, retake[1]) if retake else None,
            }
        )
        for position_in_track, proposal in enumerate(match.proposals):
            module = self.rows[proposal.module]
            if module.id in in_plan:
                continue
            in_plan.add(module.id)
            weeks = timedelta(weeks=module.duration_weeks)
            # Due dates as tracks.services.schedule sets them on the day the track is built.
            if proposal.mandatory:
                cursor += weeks
                due = cursor
            else:
                due = max(start + weeks, cursor)
            is_done = bool(done[position_in_track])
            self.modules.append(
                {
                    "id": self.module_id,
                    "track_id": track_id,
                    "module_id": module.id,
                    "position": len(in_plan) - 1,
                    "mandatory": proposal.mandatory,
                    "deficits": [by_competence[d.competence] for d in proposal.deficits],
                    "title": module.title,
                    "kind": module.kind,
                    "hours": module.hours,
                    "status": ModuleStatus.DONE if is_done else ModuleStatus.PLANNED,
                    "due_date": due,
                    "status_reason": None,
                    "done_at": done_at[position_in_track] if is_done else None,
                    "evidence_note": EVIDENCE_NOTE if is_done else None,
                    "evidence_link": None,
                    "replaced_by_id": None,
                }
            )
            self.module_id += 1
        finished = bool(done.all())
        if plan is not None:
            plan["gaps"] += [by_competence[g.competence] for g in match.gaps]
            if not finished and len(in_plan) > first:
                plan["status"], plan["invited_at"] = TrackStatus.ACTIVE, None
            return
        status = TrackStatus.ACTIVE
        if retake:
            status = TrackStatus.COMPLETED
        elif finished:
            status = TrackStatus.AWAITING_RETAKE
        self.tracks.append(
            {
                "id": self.track_id,
                "user_id": user_id,
                "source_attempt_id": attempt_id,
                "document_id": profile.document_id,
                "status": status,
                "school_year": year,
                "preferred_format": None,
                "created_at": created,
                "invited_at": done_at[-1] if finished else None,
                "retake_attempt_id": retake[0] if retake else None,
                "completed_at": retake[2] if retake else None,
                "gaps": [by_competence[d.competence] for d in match.gaps],
                "growth": growth(profile, scores, retake[1]) if retake else None,
            }
        )
        if not retake:
            self._open_plans[(user_id, year)] = self.tracks[-1]
        self.track_id += 1


def deficits_of(profile, scores: np.ndarray) -> list[dict]:
    """Return a result's deficits as `tracks.recommendations.deficits_of` describes them."""
    found = []
    for c, competence in enumerate(profile.competences):
        score, threshold = float(scores[c]), float(profile.thresholds[c])
        if score >= threshold - SCORE_SLACK:
            continue
        level = int(np.searchsorted(profile.cut_scores, score + SCORE_SLACK, side="right") - 1)
        found.append(
            {
                "framework": profile.framework,
                "competence": competence,
                "title": profile.titles[c],
                "level": profile.levels[level],
                "depth": round(threshold - score, 2),
                "shown_depth": shown_depth(score, threshold),
                "soft_skill": profile.soft[c],
            }
        )
    return found


def growth(profile, before: np.ndarray, after: np.ndarray) -> dict:
    """Return the growth of a completed track as the retake records it."""
    thresholds = profile.thresholds - SCORE_SLACK
    return {
        competence: {
            "before": round(float(before[c]), 2),
            "after": round(float(after[c]), 2),
            "deficit_before": bool(before[c] < thresholds[c]),
            "deficit_after": bool(after[c] < thresholds[c]),
        }
        for c, competence in enumerate(profile.competences)
    }
