"""One page of a longer list, and what a page needs to say about the rest of it."""

from dataclasses import dataclass


@dataclass
class Paged:
    """``items`` of page ``page``; ``total`` says how many there are in all, never a cap."""

    items: list
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def first(self) -> int:
        """The position of the page's first item, counting from 1."""
        return (self.page - 1) * self.per_page + 1 if self.items else 0

    @property
    def last(self) -> int:
        return self.first + len(self.items) - 1 if self.items else 0
