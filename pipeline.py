"""The command line, run from a checkout: `python pipeline.py --help`.

The same as the `perfreports` command that installing the package provides; the commands live in
`perfreports/cli.py`, the stages in the folders beside this file (see ARCHITECTURE.md).
"""
import sys

from perfreports.cli import main

if __name__ == "__main__":
    sys.exit(main())
