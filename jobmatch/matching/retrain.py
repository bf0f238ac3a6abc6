"""Retrain from the outcomes recorded so far; promote only what is better beyond noise.

``retrain_current_model(actor, progress=None)`` is the service (``flask train``, the API, a
queued job); ``train_and_register(config)`` does the work. The split, the candidates, the
calibration and the promotion rule are in training.py and selection.py. The new version is
always written with its card; it becomes current only if its NDCG@10 on the frozen test table
beats the rules ranker and the current version beyond noise (paired bootstrap). Training runs
with an explicit number of BLAS/OpenMP threads (MATCHING_TRAIN_THREADS, default 1): on a busy
two-core server the libraries' default of one thread per core made it several times slower.
"""

import hashlib
import logging
import time
from collections import defaultdict
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
from flask import current_app
from sqlalchemy import or_, select
from sqlalchemy.orm import Session
from threadpoolctl import threadpool_limits

from jobmatch import clock
from jobmatch.accounts.auth import is_staff
from jobmatch.applications.enums import ApplicationStatus, Reason
from jobmatch.applications.models import Application
from jobmatch.errors import Conflict, Forbidden
from jobmatch.extensions import db
from jobmatch.matching.card import build_card, render_markdown
from jobmatch.matching.model import PipelineRanker
from jobmatch.matching.registry import ModelStore, UntrustedModel
from jobmatch.matching.rerank import PriorityPolicy, exposure_report
from jobmatch.matching.scoring import score_eligible
from jobmatch.matching.selection import (
    calibration_report,
    choose,
    decide,
    judge,
    leak_checks,
)
from jobmatch.matching.service import engine
from jobmatch.matching.snapshot import Snapshot, load_posts, load_residents, load_vocabulary
from jobmatch.matching.training import (
    RELEVANCE,
    Outcomes,
    baseline_rankers,
    make_outcomes,
    split,
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
    """The version being served and its ranker; (None, note) when there is none to compare."""
    try:
        version = store.current_version()
    except UntrustedModel as error:
        return None, None, f"the pointer is unreadable ({error}): compared with the rules ranker"
    if version is None:
        return None, None, "no current model: compared with the rules ranker"
    try:
        ranker, _ = store.load(version)
        return version, ranker, None
    except Exception as error:  # noqa: BLE001  (whatever is wrong with it, it cannot compete)
        return (
            None,
            None,
            f"current {version} is not trusted ({error}): compared with the rules ranker",
        )


def _quiet(message: str) -> None:
    return None


def train_and_register(config, today: date | None = None, kinds=None, progress=None) -> dict:
    """Train, judge, write the version and its card, promote if better. Returns the card."""
    started = time.monotonic()
    today = today or clock.today()
    say = progress or _quiet
    if config.get("TESTING") and Path(config["JOBMATCH_MODEL_DIR"]).resolve() == SHIPPED_MODELS:
        # Test runs share the working tree: none may write over the shipped, committed models.
        raise Conflict("测试环境不能写入随附的模型目录，请设置 JOBMATCH_MODEL_DIR。")
    store = ModelStore(config["JOBMATCH_MODEL_DIR"])
    policy = PriorityPolicy.from_config(config)
    with threadpool_limits(limits=int(config.get("MATCHING_TRAIN_THREADS", 1))):
        say("loading recorded outcomes")
        with Session(db.engine) as session:
            outcomes = load_outcomes(session)
        hired = outcomes.statuses == ApplicationStatus.HIRED
        if len(outcomes.statuses) < MIN_OUTCOMES or not hired.any():
            raise Conflict(
                f"已记录的求职结果不足（需至少{MIN_OUTCOMES}条且含录用），暂不能训练模型。"
            )
        sp = split(outcomes)
        if not sp.fit.any():
            raise Conflict("留出评估后没有可用于训练的求职结果，暂不能训练模型。")
        payload, selection = choose(outcomes, sp, kinds, say)
        new = PipelineRanker(payload)
        with store.locked():
            version = store.next_version()
            current_version, current, note = _current(store)
            rankers = {"model": new} | ({"current": current} if current else {})
            rankers |= {b.name: b for b in baseline_rankers()}
            say("scoring every ranker on the frozen test table")
            judged = judge(outcomes, sp, rankers)
            promoted, reason, differences = decide(judged["per_query"], current_version)
            say("measuring priority exposure over every open post")
            card = build_card(
                version=version,
                promotion={
                    "promoted": promoted,
                    "reason": reason,
                    "compared_with": current_version or "rules",
                    "note": note,
                    "primary_metric": "ndcg@10 on the test table (held-out residents and the "
                    "latest weeks)",
                    "differences": differences,
                },
                pipeline=payload["pipeline"],
                kind=payload["kind"],
                data=_data(outcomes, sp, judged),
                selection=selection,
                held_out=judged["metrics"],
                calibration=calibration_report(new, outcomes, np.flatnonzero(sp.test)),
                leak=leak_checks(
                    new,
                    judged["table"].X,
                    float(np.mean(outcomes.log.rate_lift(np.unique(outcomes.posts.firm_ids),
                                                         [judged["table"].day_keys.max()]))),
                ),
                exposure=_exposure(outcomes, new, policy, today),
            )  # fmt: skip
            card["training_seconds"] = round(time.monotonic() - started, 1)
            store.save(version, payload, card, render_markdown)
            if promoted:
                store.set_current(version)
    logger.info("matching: trained %s (%s): %s", version, card["status"], reason)
    return card


def _data(outcomes: Outcomes, sp, judged) -> dict:
    table = judged["table"]
    return {
        "applications": int(len(outcomes.statuses)),
        "outcomes": {s: int((outcomes.statuses == s).sum()) for s in RELEVANCE},
        "residents_with_outcomes": int(len(np.unique(outcomes.resident_ids))),
        "held_out_residents": int(len(np.unique(outcomes.resident_ids[sp.held_out]))),
        "split": {
            "fit": int(sp.fit.sum()),
            "validation": int(sp.validation.sum()),
            "test": int(sp.test.sum()),
            "latest_weeks_from": sp.cutoff.isoformat() if sp.cutoff else None,
        },
        "test_table": {"queries": judged["queries"], "pairs": judged["pairs"]},
        "residents": len(outcomes.residents),
        "posts": len(outcomes.posts),
        "sha256": data_digest(outcomes, table.X),
    }


def _exposure(outcomes: Outcomes, ranker, policy: PriorityPolicy, today: date) -> dict:
    """Exposure by group through the serving path: today's residents and open posts."""
    snapshot = Snapshot(
        outcomes.residents.vocabulary, outcomes.residents, outcomes.posts, 0.0, today
    )

    def score_pairs(ri, pi):
        scored = score_eligible(snapshot, ranker, ri, pi, today)
        mask = np.zeros(len(ri), dtype=bool)
        mask[np.searchsorted(ri, scored.ri)] = True
        return mask, scored.model_score

    return exposure_report(outcomes.residents, outcomes.posts, policy, today, score_pairs)


def retrain_current_model(actor, progress=None, kinds=None) -> dict:
    """Retrain for ``actor`` (bureau staff only) in the current app, and make this process
    serve the result at once; the other workers see a promotion within their check interval.
    ``progress(message)``, when given, is called at each stage. Returns the model card."""
    if not is_staff(actor):
        raise Forbidden("只有人社局工作人员可以重新训练模型。")
    card = train_and_register(current_app.config, kinds=kinds, progress=progress)
    engine().model.refresh(force=True)
    return card
