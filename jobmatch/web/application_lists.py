"""How the pages list applications: those still moving a page at a time, the finished few."""

from dataclasses import dataclass

from jobmatch.applications.enums import FINISHED_STATUSES

PAGE_SIZE = 20
FINISHED_SHOWN = 20


@dataclass
class ApplicationsShown:
    """Applications still moving, a page at a time, and the latest finished ones in a table."""

    active: list
    active_total: int
    page: int
    pages: int
    finished: list
    finished_total: int

    @classmethod
    def of(cls, received: list, page: int | None) -> "ApplicationsShown":
        newest = sorted(received, key=lambda application: -application.id)
        active = [a for a in newest if a.status not in FINISHED_STATUSES]
        finished = [a for a in newest if a.status in FINISHED_STATUSES]
        pages = max((len(active) + PAGE_SIZE - 1) // PAGE_SIZE, 1)
        page = min(max(page or 1, 1), pages)
        return cls(
            active=active[(page - 1) * PAGE_SIZE : page * PAGE_SIZE],
            active_total=len(active),
            page=page,
            pages=pages,
            finished=finished[:FINISHED_SHOWN],
            finished_total=len(finished),
        )

    def resident_ids(self) -> set[int]:
        return {application.resident_id for application in self.active + self.finished}
