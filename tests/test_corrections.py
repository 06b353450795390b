"""Reviewers' corrections: applied on top of the rows read, matched again when a file is re-read,
kept (and reported) when they no longer match, in every view and export."""
from __future__ import annotations

import csv
import dataclasses
from datetime import datetime
from decimal import Decimal

import pytest

from perfreports.facts.records import IndicatorRow
from perfreports.storage import store
from perfreports.storage.corrections import Correction, CorrectionError, apply_corrections
from perfreports.storage.export import export
from test_store import SEED_ID, seed_records

AT = datetime(2024, 5, 1, 9, 30)


def fix(column: str, new_value: str | None, *, target: str = "row", table_no: int | None = 4,
        row_no: int | None = 1, indicator: str | None = "开展送温暖人数", report_id: str = SEED_ID, note=None) -> Correction:
    return Correction(report_id, target, column, None, new_value, note, "张三", AT, table_no=table_no,
                      row_no=row_no, indicator=indicator)


@pytest.fixture
def con():
    connection = store.open_store(":memory:")
    store.write(connection, seed_records())
    yield connection
    connection.close()


def indicator(con, row_no: int = 1, report_id: str = SEED_ID) -> dict:
    cursor = con.execute("SELECT * FROM indicators WHERE report_id = ? AND table_no = 4 AND row_no = ?",
                         [report_id, row_no])
    found = cursor.fetchall()
    return dict(zip([d[0] for d in cursor.description], found[0])) if found else {}


# --- applying (pure) ------------------------------------------------------------------------------

def test_a_corrected_raw_value_is_read_again_into_sign_number_and_unit():
    applied = apply_corrections(seed_records(), [fix("target_raw", "≥250人")])
    row = applied.records.indicators[0]
    assert (row.target_raw, row.target_op, row.target_value, row.target_unit) == ("≥250人", ">=", Decimal("250"), "人")
    assert row.corrected and applied.changed
    assert applied.corrections[0].status == "applied"
    assert not applied.records.indicators[1].corrected


def test_a_correction_finds_its_row_by_table_and_name_not_by_number():
    records = seed_records()
    moved = dataclasses.replace(records, indicators=tuple(dataclasses.replace(r, row_no=3 - r.row_no)
                                                         for r in records.indicators))
    applied = apply_corrections(moved, [fix("actual_value", "210", row_no=1)])
    row = next(r for r in applied.records.indicators if r.indicator == "开展送温暖人数")
    assert row.row_no == 2 and row.actual_value == Decimal("210") and row.corrected
    assert applied.corrections[0].row_no == 2  # now applies to row 2


def test_of_two_rows_with_one_name_the_row_number_decides():
    records = seed_records()
    twin = dataclasses.replace(records.indicators[0], row_no=3)
    records = dataclasses.replace(records, indicators=records.indicators + (twin,))
    applied = apply_corrections(records, [fix("actual_value", "7", row_no=3)])
    assert [r.actual_value for r in applied.records.indicators] == [None, None, Decimal("7")]


def test_levels_are_made_canonical():
    applied = apply_corrections(seed_records(), [fix("level1", "效益"), fix("level2", "社会效益指标")])
    row = applied.records.indicators[0]
    assert (row.level1, row.level2) == ("效益指标", "社会效益")


def test_not_an_indicator_takes_the_row_out():
    applied = apply_corrections(seed_records(), [fix("not_indicator", "true")])
    assert [r.indicator for r in applied.records.indicators] == ["项目预算"]


def test_an_added_row_gets_the_next_number_and_its_values_read():
    added = fix("added", '{"indicator": "慰问困难职工户数", "level1": "产出", "target_raw": "≥50户", "actual_raw": "52户"}',
                row_no=None, indicator=None)
    applied = apply_corrections(seed_records(), [added])
    row = applied.records.indicators[-1]
    assert (row.row_no, row.indicator, row.level1, row.level1_raw) == (3, "慰问困难职工户数", "产出指标", "产出")
    assert (row.actual_value, row.actual_unit, row.table_title) == (Decimal("52"), "户", "项目产出目标、效果目标对比表")
    assert row.corrected and applied.corrections[0].indicator == "慰问困难职工户数"


def test_a_renamed_row_is_still_found_by_the_name_it_was_read_with():
    applied = apply_corrections(seed_records(), [fix("indicator", "送温暖人数"), fix("actual_value", "199")])
    row = applied.records.indicators[0]
    assert (row.indicator, row.actual_value) == ("送温暖人数", Decimal("199"))


def test_a_field_correction_is_typed():
    applied = apply_corrections(seed_records(), [fix("budget_yuan", "5,000,000", target="field"),
                                                 fix("cutoff_date", "2023-11-30", target="field")])
    assert applied.records.report.budget_yuan == Decimal("5000000")
    assert applied.records.report.cutoff_date.isoformat() == "2023-11-30"
    assert applied.records.report.corrected


@pytest.mark.parametrize("correction, error", [
    (fix("actual_value", "many"), "is not a number"),
    (fix("budget_yuan", "2023-13-01", target="field"), "is not a number"),
    (fix("cutoff_date", "next May", target="field"), "is not a date"),
    (fix("target_op", "≈"), "must be one of"),
    (fix("outcome", "met"), "cannot be corrected"),
    (fix("actual_value", "1", indicator="无此指标"), "has no row"),
    (fix("added", '{"level1": "产出"}', row_no=None), "needs at least its indicator name"),
    (fix("added", '{"indicator": "开展送温暖人数"}', row_no=None), "has a row"),
    (fix("review", "done", target="document"), "review is one of"),
    (fix("actual_value", "1", table_no=None), "names its table"),
])
def test_a_correction_that_cannot_be_made_is_refused_when_made(correction, error):
    with pytest.raises(CorrectionError, match=error):
        apply_corrections(seed_records(), [correction], strict=True)
    assert apply_corrections(seed_records(), [correction]).corrections[0].status == "unmatched" \
        or correction.target == "document"


# --- in the store ---------------------------------------------------------------------------------

def test_a_correction_is_stored_applied_and_judged_again(con):
    stored = store.correct(con, fix("actual_raw", "150人", row_no=1, indicator=None, note="见第7页"))
    assert (stored.correction_id, stored.old_value, stored.indicator, stored.status) == (
        1, None, "开展送温暖人数", "applied")
    row = indicator(con)
    assert (row["actual_raw"], row["actual_value"], row["corrected"]) == ("150人", Decimal("150"), True)
    assert (row["outcome"], row["not_judged_reason"]) == ("not_judged", "no_stage_target")  # a mid-year report
    store.correct(con, fix("stage_target_raw", "=180人", indicator=None))
    row = indicator(con)
    assert (row["outcome"], row["judged_against"]) == ("missed", "stage_target")  # 150 < 180: judged again
    assert con.execute("SELECT count(*) FROM problems WHERE code = 'below_stage_target'").fetchone()[0] == 1
    assert indicator(con, 2)["corrected"] is False


def test_the_old_value_is_what_the_row_held(con):
    store.correct(con, fix("target_raw", "≥250人", indicator=None))
    again = store.correct(con, fix("target_raw", "≥260人", indicator=None))
    assert again.old_value == "≥250人"


def test_corrections_survive_writing_the_same_file_again(con):
    store.correct(con, fix("actual_raw", "150人", indicator=None))
    store.correct(con, fix("budget_yuan", "5000000", target="field", table_no=None, row_no=None))
    store.write(con, seed_records())  # ingest --force: the rows as read, then the corrections
    assert (indicator(con)["actual_raw"], indicator(con)["corrected"]) == ("150人", True)
    assert con.execute("SELECT budget_yuan, corrected FROM reports").fetchone() == (Decimal("5000000"), True)
    assert [s for (s,) in con.execute("SELECT status FROM corrections").fetchall()] == ["applied", "applied"]


def test_a_changed_file_at_the_same_path_keeps_its_corrections(con):
    store.write(con, seed_records(), _file("in/qyp-2023-union.pdf", SEED_ID))
    store.correct(con, fix("actual_raw", "150人", indicator=None))
    changed = "fedcba9876543210"
    store.write(con, seed_records(changed), _file("in/qyp-2023-union.pdf", changed))
    assert indicator(con, report_id=changed)["actual_raw"] == "150人"
    assert con.execute("SELECT report_id, status FROM corrections").fetchall() == [(changed, "applied")]


def test_a_correction_that_no_longer_matches_is_kept_and_reported(con):
    store.correct(con, fix("actual_raw", "150人", indicator=None))
    records = seed_records()
    renamed = dataclasses.replace(records.indicators[0], indicator="开展送温暖活动人数")
    store.write(con, dataclasses.replace(records, indicators=(renamed, records.indicators[1])))
    assert con.execute("SELECT status FROM corrections").fetchall() == [("unmatched",)]
    [(message,)] = con.execute("SELECT message FROM problems WHERE code = 'correction_unmatched'").fetchall()
    assert "表4“开展送温暖人数”" in message and "张三" in message
    assert indicator(con)["corrected"] is False


def test_a_review_mark_holds_for_the_bytes_reviewed(con):
    store.write(con, seed_records(), _file("in/qyp-2023-union.pdf", SEED_ID))
    store.correct(con, fix("review", "reviewed", target="document", table_no=None, row_no=None, indicator=None))
    store.write(con, seed_records(), _file("in/qyp-2023-union.pdf", SEED_ID))
    assert con.execute("SELECT status FROM corrections").fetchone() == ("applied",)
    store.write(con, seed_records("fedcba9876543210"), _file("in/qyp-2023-union.pdf", "fedcba9876543210"))
    assert con.execute("SELECT status FROM corrections").fetchone() == ("unmatched",)
    assert con.execute("SELECT count(*) FROM problems WHERE code = 'correction_unmatched'").fetchone()[0] == 0


def test_a_corrected_row_shows_in_the_views(con):
    store.correct(con, fix("actual_raw", "150人", indicator=None))
    store.correct(con, fix("stage_target_raw", "=180人", indicator=None))
    assert con.execute("SELECT actual_raw, outcome FROM indicator_achievement").fetchall() == [("150人", "missed")]
    assert con.execute("SELECT indicators_missed FROM report_summary").fetchone() == (1,)


def test_export_writes_the_corrected_rows_and_the_corrections(con, tmp_path):
    store.correct(con, fix("actual_raw", "150人", indicator=None, note="=见原件"))
    export(con, tmp_path, "csv", excel_safe=True)
    [first, _] = list(csv.DictReader((tmp_path / "indicators.csv").open(encoding="utf-8")))
    assert (first["actual_raw"], first["actual_value"], first["corrected"]) == ("150人", "150", "true")
    [correction] = list(csv.DictReader((tmp_path / "corrections.csv").open(encoding="utf-8")))
    assert (correction["column"], correction["new_value"], correction["note"], correction["at"][:10]) == (
        "actual_raw", "150人", "'=见原件", "2024-05-01")


def test_an_older_store_gets_the_corrected_flag_false(tmp_path):
    db = tmp_path / "old.duckdb"
    with store.open_store(db) as con:
        store.write(con, seed_records())
        con.execute("ALTER TABLE indicators DROP COLUMN corrected")
        con.execute("ALTER TABLE reports DROP COLUMN corrected")
        con.execute("DROP TABLE corrections")
        con.execute("UPDATE meta SET value = '4' WHERE key = 'schema_version'")
    with store.open_store(db, read_only=True) as con:
        assert con.execute("SELECT DISTINCT corrected FROM indicators").fetchall() == [(False,)]
        assert con.execute("SELECT count(*) FROM corrections").fetchone() == (0,)


def _file(path: str, report_id: str) -> store.FileRow:
    return store.FileRow(path, path.rsplit("/", 1)[-1], report_id, report_id * 4, 10, datetime(2024, 1, 1))


def test_an_indicator_row_defaults_to_not_corrected():
    assert IndicatorRow("r", 1, None, 1, None, None, None, None, "x").corrected is False
