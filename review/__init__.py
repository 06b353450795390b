"""The review workbench: people check what was read before analysts rely on it.

    python pipeline.py review [--db FILE] [--port 8765]

A local web app (`app.py`, Flask; pages rendered on the server, plain CSS/JS in `static/`): the
queue of files by what needs attention (`queries.queue`), a file's page image (`pages.py`,
pypdfium2) with the cells its rows were read from outlined, beside the rows; corrections are
stored as data (table `corrections`, `storage/corrections.py`) and applied on top of the rows
read, in every view and export.
"""
