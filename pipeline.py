"""The command line, run from a checkout: `python pipeline.py --help`.

The same as the `perfreports` command that installing the package provides; the commands live in
`perfreports/cli.py`, the stages in the folders beside this file (see ARCHITECTURE.md).
"""
import signal
import sys

# Ctrl-C or SIGTERM while the program is still starting: exit quietly (the command line takes over).
signal.signal(signal.SIGINT, lambda *_: sys.exit(130))
signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

from perfreports.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
