"""`flask jobs worker`: an RQ worker that runs the portal's background jobs."""

import click
from flask import current_app
from flask.cli import AppGroup

from competence.jobs import redis_connection

jobs_cli = AppGroup("jobs", help="Background jobs (RQ).")


@jobs_cli.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
def worker_command(burst: bool) -> None:
    """Run jobs from Redis in this process, inside the app (needs REDIS_URL)."""
    from rq import Queue, SimpleWorker

    url = current_app.config["REDIS_URL"]
    if not url:
        raise click.ClickException("REDIS_URL is not set")
    from competence.certificates.batch import resume_stalled_batches
    from competence.certificates.document import warm_up

    connection = redis_connection(url)
    # Batches whose worker died (killed, machine restarted) go on with this one.
    resumed = resume_stalled_batches()
    if resumed:
        click.echo(f"Resumed {resumed} stalled certificate batch(es)")
    try:
        warm_up()
    except Exception:  # noqa: BLE001 - the worker still runs; each certificate reports its error
        current_app.logger.exception("the certificate renderer could not warm up")
    # SimpleWorker runs jobs in this process, so they share the app context and its engine.
    SimpleWorker([Queue(connection=connection)], connection=connection).work(burst=burst)
