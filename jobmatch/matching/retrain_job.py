"""The retrain as a background job: ``POST /api/model/train`` queues it, a worker runs it."""

from flask import current_app

from jobmatch.jobs.runner import JobRun

RETRAIN_JOB = "jobmatch.matching.retrain_job:retrain"


def retrain(run: JobRun) -> dict:
    """Retrain from recorded outcomes; the job's result is the new version's model card."""
    from jobmatch.matching import service
    from jobmatch.matching.retrain import train_and_register

    kind = run.payload.get("kind")
    run.progress(0.0, force=True)
    # The one call into the retrain itself: re-point it here if the retrain moves.
    card = train_and_register(current_app.config, kinds=(kind,) if kind else None)
    # This process serves the new version at once; the others see the pointer change within
    # MATCHING_MODEL_CHECK_SECONDS.
    service.engine().model.refresh(force=True)
    return card
