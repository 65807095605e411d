"""Tables a notebook shows are saved for the report run, readable in Japanese."""

from __future__ import annotations

import pandas as pd

from gyomu.outputs import Outputs, read_tables


def test_tables_are_saved_in_order_with_japanese_headers_and_values(tmp_path):
    out = Outputs(tmp_path, "02_workload", display=False, labels={"role": "立場"})
    frame = pd.DataFrame(
        {"member_id": ["M01", "M02"], "overloaded": [True, False],
         "surveyed_on": pd.to_datetime(["2026-10-01", "2026-10-02"]), "role": ["組織長", "経営"]}
    )
    out.table(frame, "first", "最初の表", labels={"overloaded": "過負荷"})
    out.table(pd.DataFrame({"hours": [1.5]}), "second", "二番目の表")
    tables = read_tables(tmp_path)
    assert [(nb, title) for nb, title, _ in tables] == [("02_workload", "最初の表"), ("02_workload", "二番目の表")]
    first = tables[0][2]
    assert list(first.columns) == ["メンバーID", "過負荷", "surveyed_on", "立場"]
    assert first["過負荷"].tolist() == ["はい", "いいえ"]
    assert first["surveyed_on"].tolist() == ["2026-10-01", "2026-10-02"]
    assert list(tables[1][2].columns) == ["月間工数"]
