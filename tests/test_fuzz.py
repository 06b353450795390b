"""Fuzzing: mutants of the sample PDF and DOCX bytes (bytes flipped, inserted, deleted, the file cut
short) never crash a file's processing; each is either loaded or has an error `problems` row, and
never one that says our own code failed (`stage_failed`)."""
from __future__ import annotations

import functools
import io
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from perfreports import process

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
SEED = SAMPLES / "xindu-2024-monitoring"
QPDF = shutil.which("qpdf")


def docx_parts(data: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [(name, archive.read(name)) for name in archive.namelist()]


def rezip(parts: list[tuple[str, bytes]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts:
            archive.writestr(name, data)
    return out.getvalue()


@functools.cache
def uncompressed_pdf() -> bytes:
    """The sample PDF with its streams uncompressed (qpdf --qdf), so mutations hit the content."""
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "qdf.pdf"
        subprocess.run([QPDF, "--qdf", "--object-streams=disable", str(SEED.with_suffix(".pdf")),
                        str(target)], check=False, capture_output=True)
        return target.read_bytes()


def seed_and_mutate(kind: str, mutations) -> tuple[str, bytes]:
    """The mutant: of the file's bytes, of the uncompressed PDF, or of the DOCX's document.xml."""
    if kind == "pdf":
        return ".pdf", mutate(SEED.with_suffix(".pdf").read_bytes(), mutations)
    if kind == "pdf-uncompressed":
        return ".pdf", mutate(uncompressed_pdf(), mutations)
    if kind == "docx":
        return ".docx", mutate(SEED.with_suffix(".docx").read_bytes(), mutations)
    parts = docx_parts(SEED.with_suffix(".docx").read_bytes())
    return ".docx", rezip([(name, mutate(data, mutations) if name == "word/document.xml" else data)
                           for name, data in parts])


# (kind, where as a share of the length, a byte, how many bytes)
MUTATION = st.tuples(st.sampled_from(["flip", "insert", "delete", "truncate"]),
                     st.floats(0, 1, exclude_max=True), st.integers(0, 255), st.integers(1, 64))


def mutate(data: bytes, mutations: list[tuple[str, float, int, int]]) -> bytes:
    for kind, where, byte, length in mutations:
        at = int(where * len(data)) if data else 0
        if kind == "flip":
            data = data[:at] + bytes(b ^ (byte or 1) for b in data[at:at + length]) + data[at + length:]
        elif kind == "insert":
            data = data[:at] + bytes([byte]) * length + data[at:]
        elif kind == "delete":
            data = data[:at] + data[at + length:]
        else:
            data = data[:at]
    return data


def check_mutant(tmp_path: Path, kind: str, mutations) -> None:
    suffix, data = seed_and_mutate(kind, mutations)
    path = tmp_path / f"mutant{suffix}"
    path.write_bytes(data)
    processed = process.process_file(str(path))
    errors = [p for p in processed.records.problems if p.severity == "error"]
    if processed.records.report is None:
        assert errors, "a file that was not loaded must say why"
    assert [p.message for p in errors if p.code == "stage_failed"] == []


KINDS = ["pdf", "docx", "docx-xml",
         pytest.param("pdf-uncompressed", marks=pytest.mark.skipif(QPDF is None, reason="no qpdf"))]


@pytest.mark.parametrize("kind", KINDS)
@settings(max_examples=30, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(mutations=st.lists(MUTATION, min_size=1, max_size=4))
def test_mutants_are_loaded_or_have_a_problem(tmp_path, kind, mutations):
    check_mutant(tmp_path, kind, mutations)


@pytest.mark.parametrize("kind", ["pdf", "docx"])
@pytest.mark.parametrize("share", [0.0, 0.01, 0.3, 0.7, 0.99])
def test_truncated_anywhere(tmp_path, kind, share):
    check_mutant(tmp_path, kind, [("truncate", share, 0, 1)])
