"""Retrain from the outcomes recorded so far; promote only what is no worse than what serves.

Used by ``flask train`` and ``POST /api/model/train``. The new version is always written (with
its card); it becomes current only if its primary metric (NDCG@10 over all eligible posts) on
the held-out residents is no worse than the current version's on exactly the same pairs.
Otherwise it stays a candidate and the answer says why.
"""

import hashlib
import logging
from collections import defaultdict
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from jobmatch.applications.enums import ApplicationStatus, Reason
from jobmatch.applications.models import Application
from jobmatch.errors import Conflict
from jobmatch.extensions import db
from jobmatch.matching.baselines import RulesRanker
from jobmatch.matching.card import build_card, render_markdown
from jobmatch.matching.model import PipelineRanker
from jobmatch.matching.registry import ModelStore, UntrustedModel
from jobmatch.matching.rerank import PriorityPolicy, exposure_report
from jobmatch.matching.service import score_eligible
from jobmatch.matching.snapshot import Snapshot, load_posts, load_residents, load_vocabulary
from jobmatch.matching.training import (
    PRIMARY,
    RELEVANCE,
    Outcomes,
    application_features,
    baseline_rankers,
    choose_kind,
    cross_validate,
    fit_final,
    held_out_evaluation,
    is_held_out,
    make_outcomes,
)
from jobmatch.training.enums import EnrollmentStatus

logger = logging.getLogger(__name__)
MIN_OUTCOMES = 50
SHIPPED_MODELS = (Path(__file__).resolve().parents[2] / "models").resolve()
TOLERANCE = 1e-9  # "no worse": equal up to float noise


def _as_of(records, session: Session, applications) -> list:
    """Each application's resident as they stood that day: skills conferred and training
    completed later are taken away, so that no later state explains an earlier outcome."""
    from dataclasses import replace

    from jobmatch.residents.models import ResidentSkill
    from jobmatch.training.models import Cohort, Enrollment, program_skills

    confers = defaultdict(set)
    for program, skill in session.execute(
        select(program_skills.c.program_code, program_skills.c.skill_code)
    ):
        confers[program].add(skill)
    declared = defaultdict(set)
    for rid, code, source in session.execute(
        select(ResidentSkill.resident_id, ResidentSkill.skill_code, ResidentSkill.source)
    ):
        if source == "declared":
            declared[rid].add(code)
    completions = defaultdict(list)
    for rid, program, passed, done in session.execute(
        select(
            Enrollment.resident_id, Cohort.program_code, Enrollment.passed, Enrollment.completed_on
        )
        .join(Cohort, Cohort.id == Enrollment.cohort_id)
        .where(Enrollment.status == EnrollmentStatus.COMPLETED)
    ):
        completions[rid].append((program, bool(passed), done))
    by_id = {r.id: r for r in records}
    states = []
    for rid, _, _, day in applications:
        record = by_id[rid]
        done = [(p, ok) for p, ok, on in completions[rid] if on is None or on <= day]
        conferred = set().union(*(confers[p] for p, ok in done if ok)) if done else set()
        states.append(
            replace(
                record,
                skills=frozenset((declared[rid] | conferred) & record.skills),
                completed_programs=frozenset(p for p, _ in done),
                certificates=frozenset(p for p, ok in done if ok),
            )
        )
    return states


def load_outcomes(session: Session) -> Outcomes:
    vocabulary = load_vocabulary(session)
    rows = session.execute(
        select(
            Application.resident_id,
            Application.post_id,
            Application.status,
            Application.created_at,
        )
        .where(Application.status.in_(tuple(RELEVANCE)))
        # A withdrawal because the resident was in class says nothing about the match.
        .where(or_(Application.reason.is_(None), Application.reason != Reason.IN_TRAINING))
        .order_by(Application.created_at, Application.id)
    ).all()
    applications = [(r, p, s, (at or datetime.now(UTC)).date()) for r, p, s, at in rows]
    residents = load_residents(session)
    as_of = _as_of(residents, session, applications)
    return make_outcomes(residents, load_posts(session), applications, vocabulary, as_of)


def data_digest(outcomes: Outcomes, X: np.ndarray) -> str:
    digest = hashlib.sha256()
    for array in (
        outcomes.resident_ids,
        outcomes.post_ids,
        outcomes.day_keys,
        outcomes.relevance,
        X,
    ):
        digest.update(np.ascontiguousarray(array).tobytes())
    return digest.hexdigest()


def _current(store: ModelStore):
    version = store.current_version()
    if version is None:
        return None, RulesRanker(), "no current model: compared with the rules ranker"
    try:
        ranker, _ = store.load(version)
        return version, ranker, None
    except UntrustedModel as error:
        return (
            version,
            RulesRanker(),
            f"current {version} is not trusted ({error}): compared with the rules ranker",
        )


def _decide(held_out: dict, current_version: str | None) -> tuple[bool, str]:
    """Promote when no worse than the current version on the same held-out pairs. With no
    version yet, the rules ranker is a fallback, not a version to beat: the first model is
    promoted when it beats the skill-overlap baseline, and the card shows the rules' figures."""
    protocol, metric = PRIMARY
    if not held_out:
        return current_version is None, "no held-out residents with outcomes to compare on"
    new = held_out["model"]["overall"][metric] or 0.0
    if current_version is None:
        floor = held_out["skill_overlap"]["overall"][metric] or 0.0
        rules = held_out["rules"]["overall"][metric] or 0.0
        figures = f"first version: {metric} on held-out residents {new:.4f}"
        if new + TOLERANCE >= floor:
            return True, f"{figures}, no worse than skill overlap {floor:.4f} (rules {rules:.4f})"
        return False, f"kept as candidate: {figures} is below skill overlap {floor:.4f}"
    old = held_out["current"]["overall"][metric] or 0.0
    figures = f"{metric} on held-out residents {new:.4f}"
    if new + TOLERANCE >= old:
        return True, f"{figures} is no worse than {current_version} {old:.4f}"
    return False, f"kept as candidate: {figures} is below {current_version} {old:.4f}"


def train_and_register(config, today: date | None = None, kinds=None) -> dict:
    """Train, evaluate, write the version and its card, promote if no worse. Returns the card."""
    today = today or date.today()
    if config.get("TESTING") and Path(config["JOBMATCH_MODEL_DIR"]).resolve() == SHIPPED_MODELS:
        # Test runs share the working tree: none may write over the shipped, committed models.
        raise Conflict("测试环境不能写入随附的模型目录，请设置 JOBMATCH_MODEL_DIR。")
    store = ModelStore(config["JOBMATCH_MODEL_DIR"])
    policy = PriorityPolicy.from_config(config)
    with Session(db.engine) as session:
        outcomes = load_outcomes(session)
    if (
        len(outcomes.statuses) < MIN_OUTCOMES
        or not (outcomes.statuses == ApplicationStatus.HIRED).any()
    ):
        raise Conflict(f"已记录的求职结果不足（需至少{MIN_OUTCOMES}条且含录用），暂不能训练模型。")
    X = application_features(outcomes)
    cv = cross_validate(outcomes, today, **({"kinds": kinds} if kinds else {}))
    kind = choose_kind(cv) if not kinds or len(kinds) > 1 else kinds[0]
    payload = fit_final(outcomes, kind)
    new = PipelineRanker(payload)
    with store.locked():
        version = store.next_version()
        current_version, current, note = _current(store)
        rankers = {"model": new, "current": current} | {b.name: b for b in baseline_rankers()}
        held_out = held_out_evaluation(outcomes, rankers, today)
        promoted, reason = _decide(held_out, current_version if note is None else None)
        snapshot = Snapshot(
            outcomes.residents.vocabulary, outcomes.residents, outcomes.posts, 0.0, today
        )

        def score_pairs(ri, pi):
            scored = score_eligible(snapshot, new, ri, pi, today)
            mask = np.zeros(len(ri), dtype=bool)
            mask[np.searchsorted(ri, scored.ri)] = True
            return mask, scored.model_score

        held = outcomes.resident_ids[is_held_out(outcomes.resident_ids)]
        card = build_card(
            version=version,
            promotion={
                "promoted": promoted,
                "reason": reason,
                "compared_with": current_version or "rules",
                "note": note,
                "primary_metric": f"{PRIMARY[1]} ({PRIMARY[0]})",
            },
            pipeline=payload["pipeline"],
            kind=kind,
            data={
                "applications": int(len(outcomes.statuses)),
                "outcomes": {s: int((outcomes.statuses == s).sum()) for s in RELEVANCE},
                "residents_with_outcomes": int(len(np.unique(outcomes.resident_ids))),
                "held_out_residents": int(len(np.unique(held))),
                "residents": len(outcomes.residents),
                "posts": len(outcomes.posts),
                "sha256": data_digest(outcomes, X),
            },
            cv=cv,
            held_out=held_out,
            exposure=exposure_report(
                outcomes.residents, outcomes.posts, new, policy, today, score_pairs
            ),
        )
        store.save(version, payload, card, render_markdown)
        if promoted:
            store.set_current(version)
    logger.info("matching: trained %s (%s): %s", version, card["status"], reason)
    return card
