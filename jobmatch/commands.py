"""Command-line entry points; each feature's commands are registered here."""

from flask import Flask


def register_commands(app: Flask) -> None:
    from jobmatch.accounts.commands import register as register_accounts
    from jobmatch.applications.commands import register as register_applications
    from jobmatch.employment.commands import register as register_employment
    from jobmatch.jobs.commands import register as register_jobs
    from jobmatch.matching.commands import register as register_matching
    from jobmatch.seed.commands import register as register_seed

    register_applications(app)
    register_accounts(app)
    register_matching(app)
    register_seed(app)
    register_jobs(app)
    register_employment(app)
