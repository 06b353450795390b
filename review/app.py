"""The review web app (Flask, server-rendered pages, plain CSS and JS shipped in the package).

    GET  /                          the queue: files by what needs attention, filterable
    GET  /doc/REPORT_ID             a file's page image with its cells outlined, beside its rows
    GET  /doc/REPORT_ID/page/N.png  page N rendered (only files the store names)
    POST /doc/REPORT_ID/correct     correct a row's value, unit, level … or a report field
    POST /doc/REPORT_ID/not-indicator, /add, /review   a row is no indicator; a missing row; reviewed
    POST /reviewer                  the reviewer's name, for the corrections made in this browser

Safe by construction: Jinja escapes every value (autoescape); the pages load nothing from
elsewhere and run no inline script (Content-Security-Policy); a POST needs the session's CSRF
token; requests naming another host are refused (a DNS-rebinding page cannot reach the app);
files are found by report id in the store, never by a path from the request.

The store is opened for each request and closed after, so that `ingest` can run between two.
"""
from __future__ import annotations

import contextlib
import getpass
import hmac
import json
import re
import secrets
from dataclasses import replace
from datetime import datetime
from urllib.parse import urlencode

import duckdb
from flask import Flask, Response, abort, flash, redirect, render_template, request, session, url_for

from perfreports.review import queries
from perfreports.review.pages import PageError, Pages, with_pages
from perfreports.storage.corrections import ADDED, ADDED_ROW_COLUMNS, EDITABLE_FIELDS, EDITABLE_ROW_COLUMNS, \
    NOT_INDICATOR, REVIEW, REVIEW_STATES, Correction, CorrectionError, as_text
from perfreports.storage.store import StoreError, correct, hold_writer_lock, open_store

REPORT_ID = re.compile(r"^[0-9a-f]{16}$")
LOCAL_HOSTS = ("127.0.0.1", "localhost", "[::1]")
CSP = ("default-src 'none'; img-src 'self'; style-src 'self'; script-src 'self'; connect-src 'self'; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
UNITS = ("元", "%", "人", "人次", "次", "场", "个", "家", "项", "期", "批", "户", "天", "月")


def create_app(db: str, *, reviewer: str | None = None, rules=None, pages: Pages | None = None) -> Flask:
    """The app over the store `db` (checked, and upgraded if older, here). `reviewer`: the name
    corrections carry until a reviewer gives theirs (default: the login name); `rules`: the
    behind_schedule rule sets a corrected document is checked again with."""
    open_store(db, read_only=True).close()
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=secrets.token_bytes(32),  # sessions (and their CSRF token) last as long as the server
        SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Strict",
        MAX_CONTENT_LENGTH=256 * 1024,
    )
    app.extensions["review"] = Review(db, reviewer or _login_name(), rules, pages or Pages())
    app.jinja_env.globals.update(csrf_token=csrf_token, Q=queries, UNITS=UNITS,
                                 EDITABLE_ROW_COLUMNS=EDITABLE_ROW_COLUMNS, EDITABLE_FIELDS=EDITABLE_FIELDS,
                                 ADDED_ROW_COLUMNS=ADDED_ROW_COLUMNS, LEVEL1=queries.LEVEL1_NAMES,
                                 LEVEL2=queries.LEVEL2_NAMES)
    app.before_request(_guard)
    app.after_request(_headers)
    _routes(app)
    return app


class Review:
    """What the app's requests share: the store's path, the default reviewer, the page cache."""

    def __init__(self, db: str, reviewer: str, rules, pages: Pages):
        self.db, self.reviewer, self.rules, self.pages = db, reviewer, rules, pages
        self.files: dict[str, queries.SourceFile] = {}  # report id → its file, as last looked up

    def file_of(self, report_id: str, con=None, fresh: bool = False) -> queries.SourceFile | None:
        """The report's file, from the store (with `con`), else as last looked up — a page image
        then needs no database: the file's size and time are checked before it is opened."""
        if con is not None:
            found = queries.file_of(con, report_id)
            if found is None:
                self.files.pop(report_id, None)
            else:
                self.files[report_id] = found
            return found
        if report_id not in self.files or fresh:
            with self.reading() as con:
                return self.file_of(report_id, con)
        return self.files[report_id]

    @contextlib.contextmanager
    def reading(self):
        """The store, read-only, for one request (its layout was checked when the app was made)."""
        try:
            con = duckdb.connect(self.db, read_only=True)
        except duckdb.Error as err:
            abort(Response(render_template("busy.html", error=_first_line(err)), status=503))
        try:
            yield con
        finally:
            con.close()

    @contextlib.contextmanager
    def writing(self):
        """The store for one correction, holding the writer lock (no ingest runs meanwhile)."""
        try:
            lock = hold_writer_lock(self.db)
        except StoreError as err:
            abort(Response(render_template("busy.html", error=str(err)), status=503))
        try:
            try:
                con = open_store(self.db)
            except StoreError as err:
                abort(Response(render_template("busy.html", error=str(err)), status=503))
            try:
                yield con
            finally:
                con.close()
        finally:
            lock.close()


def review() -> Review:
    from flask import current_app
    return current_app.extensions["review"]


# --- safety ------------------------------------------------------------------------------------

def csrf_token() -> str:
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


def _guard():
    """Only this machine's names as Host, and a POST only with the session's CSRF token."""
    host = request.host.rsplit(":", 1)[0] if not request.host.endswith("]") else request.host
    if host not in LOCAL_HOSTS:
        abort(400, "the review answers on 127.0.0.1 only")
    if request.method == "POST":
        expected = session.get("csrf")
        sent = request.form.get("csrf_token", "")
        if not expected or not hmac.compare_digest(sent, expected):
            abort(403, "missing or wrong CSRF token: reload the page and try again")


def _headers(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Frame-Options"] = "DENY"
    return response


def _report_id(report_id: str) -> str:
    if not REPORT_ID.match(report_id):
        abort(404)
    return report_id


def _login_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "reviewer"


def reviewer_name() -> str:
    return session.get("reviewer") or review().reviewer


def _first_line(err: BaseException) -> str:
    text = str(err).strip()
    return text.splitlines()[0] if text else type(err).__name__


# --- pages -------------------------------------------------------------------------------------

def _routes(app: Flask) -> None:
    app.add_url_rule("/", "queue", queue_page)
    app.add_url_rule("/doc/<report_id>", "document", document_page)
    app.add_url_rule("/doc/<report_id>/page/<int:page>.png", "page_image", page_image)
    app.add_url_rule("/doc/<report_id>/correct", "correct", post_correction, methods=["POST"])
    app.add_url_rule("/doc/<report_id>/not-indicator", "not_indicator", post_not_indicator, methods=["POST"])
    app.add_url_rule("/doc/<report_id>/add", "add_row", post_added_row, methods=["POST"])
    app.add_url_rule("/doc/<report_id>/review", "mark_review", post_review, methods=["POST"])
    app.add_url_rule("/reviewer", "reviewer", post_reviewer, methods=["POST"])


def queue_page():
    only = queries.QueueFilter(
        agency=request.args.get("agency") or None,
        year=_int(request.args.get("year")),
        code=request.args.get("code") or None,
        state=request.args.get("state") if request.args.get("state") in queries.REVIEW_STATES else None,
    )
    with review().reading() as con:
        entries = queries.queue(con, only)
        choices = queries.filter_choices(con)
    return render_template("queue.html", entries=entries, only=only, choices=choices, reviewer=reviewer_name())


def document_page(report_id: str):
    report_id = _report_id(report_id)
    with review().reading() as con:
        source = review().file_of(report_id, con)
        requested = _int(request.args.get("page"))
        if source is not None and requested:
            review().pages.render_ahead(source, requested)
        doc = queries.document(con, report_id)
    if doc is None or source is None:
        abort(404)
    sizes, page_error, cells, converted = (), None, doc.cells, False
    try:
        page_set = review().pages.page_set(source)
        sizes, converted = page_set.sizes, page_set.converted
        if converted:
            cells = review().pages.cells_of_word_file(source, doc.rows)
    except PageError as err:
        page_error = str(err)
    rows = with_pages(doc.rows, cells)
    states = {row.key: row.state for row in rows}
    cells_json = [_cell_json(c, states) for c in cells]
    selected = _selected(rows, request.args.get("row"))
    page = requested or (selected.pages[0] if selected and selected.pages else 1)
    page = min(max(page, 1), max(len(sizes), 1))
    if sizes and page != requested:
        review().pages.render_ahead(source, page)
    return render_template(
        "document.html", doc=doc, rows=rows, cells=cells, selected=selected, page=page, sizes=sizes,
        page_error=page_error, converted=converted, report_id=report_id, reviewer=reviewer_name(),
        cells_json=cells_json,
        fields_json=[_field_json(f) for f in doc.fields],
        rows_json={row.key: _row_json(row) for row in rows},
        page_sizes=[list(s) for s in sizes],
        page_cells=page_overlay(cells_json, page, selected.key if selected else None),
        selected_key=selected.key if selected else None,
        states=REVIEW_STATES,
    )


def page_image(report_id: str, page: int):
    report_id = _report_id(report_id)
    try:
        image = _png(report_id, page)
    except PageError:
        try:
            image = _png(report_id, page, fresh=True)  # ingested again since it was looked up: look again
        except PageError as err:
            abort(404, str(err))
    return Response(image, mimetype="image/png", headers={"Cache-Control": "private, max-age=600"})


def _png(report_id: str, page: int, fresh: bool = False) -> bytes:
    source = review().file_of(report_id, fresh=fresh)
    if source is None:
        abort(404)
    return review().pages.png(source, page)


# --- corrections -------------------------------------------------------------------------------

def post_correction(report_id: str):
    report_id = _report_id(report_id)
    form = request.form
    target = form.get("target", "row")
    column = form.get("column", "")
    if target == "row":
        correction = _correction(report_id, "row", column, form.get("new_value"), row=_row_of_form())
    else:
        correction = _correction(report_id, "field", column, form.get("new_value"))
    return _apply(report_id, correction, f"{column} corrected")


def post_not_indicator(report_id: str):
    report_id = _report_id(report_id)
    correction = _correction(report_id, "row", NOT_INDICATOR, "true", row=_row_of_form())
    return _apply(report_id, correction, "row marked: not an indicator", keep_row=False)


def post_added_row(report_id: str):
    report_id = _report_id(report_id)
    values = {c: request.form.get(c, "").strip() for c in ADDED_ROW_COLUMNS if request.form.get(c, "").strip()}
    table_no = _int(request.form.get("table_no"))
    if table_no is None:
        flash("choose the table the row belongs to", "error")
        return redirect(_back(report_id))
    correction = _correction(report_id, "row", ADDED, json.dumps(values, ensure_ascii=False), row=(table_no, None))
    return _apply(report_id, correction, "row added")


def post_review(report_id: str):
    report_id = _report_id(report_id)
    state = request.form.get("state", "reviewed")
    with review().reading() as con:
        doc = queries.document(con, report_id)
    if doc is None:
        abort(404)
    correction = replace(_correction(report_id, "document", REVIEW, state), old_value=doc.state)
    return _apply(report_id, correction, f"document marked {state}")


def post_reviewer():
    name = " ".join(request.form.get("reviewer", "").split())[:80]
    if name:
        session["reviewer"] = name
    target = request.form.get("next", "/")
    local = target.startswith("/") and not target.startswith(("//", "/\\")) and "\n" not in target
    return redirect(target if local else "/")


def _correction(report_id: str, target: str, column: str, new_value: str | None,
                row: tuple[int | None, int | None] = (None, None)) -> Correction:
    note = " ".join((request.form.get("note") or "").split()) or None
    return Correction(report_id, target, column, None, (new_value or "").strip() or None, note, reviewer_name(),
                      datetime.now(), table_no=row[0], row_no=row[1])


def _row_of_form() -> tuple[int | None, int | None]:
    return _int(request.form.get("table_no")), _int(request.form.get("row_no"))


def _apply(report_id: str, correction: Correction, done: str, keep_row: bool = True):
    try:
        with review().writing() as con:
            stored = correct(con, correction, review().rules)
    except CorrectionError as err:
        flash(f"not saved: {err}", "error")
        return redirect(_back(report_id))
    flash(done, "ok")
    row = f"{stored.table_no}-{stored.row_no}" if keep_row and stored.row_no else None
    return redirect(_back(report_id, row))


def _back(report_id: str, row: str | None = None) -> str:
    """The document page again, at the page the form was sent from and the row corrected."""
    args = {k: v for k, v in (("row", row or request.form.get("row")), ("page", request.form.get("page"))) if v}
    anchor = f"#row-{args['row']}" if args.get("row") else ""
    return url_for("document", report_id=report_id) + (f"?{urlencode(args)}" if args else "") + anchor


# --- helpers -----------------------------------------------------------------------------------

def _int(text: str | None) -> int | None:
    try:
        return int(text) if text not in (None, "") else None
    except ValueError:
        return None


def _selected(rows: list[queries.Row], key: str | None) -> queries.Row | None:
    return next((row for row in rows if row.key == key), rows[0] if rows else None)


def _cell_json(cell: queries.CellBox, states: dict[str, str]) -> dict:
    """A cell for the page overlay, coloured by its row's state (a cell OCR read with low
    confidence is suspicious whatever its row)."""
    key = f"{cell.table_no}-{cell.row_no}"
    low = cell.confidence is not None and cell.confidence < queries.LOW_CONFIDENCE
    state = states.get(key, "read")
    return {"key": key, "column": cell.column, "text": cell.text, "page": cell.page, "box": cell.box,
            "state": "suspicious" if low and state == "read" else state}


def _field_json(field: dict) -> dict:
    """Where a report field was read, for the page: its page and box when the format has one."""
    box = [field[k] for k in ("x0", "top", "x1", "bottom")] if field.get("x0") is not None else None
    return {"field": field["field"], "page": field["page"], "box": box}


def page_overlay(cells: list[dict], page: int, selected: str | None) -> list[dict]:
    """The cells drawn on one page: a merged cell read into many rows once (as the selected
    row's when it is one of them), level cells marked (outlined only)."""
    drawn: dict[tuple, dict] = {}
    for cell in cells:
        if cell["page"] != page or not cell["box"]:
            continue
        at = (cell["column"], tuple(cell["box"]))
        if at not in drawn or cell["key"] == selected:
            drawn[at] = {**cell, "level": cell["column"] in ("level1", "level2")}
    return list(drawn.values())


def _row_json(row: queries.Row) -> dict:
    values = {c: _text(row.values.get(c)) for c in EDITABLE_ROW_COLUMNS}
    return {"state": row.state, "pages": list(row.pages), "values": values,
            "table_no": row.values["table_no"], "row_no": row.values["row_no"]}


def _text(value) -> str:
    return as_text(value) or ""
