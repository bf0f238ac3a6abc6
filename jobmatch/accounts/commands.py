"""Command-line account management: create-user."""

import click
from flask import Flask

from jobmatch.accounts import service
from jobmatch.accounts.models import ROLES
from jobmatch.database import MAX_ID
from jobmatch.errors import DomainError

_ID = click.IntRange(1, MAX_ID)


def command_error(error: DomainError) -> click.ClickException:
    """The service's error as a one-line message naming the options to fix (exit code 1)."""
    details = "；".join(
        f"--{field.replace('_', '-')}：{' '.join(messages)}"
        for field, messages in error.errors.items()
    )
    return click.ClickException(f"{error.message} {details}".strip())


@click.command("create-user")
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.option("--username", required=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--firm-id", type=_ID, help="the firm a firm user belongs to")
@click.option("--resident-id", type=_ID, help="the resident a resident user is")
def create_user_command(role, username, password, firm_id, resident_id):
    """Create an account that can sign in to the API and the web pages."""
    try:
        user = service.create_user(role, username, password, firm_id, resident_id)
    except DomainError as error:
        raise command_error(error) from None
    click.echo(f"已创建账号 {user.username}（{user.role}，编号 {user.id}）。")


def register(app: Flask) -> None:
    app.cli.add_command(create_user_command)
