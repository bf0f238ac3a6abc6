"""Reading seed files row by row, with errors that name the file, the row and the field.

Rows are numbered as a spreadsheet numbers them: the header is row 1, the first record row 2.
"""

import csv
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, time
from decimal import Decimal, InvalidOperation
from pathlib import Path

from jobmatch.clock import CHINA


class SeedError(Exception):
    """A seed file that cannot be loaded; the message says where and what to fix."""

    def __init__(self, file: str, row: int | None, message: str, field: str | None = None):
        where = file if row is None else f"{file} 第{row}行"
        if field:
            where += f"（{field}）"
        super().__init__(f"{where}：{message}")
        self.file, self.row, self.field = file, row, field


def local_time(day: date, at: time = time(9, 0)) -> datetime:
    """A China-time wall clock reading as an aware UTC datetime."""
    return datetime.combine(day, at, tzinfo=CHINA).astimezone(UTC)


class Row:
    """One record of a seed file, with typed getters that raise SeedError on bad values."""

    def __init__(self, file: str, number: int, values: dict[str, str]):
        self.file, self.row_no, self.values = file, number, values

    def fail(self, message: str, field: str | None = None) -> SeedError:
        return SeedError(self.file, self.row_no, message, field)

    def raw(self, field: str) -> str:
        return (self.values.get(field) or "").strip()

    def parse(self, field: str, parser: Callable[[str], object], optional: bool = False):
        text = self.raw(field)
        if not text:
            if optional:
                return None
            raise self.fail("不能为空。", field)
        try:
            return parser(text)
        except (ValueError, InvalidOperation) as error:
            raise self.fail(str(error) or "格式不正确。", field) from None

    def text(self, field: str, max_length: int = 128, optional: bool = False) -> str | None:
        def check(value: str) -> str:
            if len(value) > max_length:
                raise ValueError(f"长度不能超过{max_length}个字符。")
            return value

        return self.parse(field, check, optional)

    def integer(self, field: str, minimum: int | None = None, optional: bool = False):
        def check(value: str) -> int:
            try:
                number = int(value)
            except ValueError:
                raise ValueError(f"应为整数，现为“{value}”。") from None
            if minimum is not None and number < minimum:
                raise ValueError(f"不能小于{minimum}。")
            return number

        return self.parse(field, check, optional)

    def number(self, field: str, low: float, high: float, optional: bool = False):
        def check(value: str) -> float:
            try:
                number = float(value)
            except ValueError:
                raise ValueError(f"应为数字，现为“{value}”。") from None
            if not low <= number <= high:
                raise ValueError(f"应在{low}到{high}之间。")
            return number

        return self.parse(field, check, optional)

    def decimal(self, field: str, minimum: Decimal = Decimal(0)) -> Decimal:
        def check(value: str) -> Decimal:
            try:
                number = Decimal(value)
            except InvalidOperation:
                raise ValueError(f"应为数字，现为“{value}”。") from None
            if not number.is_finite() or number < minimum:
                raise ValueError(f"应为不小于{minimum}的数字。")
            return number

        return self.parse(field, check)

    def day(self, field: str, optional: bool = False) -> date | None:
        def check(value: str) -> date:
            try:
                return date.fromisoformat(value)
            except ValueError:
                raise ValueError(f"日期应写作YYYY-MM-DD，现为“{value}”。") from None

        return self.parse(field, check, optional)

    def moment(self, field: str) -> datetime:
        """A China-time 'YYYY-MM-DD HH:MM' as an aware UTC datetime."""

        def check(value: str) -> datetime:
            try:
                if len(value) != 16:
                    raise ValueError
                parsed = datetime.fromisoformat(value)
            except ValueError:
                raise ValueError(f"时间应写作YYYY-MM-DD HH:MM，现为“{value}”。") from None
            return parsed.replace(tzinfo=CHINA).astimezone(UTC)

        return self.parse(field, check)

    def boolean(self, field: str, optional: bool = False) -> bool | None:
        def check(value: str) -> bool:
            if value.lower() not in ("true", "false"):
                raise ValueError(f"应为true或false，现为“{value}”。")
            return value.lower() == "true"

        return self.parse(field, check, optional)

    def choice(self, field: str, allowed, optional: bool = False) -> str | None:
        def check(value: str) -> str:
            if value not in allowed:
                listed = f"（{', '.join(sorted(allowed))}）" if len(allowed) <= 12 else ""
                raise ValueError(f"“{value}”不是允许的值{listed}。")
            return value

        return self.parse(field, check, optional)

    def ref(self, field: str, known, optional: bool = False):
        """An integer id that must appear in another seed file."""
        value = self.integer(field, minimum=1, optional=optional)
        if value is not None and value not in known:
            raise self.fail(f"引用的编号{value}不存在。", field)
        return value

    def codes(self, field: str, known) -> list[str]:
        """A ';'-separated list of codes, each of which must be known."""
        values = [v.strip() for v in self.raw(field).split(";") if v.strip()]
        unknown = [v for v in values if v not in known]
        if unknown:
            raise self.fail(f"未知的代码：{'、'.join(unknown)}。", field)
        if len(set(values)) != len(values):
            raise self.fail("代码重复。", field)
        return values


def read(directory: Path, name: str, columns: tuple[str, ...]) -> Iterator[Row]:
    """Yield the records of one CSV file, after checking that its header has ``columns``."""
    path = directory / name
    if not path.is_file():
        raise SeedError(name, None, f"找不到文件 {path}。")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in columns if c not in (reader.fieldnames or [])]
        if missing:
            raise SeedError(name, 1, f"表头缺少列：{', '.join(missing)}。")
        for number, values in enumerate(reader, start=2):
            if None in values:
                raise SeedError(name, number, "列数多于表头。")
            yield Row(name, number, values)


def unique(row: Row, field: str, value, seen: set) -> None:
    if value in seen:
        raise row.fail(f"“{value}”与前面的行重复。", field)
    seen.add(value)
