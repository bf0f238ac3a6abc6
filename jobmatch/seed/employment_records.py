"""Seed files about work after a hire: employment spells and their follow-ups."""

from pathlib import Path

from jobmatch import clock
from jobmatch.employment.dates import add_months
from jobmatch.employment.enums import FOLLOW_UP_MONTHS, EndReason, FollowUpOutcome
from jobmatch.seed.files import local_time, read, unique

SPELL_COLUMNS = ("id", "application_id", "resident_id", "post_id", "firm_id", "started_on",
                 "wage", "ended_on", "end_reason")  # fmt: skip
FOLLOW_UP_COLUMNS = ("id", "spell_id", "months", "due_on", "outcome", "wage", "ended_on",
                     "end_reason", "recorded_on")  # fmt: skip


def read_spells(directory: Path, applications: dict[int, dict], posts: dict[int, dict]):
    """Spells, each opened by a hired application on its hire day, at that post and firm."""
    spells: dict[int, dict] = {}
    ids: set[int] = set()
    opened_by: set[int] = set()
    for row in read(directory, "employment_spells.csv", SPELL_COLUMNS):
        spell_id = row.integer("id", minimum=1)
        unique(row, "id", spell_id, ids)
        application = applications[row.ref("application_id", applications)]
        unique(row, "application_id", application["id"], opened_by)
        if application["status"] != "hired" or application["hired_at"] is None:
            raise row.fail("只有已录用的申请才有就业记录。", "application_id")
        post = posts[application["post_id"]]
        if (row.integer("resident_id"), row.integer("post_id"), row.integer("firm_id")) != (
            application["resident_id"],
            post["id"],
            post["firm_id"],
        ):
            raise row.fail("居民、岗位或企业与录用的申请不一致。", "application_id")
        started_on = row.day("started_on")
        if started_on != clock.china_date(application["hired_at"]):
            raise row.fail("上岗日期应为录用当天。", "started_on")
        ended_on = row.day("ended_on", optional=True)
        end_reason = row.choice("end_reason", EndReason.values(), optional=ended_on is None)
        if (ended_on is None) != (end_reason is None):
            raise row.fail("离岗日期和离岗原因须同时填写。", "end_reason")
        if ended_on is not None and ended_on < started_on:
            raise row.fail("离岗日期不能早于上岗日期。", "ended_on")
        spells[spell_id] = {
            "id": spell_id,
            "application_id": application["id"],
            "resident_id": application["resident_id"],
            "post_id": post["id"],
            "firm_id": post["firm_id"],
            "started_on": started_on,
            "wage": row.integer("wage", minimum=0),
            "ended_on": ended_on,
            "end_reason": end_reason,
            "created_at": application["hired_at"],
            "updated_at": application["hired_at"],
        }
    return spells


def read_follow_ups(directory: Path, spells: dict[int, dict]) -> list[dict]:
    """Follow-ups at 1, 3 or 6 months, one per checkpoint; an ended one matches its spell."""
    follow_ups = []
    ids: set[int] = set()
    checkpoints: set[tuple[int, int]] = set()
    for row in read(directory, "employment_follow_ups.csv", FOLLOW_UP_COLUMNS):
        follow_up_id = row.integer("id", minimum=1)
        unique(row, "id", follow_up_id, ids)
        spell = spells[row.ref("spell_id", spells)]
        months = row.integer("months")
        if months not in FOLLOW_UP_MONTHS:
            raise row.fail("回访节点应为第1、3或6个月。", "months")
        unique(row, "months", (spell["id"], months), checkpoints)
        due_on = row.day("due_on")
        if due_on != add_months(spell["started_on"], months):
            raise row.fail("回访日期与上岗日期不符。", "due_on")
        outcome = row.choice("outcome", FollowUpOutcome.values())
        ended = outcome == FollowUpOutcome.ENDED
        ended_on = row.day("ended_on", optional=not ended)
        end_reason = row.choice("end_reason", EndReason.values(), optional=not ended)
        if ended and (ended_on, end_reason) != (spell["ended_on"], spell["end_reason"]):
            raise row.fail("离岗信息与就业记录不一致。", "ended_on")
        if not ended and (ended_on or end_reason):
            raise row.fail("仍在岗时不填离岗信息。", "ended_on")
        recorded_on = row.day("recorded_on")
        follow_ups.append(
            {
                "id": follow_up_id,
                "spell_id": spell["id"],
                "months": months,
                "due_on": due_on,
                "outcome": outcome,
                "wage": row.integer("wage", minimum=0, optional=True),
                "ended_on": ended_on,
                "end_reason": end_reason,
                "note": None,
                "recorded_on": recorded_on,
                "recorded_by_user_id": None,
                "recorded_at": local_time(recorded_on),
            }
        )
    return follow_ups
