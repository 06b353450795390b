#!/usr/bin/env python3
"""Proof-read the hand-typed expected files against the sources (does not write anything).

For every ``expected/<name>.indicators.csv`` row it checks that the indicator, the level cells,
the target, stage and actual cells are really printed in one row of a table in
``sources/<name>.txt`` (split sign / value / unit cells may be joined), that row numbers run
1, 2, 3 … per table, and that every report.json has the agreed keys. It catches typing slips;
the values themselves are still read and typed by a person.

    python tests/data/holdout/check_expected.py
"""
from __future__ import annotations

import csv
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from make_holdout import parse  # noqa: E402

KEYS = ["title", "report_type", "fiscal_year", "project_name", "agency", "assessor", "report_date",
        "period_start", "period_end", "cutoff_date", "budget_yuan", "received_yuan", "spent_yuan",
        "execution_rate_pct", "arrival_rate_pct"]
COLUMNS = ("table_no,table_title,row_no,level1,level2,level1_raw,level2_raw,level1_weight,indicator,"
           "target_raw,target_op,target_value,target_unit,stage_target_raw,stage_target_op,"
           "stage_target_value,actual_raw,actual_value,adjustment,tracked,weight,score").split(",")


def squash(s: str) -> str:
    return re.sub(r"\s+", "", s or "")


def table_rows(doc):
    """Every body row of every table as the list of its (filled-down) cell texts."""
    for b in doc.blocks:
        if b.kind != "table":
            continue
        t = b.table
        n, m = len(t.grid), t.ncols
        filled = [[""] * m for _ in range(n)]
        for r in range(n):
            for c in range(m):
                cell = t.grid[r][c]
                if cell is not None:
                    for rr in range(r, r + cell.rs):
                        for cc in range(c, c + cell.cs):
                            filled[rr][cc] = squash(cell.text)
        for r in range(n):
            yield filled[r]


SIGNS = [("≥", ">="), ("≤", "<="), ("不少于", ">="), ("不低于", ">="), ("不超过", "<="),
         ("以上", ">="), ("以内", "<="), ("达到", ">="), ("正向", ">="), ("反向", "<="),
         ("＞", ">"), ("＜", "<"), ("＝", "="), ("﹦", "=")]


def proofread_value(raw: str, op: str, value: str, unit: str, target_unit: str | None = None) -> list[str]:
    """Second reading of one typed value: the number, sign and unit printed in raw must agree."""
    msgs = []
    m = re.search(r"[-+]?\d[\d,]*(?:\.\d+)?", raw or "")
    if not m:
        if value or op:
            msgs.append(f"{raw!r}: qualitative but value/op typed")
        return msgs
    num = float(m.group(0).replace(",", ""))
    rest = raw[m.end():]
    factor = 10000 if rest.startswith("万元") else 100000000 if rest.startswith("亿元") else 1
    if target_unit == "元" and not re.search(r"[^\d.,%]", rest or "x") and factor == 1 and rest == "":
        pass
    if value and abs(float(value) - num * factor) > 1e-6 and target_unit != "元":
        msgs.append(f"{raw!r}: value {value} vs {num * factor}")
    if op is not None:
        expect = "="
        for sign, o in SIGNS:
            if sign in raw:
                expect = o
                break
        if op != expect:
            msgs.append(f"{raw!r}: op {op} vs {expect}")
    if unit is not None:
        u = re.sub(r"^[\d.]*", "", rest)
        u = {"万元": "元", "亿元": "元", "％": "%", "百分比": "%", "名": "人", "场次": "场"}.get(u, u)
        u = u.replace("以上", "").replace("以内", "")
        if u != unit:
            msgs.append(f"{raw!r}: unit {unit} vs {u}")
    return msgs


def main() -> int:
    bad = 0
    for src in sorted((HERE / "sources").glob("*.txt")):
        name = src.stem
        doc = parse(src)
        rj = HERE / "expected" / f"{name}.report.json"
        if not rj.exists():
            print(f"{name}: no report.json")
            bad += 1
            continue
        rep = json.loads(rj.read_text(encoding="utf-8"))
        missing = [k for k in KEYS if k not in rep]
        if missing:
            print(f"{name}: report.json lacks {missing}")
            bad += 1
        title = "".join(squash(b.text) for b in doc.blocks if b.kind == "title")
        if rep.get("title") and not squash(rep["title"]).startswith(title[:6]):
            print(f"{name}: title {rep['title']} vs printed {title}")
            bad += 1
        text = squash("\n".join(b.text for b in doc.blocks)) + "".join(
            "".join(r) for r in table_rows(doc))
        for k in ("project_name", "agency", "assessor"):
            if rep.get(k) and squash(rep[k]) not in text:
                print(f"{name}: {k} {rep[k]} not printed")
                bad += 1
        ic = HERE / "expected" / f"{name}.indicators.csv"
        if not ic.exists():
            continue
        rows = list(csv.DictReader(ic.open(encoding="utf-8")))
        with ic.open(encoding="utf-8") as f:
            header = f.readline().strip().split(",")
        if header != COLUMNS:
            print(f"{name}: columns differ: {header}")
            bad += 1
        src_rows = list(table_rows(doc))
        expect_no = {}
        for row in rows:
            tn = row["table_no"]
            expect_no[tn] = expect_no.get(tn, 0) + 1
            if int(row["row_no"]) != expect_no[tn]:
                print(f"{name}: table {tn} row_no {row['row_no']} out of order")
                bad += 1
            cands = [r for r in src_rows if row["indicator"] in r]
            if not cands:
                print(f"{name}: indicator {row['indicator']} not in any table row")
                bad += 1
                continue
            ok = False
            for r in cands:
                joined = {"".join(r[i:i + 3]) for i in range(len(r))} | {"".join(r[i:i + 2]) for i in range(len(r))}
                cells = set(r) | joined
                need = [row["level1_raw"], row["level2_raw"], row["target_raw"]]
                need += [row[k] for k in ("stage_target_raw", "actual_raw") if row[k]]
                need += [row[k] for k in ("weight", "score") if row[k]]
                if all(x in cells for x in need):
                    ok = True
                    break
            if not ok:
                print(f"{name}: row {tn}/{row['row_no']} {row['indicator']}: cells not found in {cands[0]}")
                bad += 1
            msgs = proofread_value(row["target_raw"], row["target_op"], row["target_value"], row["target_unit"])
            if row["stage_target_raw"]:
                msgs += proofread_value(row["stage_target_raw"], row["stage_target_op"],
                                        row["stage_target_value"], None)
            if row["actual_raw"] and row["actual_value"]:
                a = row["actual_raw"]
                m = re.search(r"[-+]?\d[\d,]*(?:\.\d+)?", a)
                num = float(m.group(0).replace(",", ""))
                rest = a[m.end():]
                if rest.startswith("万元") or (not rest and "万元" in row["target_raw"]):
                    num *= 10000
                if rest.startswith("亿元"):
                    num *= 100000000
                if abs(num - float(row["actual_value"])) > 1e-6:
                    msgs.append(f"actual {a!r}: value {row['actual_value']} vs {num}")
            elif row["actual_raw"] and re.search(r"\d", row["actual_raw"]):
                msgs.append(f"actual {row['actual_raw']!r} has a number but no value")
            for msg in msgs:
                print(f"{name}: row {tn}/{row['row_no']}: {msg}")
                bad += 1
    print("problems:", bad)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
