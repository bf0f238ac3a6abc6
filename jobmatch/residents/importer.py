"""The bureau's roster import: every row stored, warned or rejected, and a preview first.

A roster row is matched to a registered resident by the keyed hash of its ID number, so the
same file imported twice updates and never duplicates. The whole import is planned before
anything is written: which rows create a resident, which change one (and what), which change
nothing, which are rejected; a dry run answers that plan and saves nothing, a real run saves
exactly it, in one transaction. A blank cell, or a column the file lacks, leaves the stored
value alone; a damaged name never replaces a stored one.
"""

from typing import Any

from flask import current_app

from jobmatch import clock
from jobmatch.accounts.models import User
from jobmatch.crypto import cipher
from jobmatch.errors import Invalid
from jobmatch.residents import roster_save
from jobmatch.residents.roster_catalogues import Catalogues
from jobmatch.residents.roster_columns import Columns, find_header
from jobmatch.residents.roster_files import read_roster
from jobmatch.residents.roster_guard import too_many_rows
from jobmatch.residents.roster_rows import RosterRow, clean_row, is_footer
from jobmatch.residents.roster_save import Stored
from jobmatch.validators import mask_id_number


def max_rows() -> int:
    return int(current_app.config["ROSTER_MAX_ROWS"])


def import_roster(
    actor: User, filename: str, data: bytes, *, dry_run: bool = False, progress=None
) -> dict[str, Any]:
    """Read, check and plan the whole roster; save the plan unless this is a dry run.

    ``progress(done, total)``, when given, is told how far the saving has got (a background
    job shows it to the clerk).
    """
    columns, rows, catalogues = read_rows(filename, data)
    stored = roster_save.load_stored([row.id_hash for row in rows if row.id_hash])
    plan = [decide(row, stored, catalogues) for row in rows]
    created = {} if dry_run else roster_save.save(plan, stored, progress)
    for item in plan:
        item["resident_id"] = _resident_id(item, stored, created)
    return answer(plan, columns, dry_run)


def _resident_id(item: dict[str, Any], stored: dict[str, Stored], created: dict[str, int]):
    """The row's resident: found by ID hash, or just registered (none yet in a dry run)."""
    row: RosterRow = item["row"]
    if item["outcome"] == "rejected":
        return None
    if item["outcome"] == "created":
        return created.get(row.id_hash)
    return stored[row.id_hash].id


def count_rows(filename: str, data: bytes, limit: int | None = None) -> int:
    """How many data rows the roster has; past the row limit (ROSTER_MAX_ROWS, or ``limit``)
    it is refused here, at once, before anything is saved."""
    limit = max_rows() if limit is None else limit
    raw_rows = read_roster(filename, data, limit)
    columns = find_header(raw_rows)
    count = 0
    for _number, raw in raw_rows:
        cells = columns.cells(raw)
        if any(cells.values()) and not is_footer(cells, raw):
            count += 1
            if count > limit:
                raise too_many_rows(limit)
    return count


def read_rows(filename: str, data: bytes) -> tuple[Columns, list[RosterRow], Catalogues]:
    limit = max_rows()
    raw_rows = read_roster(filename, data, limit)
    columns = find_header(raw_rows)
    catalogues = Catalogues()
    hasher = cipher()
    today = clock.today()
    rows: list[RosterRow] = []
    first_row_of: dict[str, int] = {}
    for number, raw in raw_rows:
        columns.note_unlabelled(raw)
        cells = columns.cells(raw)
        if not any(cells.values()) or is_footer(cells, raw):
            continue  # blank lines, and footers: 合计, 制表人, a lone 序号
        if len(rows) >= limit:
            raise too_many_rows(limit)
        row = clean_row(number, cells, catalogues, today, hasher.lookup_hash)
        if row.identity is not None:
            earlier = first_row_of.setdefault(row.identity.number, number)
            if earlier != number:
                row.reject("id_number", f"与第{earlier}行的身份证号码重复。")
        rows.append(row)
    if not rows:
        raise Invalid("文件只有表头，没有数据行。", {"file": ["没有数据行。"]})
    return columns, rows, catalogues


def decide(row: RosterRow, stored: dict[str, Stored], catalogues: Catalogues) -> dict[str, Any]:
    """What importing this row does: its outcome and the fields it changes."""
    existing = stored.get(row.id_hash) if row.id_hash else None
    # A wrong number is refused whoever it belongs to (it is how the bureau reaches the person);
    # a blank cell only matters for someone not yet registered.
    if row.phone_problem and (row.phone_given or existing is None):
        row.reject(
            "phone",
            f"{row.phone_problem}登记新居民需要联系电话。"
            if not row.phone_given
            else row.phone_problem,
        )
    if existing is not None and row.grid_text:
        _grid_in_stored_community(row, existing, catalogues)
    if row.errors:
        return {"row": row, "outcome": "rejected", "changes": {}}
    if existing is None:
        return {"row": row, "outcome": "created", "changes": {}}
    values = dict(row.values)
    if row.name_damaged:
        values.pop("name")
    changes = roster_save.changes(existing, values, row)
    return {"row": row, "outcome": "updated" if changes else "unchanged", "changes": changes}


def _grid_in_stored_community(row: RosterRow, existing: Stored, catalogues: Catalogues) -> None:
    try:
        row.values["grid_id"] = catalogues.grid(row.grid_text, existing.values["community_id"])
    except ValueError as error:
        row.warn("grid_id", str(error))


def answer(plan: list[dict[str, Any]], columns: Columns, dry_run: bool) -> dict[str, Any]:
    """The API's created/updated/rejected, then everything else a clerk needs to know."""
    counts = {"created": 0, "updated": 0, "unchanged": 0, "rejected": 0}
    rejected, warned, rows = [], [], []
    for item in plan:
        row: RosterRow = item["row"]
        counts[item["outcome"]] += 1
        if row.errors:
            rejected.append({"row": row.row, "errors": row.errors})
        if row.warnings:
            warned.append({"row": row.row, "warnings": row.warnings})
        rows.append(
            {
                "row": row.row,
                "name": row.name,
                "id_number": mask_id_number(row.identity.number) if row.identity else None,
                "outcome": item["outcome"],
                "changes": sorted(item["changes"]),
                "resident_id": item["resident_id"],
            }
        )
    return {
        # A resident found again is "updated", as the API has always counted, even when nothing in
        # it changed; "unchanged" says how many of those were already as the file has them.
        "created": counts["created"],
        "updated": counts["updated"] + counts["unchanged"],
        "rejected": rejected,
        "unchanged": counts["unchanged"],
        "warnings": warned,
        "dry_run": dry_run,
        "header_row": columns.row,
        "columns": columns.used,
        "ignored": columns.ignored,
        "rows": rows,
    }
