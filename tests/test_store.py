"""The DuckDB store: layout from the record dataclasses, exact decimals, replace-not-duplicate."""
from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

import pytest

from perfreports import checks
from perfreports.facts.records import FieldRow, FigureRow, IndicatorCell, IndicatorRow, Problem, Records, ReportRow
from perfreports.storage import store

SEED_ID = "0123456789abcdef"


def seed_records(report_id: str = SEED_ID, source_path: str = "in/qyp-2023-union.pdf") -> Records:
    """A small hand-built document in the shape of the seed report."""
    name = source_path.rsplit("/", 1)[-1]
    report = ReportRow(
        report_id=report_id, source_file=name, source_path=source_path, source_format="pdf",
        pages=12, title="2023年青云谱区总工会工会经费项目1-10月份绩效运行监控报告",
        report_type="monitoring", fiscal_year=2023, project_name="2023年工会经费项目",
        agency="青云谱区总工会", assessor="江西正效咨询管理有限公司",
        report_date=date(2023, 12, 10), period_start=date(2023, 1, 1),
        period_end=date(2023, 12, 31), cutoff_date=date(2023, 10, 31),
        budget_yuan=Decimal("4900000"), received_yuan=Decimal("4900000"),
        spent_yuan=Decimal("134.5368") * 10000, execution_rate_pct=Decimal("27.45"),
        arrival_rate_pct=Decimal("100"))
    indicators = (
        IndicatorRow(report_id, 4, "项目产出目标、效果目标对比表", 1, "产出指标", "数量指标",
                     "产出指标", "产出数量", "开展送温暖人数", target_raw="≥200 人",
                     target_op=">=", target_value=Decimal("200"), target_unit="人",
                     tracked=True, page=7),
        IndicatorRow(report_id, 4, "项目产出目标、效果目标对比表", 2, "成本指标", "经济成本",
                     "成本指标", "经济成本", "项目预算", target_raw="≤490 万",
                     target_op="<=", target_value=Decimal("4900000"), target_unit="元",
                     tracked=False, page=7),
    )
    figures = (
        FigureRow(report_id, "persons", Decimal("30"), "人", "more_than", "技能培训", "30余名",
                  "一、项目基本情况", 3, "培训30余名职工。"),
        FigureRow(report_id, "percent", Decimal("0.5"), "%", None, "资金执行率", "0.5%",
                  None, None, "执行率0.5%。"),
    )
    problems = (Problem(name, "warning", "rate_mismatch", "执行率与金额不符", "check"),)
    fields = (FieldRow(report_id, "budget_yuan", "4900000", "490万元", "sentence", 3,
                       sentence="工会经费项目预算安排共计490万元。"),)
    cells = (IndicatorCell(report_id, 4, 1, "indicator", "开展送温暖人数", 7, 120.5, 300.25, 220.0, 318.0,
                           table_index=4, cell_row=3, cell_col=3),)
    return Records(name, source_path, report_id, report, indicators, figures, problems, fields, cells)


@pytest.fixture
def con():
    connection = store.open_store(":memory:")
    yield connection
    connection.close()


def count(con, table: str, report_id: str | None = None) -> int:
    if report_id is None:
        return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    return con.execute(f"SELECT count(*) FROM {table} WHERE report_id = ?", [report_id]).fetchone()[0]


def test_tables_have_the_dataclass_columns_in_field_order(con):
    for table, row_type in [("reports", ReportRow), ("indicators", IndicatorRow),
                            ("figures", FigureRow)]:
        found = [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()]
        assert found == [f.name for f in dataclasses.fields(row_type)]
    problems = [r[0] for r in con.execute("DESCRIBE problems").fetchall()]
    assert problems == [f.name for f in dataclasses.fields(Problem)] + ["source_path"]


def test_column_types(con):
    types = {r[0]: r[1] for r in con.execute("DESCRIBE reports").fetchall()}
    assert types["budget_yuan"] == "DECIMAL(20,4)"
    assert types["report_date"] == "DATE"
    assert types["fiscal_year"] == "INTEGER"
    indicator_types = {r[0]: r[1] for r in con.execute("DESCRIBE indicators").fetchall()}
    assert indicator_types["tracked"] == "BOOLEAN"
    assert indicator_types["target_value"] == "DECIMAL(20,4)"


def test_write_then_rewrite_same_report_id_replaces(con):
    store.write(con, seed_records())
    store.write(con, seed_records())
    assert [count(con, t) for t in store.DATASET_TABLES] == [1, 2, 2, 1, 1, 1]


def test_rewrite_with_fewer_rows_drops_the_old_ones(con):
    store.write(con, seed_records())
    fewer = dataclasses.replace(seed_records(), indicators=seed_records().indicators[:1], problems=())
    store.write(con, fewer)
    assert count(con, "indicators") == 1
    assert count(con, "problems") == 0


def test_other_reports_are_untouched(con):
    store.write(con, seed_records())
    store.write(con, seed_records("fedcba9876543210", "in/other.pdf"))
    store.write(con, seed_records())
    assert count(con, "indicators", SEED_ID) == 2
    assert count(con, "indicators", "fedcba9876543210") == 2


def test_decimals_are_exact(con):
    store.write(con, seed_records())
    spent, rate = con.execute("SELECT spent_yuan, execution_rate_pct FROM reports").fetchone()
    assert spent == Decimal("1345368") and rate == Decimal("27.45")
    assert isinstance(spent, Decimal)
    assert con.execute("SELECT value FROM figures WHERE kind = 'percent'").fetchone()[0] == Decimal("0.5")


def test_dates_and_booleans_round_trip(con):
    store.write(con, seed_records())
    assert con.execute("SELECT cutoff_date FROM reports").fetchone()[0] == date(2023, 10, 31)
    assert con.execute("SELECT tracked FROM indicators ORDER BY row_no").fetchall() == [(True,), (False,)]


def test_problem_without_report_id_takes_the_documents(con):
    store.write(con, seed_records())
    assert con.execute("SELECT report_id, source_path FROM problems").fetchone() == (
        SEED_ID, "in/qyp-2023-union.pdf")


def test_unreadable_file_problems_are_replaced_by_path(con):
    problem = Problem("gone.pdf", "error", "unreadable_file", "cannot read", "extract")
    unreadable = Records("gone.pdf", "in/gone.pdf", None, problems=(problem,))
    store.write(con, unreadable)
    store.write(con, unreadable)
    assert count(con, "problems") == 1
    store.write(con, seed_records(source_path="in/gone.pdf"))  # readable now
    assert con.execute("SELECT code FROM problems").fetchall() == [("rate_mismatch",)]


def test_files_table_keeps_one_row_per_path(con):
    row = store.FileRow("in/a.pdf", "a.pdf", SEED_ID, "0" * 64, 123, status="loaded")
    store.write(con, seed_records(source_path="in/a.pdf"), row)
    store.write(con, seed_records(source_path="in/a.pdf"), row)
    assert con.execute("SELECT source_path, size, status FROM files").fetchall() == [
        ("in/a.pdf", 123, "loaded")]


def test_a_failed_write_leaves_the_previous_rows(con, monkeypatch):
    store.write(con, seed_records())
    real_insert = store._insert

    def insert_then_fail(con, table, rows):
        real_insert(con, table, rows)
        if table == "figures":
            raise RuntimeError("disk full")

    monkeypatch.setattr(store, "_insert", insert_then_fail)
    with pytest.raises(RuntimeError):
        store.write(con, seed_records())
    assert [count(con, t) for t in store.DATASET_TABLES] == [1, 2, 2, 1, 1, 1]


def test_a_number_too_big_for_the_column_is_refused(con):
    huge = dataclasses.replace(seed_records(), figures=(
        dataclasses.replace(seed_records().figures[0], value=Decimal("1e30")),))
    with pytest.raises(ValueError, match="DECIMAL"):
        store.write(con, huge)
    assert count(con, "reports") == 0


def test_rows_of_another_report_are_refused(con):
    stray = dataclasses.replace(seed_records(), figures=(
        dataclasses.replace(seed_records().figures[0], report_id="ffffffffffffffff"),))
    with pytest.raises(ValueError, match="ffffffffffffffff"):
        store.write(con, stray)
    assert count(con, "figures") == 0


@pytest.mark.parametrize("value, expected", [
    (Decimal("27.45"), Decimal("27.4500")), (200, Decimal("200")), (0.1 + 0.2, Decimal("0.3")),
    (Decimal("1.23456"), Decimal("1.2346")),
])
def test_to_decimal(value, expected):
    assert store.to_decimal(value) == expected


def test_to_decimal_refuses_text():
    with pytest.raises(TypeError):
        store.to_decimal("27.45")


def test_reopen_existing_file_keeps_rows(tmp_path):
    db = tmp_path / "r.duckdb"
    with store.open_store(db) as first:
        store.write(first, seed_records())
    with store.open_store(db, read_only=True) as again:
        assert count(again, "indicators") == 2


def test_open_refuses_a_foreign_database(tmp_path):
    import duckdb
    db = tmp_path / "other.duckdb"
    duckdb.connect(str(db)).close()
    with pytest.raises(store.StoreError, match="not a reports database"):
        store.open_store(db, read_only=True)


def test_open_refuses_an_old_layout(tmp_path):
    db = tmp_path / "old.duckdb"
    with store.open_store(db) as con:
        con.execute("ALTER TABLE figures DROP COLUMN sentence")
    with pytest.raises(store.StoreError, match="figures"):
        store.open_store(db)


def test_open_in_a_missing_folder_is_a_store_error(tmp_path):
    with pytest.raises(store.StoreError, match="cannot open database"):
        store.open_store(tmp_path / "no" / "such" / "r.duckdb")


def test_status_counts(con):
    store.write(con, seed_records())
    status = store.status(con)
    assert status["counts"]["indicators"] == 2
    assert status["problems"] == [("warning", "rate_mismatch", 1)]


def _file(path: str, report_id: str) -> store.FileRow:
    return store.FileRow(path, path.rsplit("/", 1)[-1], report_id, report_id * 4, 10)


def test_changed_bytes_at_a_path_drop_the_old_reports_rows(con):
    old, new = SEED_ID, "fedcba9876543210"
    store.write(con, seed_records(old, "in/a.pdf"), _file("in/a.pdf", old))
    store.write(con, seed_records(new, "in/a.pdf"), _file("in/a.pdf", new))
    assert [count(con, t, old) for t in store.DATASET_TABLES] == [0, 0, 0, 0, 0, 0]
    assert [count(con, t) for t in (*store.DATASET_TABLES, "files")] == [1, 2, 2, 1, 1, 1, 1]


def test_changed_bytes_keep_the_old_report_while_another_path_has_it(con):
    old, new = SEED_ID, "fedcba9876543210"
    store.write(con, seed_records(old, "in/a.pdf"), _file("in/a.pdf", old))
    store.write(con, seed_records(old, "in/copy/a.pdf"), _file("in/copy/a.pdf", old))
    store.write(con, seed_records(new, "in/a.pdf"), _file("in/a.pdf", new))
    assert count(con, "reports", old) == 1 and count(con, "reports", new) == 1


def _stored_paths(con) -> list[tuple]:
    return con.execute("SELECT source_path FROM reports UNION ALL SELECT DISTINCT source_path FROM problems "
                       "ORDER BY 1").fetchall()


@pytest.mark.parametrize("order", [("in/a.pdf", "in/b.pdf"), ("in/b.pdf", "in/a.pdf")])
def test_identical_bytes_name_the_first_path_whatever_the_order_written(con, order):
    """Workers finish in any order: the stored rows must not depend on it (a re-run gives the same)."""
    for path in order:
        store.write(con, seed_records(SEED_ID, path), _file(path, SEED_ID))
    assert _stored_paths(con) == [("in/a.pdf",), ("in/a.pdf",)]
    assert count(con, "reports") == 1 and count(con, "files") == 2


def test_when_the_first_path_changes_its_rows_move_to_the_next(con):
    for path in ("in/a.pdf", "in/b.pdf", "in/c.pdf"):
        store.write(con, seed_records(SEED_ID, path), _file(path, SEED_ID))
    other = "fedcba9876543210"
    store.write(con, seed_records(other, "in/a.pdf"), _file("in/a.pdf", other))
    rows = con.execute("SELECT report_id, source_path FROM reports ORDER BY report_id").fetchall()
    assert rows == [(SEED_ID, "in/b.pdf"), (other, "in/a.pdf")]


def test_columns_are_derived_once_per_table():
    assert store.columns("reports") is store.columns("reports")  # on the hot path of every write


def columns_from(table: str, first: str) -> list[str]:
    """The columns of `table` from `first` on: those added since an older version."""
    names = [c.name for c in store.columns(table)]
    return names[names.index(first):]


def test_a_store_of_schema_version_1_gets_the_new_columns_and_keeps_its_rows(tmp_path):
    """Version 1 had no indicators.level1_weight / other_columns / judgement: opening adds them."""
    db = tmp_path / "v1.duckdb"
    with store.open_store(db) as con:
        store.write(con, seed_records())
        for column in reversed(columns_from("indicators", "level1_weight")):
            con.execute(f"ALTER TABLE indicators DROP COLUMN {column}")
        con.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    with store.open_store(db, read_only=True) as con:  # status and export open it read-only
        assert [r[0] for r in con.execute("DESCRIBE indicators").fetchall()] == [c.name for c in store.columns("indicators")]
        assert count(con, "indicators") == 2
        assert con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == (
            str(store.SCHEMA_VERSION),)


def test_rows_of_a_version_2_store_are_judged_on_open(tmp_path):
    """Version 2 stored no judgement: opening judges the stored rows as an ingest would."""
    db = tmp_path / "v2.duckdb"
    seed = seed_records()
    first = dataclasses.replace(seed.indicators[0], actual_raw="150人", actual_value=Decimal(150), actual_unit="人")
    records = checks.checked(dataclasses.replace(
        seed, report=dataclasses.replace(seed.report, report_type="self_evaluation"),
        indicators=(first, *seed.indicators[1:])))
    assert records.indicators[0].outcome == "missed"
    with store.open_store(db) as con:
        store.write(con, records)
        for column in reversed(columns_from("indicators", "outcome")):
            con.execute(f"ALTER TABLE indicators DROP COLUMN {column}")
        con.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    with store.open_store(db, read_only=True) as con:
        stored = con.execute("SELECT outcome, judged_against, achievement_pct FROM indicators "
                             "ORDER BY table_no, row_no").fetchall()
    expected = [(r.outcome, r.judged_against, r.achievement_pct) for r in records.indicators]
    assert stored == expected and {o for o, _, _ in stored} <= {"met", "missed", "not_judged"}
