"""``flask --app jobmatch worker``: an RQ worker that runs this app's background jobs."""

import click
from flask import Flask, current_app
from redis.exceptions import RedisError
from rq import Worker

from jobmatch.extensions import db


@click.command("worker")
@click.option("--burst", is_flag=True, help="Run the jobs waiting now, then stop.")
@click.option("--queue", "queue_name", default=None, help="Queue to serve (default JOBS_QUEUE).")
def worker_command(burst: bool, queue_name: str | None) -> None:
    """Run background jobs (retrains, large imports) from the Redis queue at REDIS_URL."""
    from jobmatch.jobs.service import job_queue, redis_connection

    connection = redis_connection()
    if connection is None:
        raise click.ClickException("REDIS_URL is not set: jobs run inline, no worker is needed.")
    try:
        connection.ping()
    except RedisError as error:
        raise click.ClickException(f"Redis does not answer at REDIS_URL ({error}).") from None
    queue = job_queue(connection)
    if queue_name:
        queue = type(queue)(queue_name, connection=connection)
    # Each job runs in a forked process: none may inherit this process's pooled connections.
    db.session.remove()
    db.engine.dispose()
    click.echo(f"jobs: worker on queue {queue.name!r} ({'burst' if burst else 'waiting'})")
    # The scheduler moves retries whose back-off has passed back onto the queue.
    Worker([queue], connection=connection).work(
        burst=burst, with_scheduler=True, logging_level=current_app.config["JOBS_LOG_LEVEL"]
    )


def register(app: Flask) -> None:
    app.cli.add_command(worker_command)
