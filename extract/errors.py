"""Errors of the extract stage: bad input, as opposed to bugs in our own code."""
from __future__ import annotations

import traceback


class ExtractError(Exception):
    """The input cannot be read as a report; `code` is the stable `problems` code."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def raised_inside(error: BaseException, packages: tuple[str, ...]) -> bool:
    """True when the innermost frame of the error's traceback is in one of the packages (or
    single-file modules, such as the standard library's `zipfile`).

    A parser library failing on a file means the file is broken; a failure in our own code is a bug
    and must not be reported as bad input.
    """
    frames = traceback.extract_tb(error.__traceback__)
    if not frames:
        return False
    filename = frames[-1].filename.replace("\\", "/")
    return any(f"/{package}/" in filename or filename.endswith(f"/{package}.py")
               for package in packages)
