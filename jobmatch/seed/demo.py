"""``flask --app jobmatch demo-accounts``: the sign-in accounts of a local trial.

It lives beside the seed, not in accounts, because it picks a resident that the matching model
ranks posts for, so that the trial shows matches: the account feature stays below matching.
"""

import os

import click
from sqlalchemy import select

from jobmatch.accounts import service as accounts
from jobmatch.accounts.commands import command_error
from jobmatch.accounts.enums import Role
from jobmatch.accounts.models import User
from jobmatch.errors import DomainError
from jobmatch.extensions import db
from jobmatch.firms.models import Firm
from jobmatch.matching.service import rank_posts_for_resident
from jobmatch.residents.enums import EmploymentStatus
from jobmatch.residents.models import Resident

DEFAULT_DEMO_PASSWORD = "jobmatch-demo"
# How many residents to try for one with matches before settling for the first.
DEMO_RESIDENT_SEARCH = 200


@click.command("demo-accounts")
def demo_accounts_command():
    """Create the demo accounts of a local trial, once; the password is JOBMATCH_DEMO_PASSWORD
    or "jobmatch-demo". Never run this on a server that holds real residents' data."""
    from_env = os.environ.get("JOBMATCH_DEMO_PASSWORD")
    password = from_env or DEFAULT_DEMO_PASSWORD
    owners = {
        "demo-admin": (Role.ADMIN, lambda: {}),
        "demo-staff": (Role.STAFF, lambda: {}),
        "demo-firm": (Role.FIRM, lambda: _owner("firm_id", _first_firm_id(), "企业")),
        "demo-resident": (
            Role.RESIDENT,
            lambda: _owner("resident_id", _demo_resident_id(), "居民"),
        ),
    }
    for username, (role, owner) in owners.items():
        existing = db.session.scalar(select(User).where(User.username == username))
        if existing is not None:
            click.echo(f"{username}（{existing.role}）已存在，未改动。")
            continue
        fields = owner()
        if fields is None:
            continue
        try:
            accounts.create_user(role, username, password, **fields)
        except DomainError as error:
            raise command_error(error) from None
        click.echo(f"{username}（{role}）已创建。")
    shown = "见环境变量 JOBMATCH_DEMO_PASSWORD" if from_env else DEFAULT_DEMO_PASSWORD
    click.echo(f"演示账号密码：{shown}")


def _owner(field: str, owner_id: int | None, label: str) -> dict | None:
    if owner_id is None:
        click.echo(
            f"数据库中还没有{label}：未创建{label}演示账号（请先运行 flask --app jobmatch seed）。"
        )
        return None
    return {field: owner_id}


def _first_firm_id() -> int | None:
    return db.session.scalar(select(Firm.id).order_by(Firm.id).limit(1))


def _demo_resident_id() -> int | None:
    """A seeded resident without an account whom some open post fits (so that the trial shows
    matches), preferring one looking for work; else the first such resident."""
    taken = select(User.resident_id).where(User.resident_id.is_not(None))
    candidates = db.session.scalars(
        select(Resident.id)
        .where(Resident.id.not_in(taken))
        .order_by((Resident.employment_status != EmploymentStatus.UNEMPLOYED), Resident.id)
        .limit(DEMO_RESIDENT_SEARCH)
    ).all()
    for resident_id in candidates:
        if rank_posts_for_resident(resident_id, limit=1):
            return resident_id
    if candidates:
        click.echo("没有找到有匹配岗位的居民：居民演示账号暂用第一位居民。")
    return candidates[0] if candidates else None
