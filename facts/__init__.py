"""Stage 2: turn a `Document` into dataset rows (reports, indicators, figures, problems).

    facts.build.build_records(document, report_id=..., source_file=..., source_path=...) -> Records
"""
