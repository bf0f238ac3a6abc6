"""The retrain as a background job: ``POST /api/model/train`` queues it, a worker runs it."""

from jobmatch.jobs.runner import JobRun

RETRAIN_JOB = "jobmatch.matching.retrain_job:retrain"
STAGES = 6  # progress messages a retrain gives (retrain.train_and_register and selection.choose)


def retrain(run: JobRun) -> dict:
    """Retrain from recorded outcomes for the staff member who asked; the job's result is the
    new version's model card."""
    from jobmatch.matching.retrain import retrain_current_model

    kind = run.payload.get("kind")
    stages = iter(range(1, 100))
    run.progress(0.0, force=True)
    # The one call into the retrain itself; each stage it reports moves the job's progress.
    return retrain_current_model(
        run.actor,
        progress=lambda message: run.progress(min(next(stages) / STAGES, 0.95)),
        kinds=(kind,) if kind else None,
    )
