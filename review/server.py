"""The review app served on 127.0.0.1 (werkzeug's threaded server: one person's browser).

    python pipeline.py review [--db FILE] [--port 8765]   → serve(...) until Ctrl-C
    with running(db) as url: …                            → in a thread, on a free port (tests, scripts)
"""
from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

from werkzeug.serving import make_server

from perfreports.review.app import create_app
from perfreports.review.pages import Pages

HOST = "127.0.0.1"  # never another address: the app has no login


def serve(db: str, port: int = 8765, *, reviewer: str | None = None, rules=None, announce=print) -> None:
    """Serve the review of `db` on 127.0.0.1:`port` until interrupted."""
    pages = Pages()
    server = make_server(HOST, port, create_app(db, reviewer=reviewer, rules=rules, pages=pages), threaded=True)
    announce(f"Review of {db} at http://{HOST}:{server.server_port}/ (Ctrl-C to stop)")
    try:
        server.serve_forever()
    finally:
        server.server_close()
        pages.close()


@contextlib.contextmanager
def running(db: str, *, port: int = 0, reviewer: str | None = None, rules=None) -> Iterator[str]:
    """The review of `db` served in a thread (a free port when 0); yields its base URL."""
    pages = Pages()
    server = make_server(HOST, port, create_app(db, reviewer=reviewer, rules=rules, pages=pages), threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="review-server", daemon=True)
    thread.start()
    try:
        yield f"http://{HOST}:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        pages.close()
