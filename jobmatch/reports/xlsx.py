"""Reports as Excel workbooks: one sheet per report, Chinese headings, China local times."""

from collections.abc import Callable

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from jobmatch.posts.enums import Category, PostStatus
from jobmatch.residents.enums import PriorityGroup
from jobmatch.spreadsheets import write_row
from jobmatch.vocabulary import Vocabulary


def _label(code_set: type[Vocabulary], empty: str) -> Callable:
    return lambda value: empty if value is None else code_set.label_of(value)


def _plain(value):
    return value


Column = tuple[str, str, Callable]

SHEETS: dict[str, tuple[str, list[Column]]] = {
    "time-to-fill": (
        "岗位招满用时",
        [
            ("post_id", "岗位编号", _plain),
            ("title", "岗位名称", _plain),
            ("firm_name", "企业", _plain),
            ("category", "类别", _label(Category, "")),
            ("status", "状态", _label(PostStatus, "")),
            ("openings", "招聘人数", _plain),
            ("filled", "已招人数", _plain),
            ("hires", "在职录用人数", _plain),
            ("listed_at", "发布时间", _plain),
            ("first_application_at", "首次报名时间", _plain),
            ("first_hire_at", "首次录用时间", _plain),
            ("filled_at", "招满时间", _plain),
            ("days_to_first_hire", "发布至首次录用（天）", _plain),
            ("days_to_fill", "发布至招满（天）", _plain),
            ("days_from_first_application_to_fill", "首次报名至招满（天）", _plain),
        ],
    ),
    "placements-by-group": (
        "重点人群就业",
        [
            ("group", "人员类别", _label(PriorityGroup, "非重点人群")),
            ("residents", "登记人数", _plain),
            ("placed_residents", "已就业人数", _plain),
            ("hires", "录用人次", _plain),
            ("placement_rate", "就业率", _plain),
        ],
    ),
    "placements-by-community": (
        "各社区就业",
        [
            ("community_id", "社区编号", _plain),
            ("community_name", "社区", lambda value: value or "未登记社区"),
            ("residents", "登记人数", _plain),
            ("placed_residents", "已就业人数", _plain),
            ("hires", "录用人次", _plain),
            ("placement_rate", "就业率", _plain),
        ],
    ),
    "placements-by-program": (
        "培训后就业",
        [
            ("program_code", "培训项目代码", _plain),
            ("program_name", "培训项目", _plain),
            ("trained", "结业人数", _plain),
            ("placed_within_90_days", "结业后90天内就业人数", _plain),
            ("placement_rate", "就业率", _plain),
        ],
    ),
    "filled-by-firm": (
        "企业岗位招用",
        [
            ("firm_id", "企业编号", _plain),
            ("firm_name", "企业", _plain),
            ("category", "类别", _label(Category, "")),
            ("posts", "岗位数", _plain),
            ("openings", "招聘人数", _plain),
            ("filled", "已招人数", _plain),
            ("fill_rate", "招满率", _plain),
        ],
    ),
}


def workbook(reports: dict[str, list[dict]]) -> Workbook:
    """One sheet per report named in ``reports`` (report name -> its rows), in SHEETS order."""
    book = Workbook()
    book.remove(book.active)
    for name, (title, columns) in SHEETS.items():
        if name not in reports:
            continue
        sheet = book.create_sheet(title)
        write_row(sheet, [heading for _, heading, _ in columns])
        for row in reports[name]:
            # Times are aware: the writer shows them on the bureau's clock.
            write_row(sheet, [convert(row[key]) for key, _, convert in columns])
        for index, (_, heading, _) in enumerate(columns, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = max(10, 2 * len(heading))
        sheet.freeze_panes = "A2"
    return book
