"""One file through the stages — extract → facts → checks — as the rows it contributes.

    process_file(path, skip_sha256=None, read=ReadOptions()) -> Processed

Never raises: whatever fails becomes a `problems` row (`stage_failed` naming the stage for a bug
in one). Both executors (`executors.local`, `executors.dask_cluster`) run this same function, so
where a file is read never changes its rows.
"""
from __future__ import annotations

import hashlib
import os
import stat
import time
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from perfreports import extract
from perfreports.checks import checked
from perfreports.checks.rules import DEFAULT_RULES, RuleSet
from perfreports.extract.limits import DEFAULT_LIMITS, Limits
from perfreports.extract.model import Document
from perfreports.facts.concepts import default_matcher
from perfreports.facts.build import build_records
from perfreports.facts.records import Problem, Records
from perfreports.storage.store import FileRow


@dataclass(frozen=True)
class ReadOptions:
    """What reading one document needs besides its path; sent along with every task."""

    rules: tuple[RuleSet, ...] = DEFAULT_RULES  # behind_schedule rule sets (checks.rules)
    concepts: tuple[tuple[str, str], ...] = ()  # the user's crosswalk: (indicator name, concept id)
    limits: Limits = DEFAULT_LIMITS  # what one file may take (extract/limits.py)


@dataclass(frozen=True)
class Processed:
    """What one input file contributes: its rows and its bookkeeping row."""

    records: Records
    file: FileRow
    skipped: bool = False  # path and bytes ingested before: nothing read, nothing to write
    seconds: float = 0.0  # time spent reading the file and building its rows

    @property
    def failed(self) -> bool:
        return not self.skipped and self.records.report is None

    @property
    def pages(self) -> int:
        """Pages read (PDF); 0 for DOCX and for files that were not loaded."""
        report = self.records.report
        return (report.pages or 0) if report is not None else 0


def process_file(path: str, skip_sha256: str | None = None, read: ReadOptions = ReadOptions()) -> Processed:
    """Read, extract and build the rows of one file. Never raises: failures become problems.

    A file whose SHA-256 is `skip_sha256` (its path and bytes were ingested before) is not
    extracted: the result is `skipped`.
    """
    started = time.monotonic()
    file, unreadable = file_row(path)
    name = file.source_file
    if unreadable is not None:
        return failed_file(file, unreadable)
    if file.sha256 == skip_sha256:
        return Processed(Records(name, path, file.report_id), file, skipped=True)
    processed = _outcome(_records(path, name, file.report_id, read), file)
    return replace(processed, seconds=time.monotonic() - started)


def document_records(document: Document, *, report_id: str, source_file: str, source_path: str,
                     read: ReadOptions = ReadOptions()) -> Records:
    """The rows of an extracted document (stage facts), judged and checked (stage checks)."""
    records = build_records(document, report_id=report_id, source_file=source_file, source_path=source_path,
                            concepts=default_matcher(read.concepts))
    return checked(records, read.rules)


def file_row(path: str) -> tuple[FileRow, Problem | None]:
    """The bookkeeping row of a file (SHA-256 read in chunks), or a problem when it cannot be read.
    Only regular files are opened: a pipe, device or socket could block or never end."""
    name = Path(path).name
    not_a_file = _not_a_regular_file(path)
    if not_a_file is not None:
        return FileRow(path, name, None, None), Problem.error(*not_a_file, stage="extract", source_file=name)
    try:
        digest = hashlib.sha256()
        with open(path, "rb") as f:
            while chunk := f.read(1 << 20):
                digest.update(chunk)
        stat = os.stat(path)
    except OSError as err:
        code = "file_not_found" if isinstance(err, FileNotFoundError) else "unreadable_file"
        problem = Problem.error(code, f"cannot read {path}: {err.strerror or err}", stage="extract",
                                source_file=name)
        return FileRow(path, name, None, None), problem
    sha256 = digest.hexdigest()
    return FileRow(path, name, sha256[:16], sha256, stat.st_size,
                   datetime.fromtimestamp(stat.st_mtime)), None


def _not_a_regular_file(path: str) -> tuple[str, str] | None:
    """(code, message) for a path that is no regular file, without opening it; None for a file
    (or a path whose status cannot be read: opening it then says why)."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        if os.path.islink(path):
            return "file_not_found", f"cannot read {path}: a symbolic link to {os.readlink(path)}, which does not exist"
        return None
    except OSError:
        return None
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "unreadable_file", f"cannot read {path}: a folder that could not be searched"
    kind = ("a named pipe" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode)
            else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "not a regular file")
    return "unsupported_format", f"{path} is {kind}, not a report file: not opened."


def failed_file(file: FileRow, problem: Problem, seconds: float = 0.0) -> Processed:
    """A file that contributes only `problem` (it was not read, or its reading was lost)."""
    records = Records(file.source_file, file.source_path, file.report_id, problems=(problem,))
    return replace(_outcome(records, file), seconds=seconds)


def _records(path: str, name: str, report_id: str, read: ReadOptions) -> Records:
    try:
        document = extract.extract(Path(path), read.limits)
    except extract.ExtractError as err:
        return _failed(path, name, Problem.error(err.code, err.message, stage="extract",
                                                 source_file=name, report_id=report_id))
    except MemoryError:  # past the worker's memory cap (extract/limits.py)
        message = (f"Reading the file needed more memory than a worker may take "
                   f"({read.limits.worker_memory_mb} MB, --worker-memory-mb): not read.")
        return _failed(path, name, Problem.error("too_large", message, stage="extract", source_file=name,
                                                 report_id=report_id))
    except Exception as err:  # an internal bug in a stage: recorded, never dropped
        return _failed(path, name, stage_failed(name, "extract", err, report_id))
    try:
        return document_records(document, report_id=report_id, source_file=name, source_path=path,
                                read=read)
    except Exception as err:
        return _failed(path, name, stage_failed(name, "normalize", err, report_id))


def _outcome(records: Records, file: FileRow) -> Processed:
    status = "failed" if records.report is None else "loaded"
    return Processed(records, replace(file, status=status, ingested_at=datetime.now()))


def _failed(path: str, name: str, problem: Problem) -> Records:
    return Records(name, path, problem.report_id, problems=(problem,))


def stage_failed(name: str, stage: str, err: BaseException, report_id: str | None) -> Problem:
    """The problem of a stage that raised: a bug, recorded with the file instead of stopping the run."""
    return Problem.error("stage_failed", f"{stage} failed: {type(err).__name__}: {err}", stage=stage,
                         source_file=name, report_id=report_id)


def one_line(err: BaseException) -> str:
    """An exception as one line for a message: its text with whitespace collapsed, else its type."""
    return " ".join(str(err).split()) or type(err).__name__
