"""The resident table's names and id index without a Python object per resident.

A list of a million names and a dict of a million ids were 190 MB of small objects, laid out
among the build's short-lived ones so that the heap they kept could not be given back; and in
a gunicorn worker every read of one (a reference count written) copies its page away from the
master's. Here they are a few arrays and a bytes buffer, read without writing, and what changes
after the build (a name edited, a resident added) goes into a small dict over them.
"""

import numpy as np


class PackedNames:
    """Names by row: one UTF-8 buffer and each name's end offset, plus names set since."""

    def __init__(self, names: list[str]):
        encoded = [name.encode() for name in names]
        self._ends = np.cumsum(np.fromiter(map(len, encoded), np.int64, len(encoded)))
        self._buffer = b"".join(encoded)
        self._size = len(names)
        self._since: dict[int, str] = {}

    def __len__(self) -> int:
        return self._size

    def __getitem__(self, row) -> str:
        row = int(row)
        if row < 0:
            row += self._size
        name = self._since.get(row)
        if name is not None:
            return name
        if not 0 <= row < len(self._ends):
            raise IndexError(row)
        start = int(self._ends[row - 1]) if row else 0
        return self._buffer[start : int(self._ends[row])].decode()

    def __setitem__(self, row, name: str) -> None:
        self._since[int(row)] = name

    def append(self, name: str) -> None:
        self._since[self._size] = name
        self._size += 1


class RowIndex:
    """Resident id -> row: the ids at build, sorted, with their rows (a binary search), plus
    the rows of residents added since."""

    def __init__(self, ids: np.ndarray):
        order = np.argsort(ids, kind="stable")
        self._ids = ids[order]
        self._rows = order.astype(np.int64)
        self._since: dict[int, int] = {}

    def __len__(self) -> int:
        return len(self._ids) + len(self._since)

    def get(self, resident_id, default=None):
        resident_id = int(resident_id)
        row = self._since.get(resident_id)
        if row is not None:
            return row
        i = int(np.searchsorted(self._ids, resident_id))
        if i < len(self._ids) and self._ids[i] == resident_id:
            return int(self._rows[i])
        return default

    def __getitem__(self, resident_id) -> int:
        row = self.get(resident_id)
        if row is None:
            raise KeyError(resident_id)
        return row

    def __contains__(self, resident_id) -> bool:
        return self.get(resident_id) is not None

    def __setitem__(self, resident_id, row: int) -> None:
        self._since[int(resident_id)] = int(row)
