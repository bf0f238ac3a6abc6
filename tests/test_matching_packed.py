"""The resident table's packed names and id index answer as the list and dict they replace."""

import numpy as np
import pytest

from jobmatch.matching.packed import PackedNames, RowIndex


def test_packed_names_read_back_every_name_and_keep_later_changes():
    names = ["张三", "", "Ōyama 大山", "李四" * 30, "王五"]
    packed = PackedNames(names)
    assert [packed[row] for row in range(len(names))] == names
    assert packed[np.int64(2)] == names[2] and packed[-1] == "王五"
    packed[1] = "赵六"
    packed.append("新登记")
    assert len(packed) == 6 and packed[1] == "赵六" and packed[-1] == packed[5] == "新登记"
    assert packed[0] == "张三"
    with pytest.raises(IndexError):
        packed[6]


def test_row_index_finds_rows_of_ids_in_any_order_and_those_added_since():
    ids = np.array([40, 7, 1_000_000, 12], dtype=np.int64)
    index = RowIndex(ids)
    assert [index[int(rid)] for rid in ids] == [0, 1, 2, 3]
    assert index.get(8) is None and 8 not in index and index.get(8, -1) == -1
    with pytest.raises(KeyError):
        index[2**31 - 1]
    index[8] = 4
    assert index[8] == 4 and 8 in index and len(index) == 5
    assert RowIndex(np.zeros(0, dtype=np.int64)).get(1) is None
