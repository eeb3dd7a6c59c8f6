"""Tables for analysts: flatten the records of an OUTDIR into documents, sections, references, recipients,
corrections, pages, assignments, targets and tables (one row per cell), written as .xlsx (one sheet per
table), .csv (one file per table) or .parquet.

Which records: those ``manifest.jsonl`` lists as written (the last line per input wins, so a record left
behind by an input that later failed is not exported); without a manifest, every ``*.json`` that parses as
a record. A record that cannot be read is skipped with a warning; the export never stops for one.
Column names are part of the contract (README, "Export tables"). Warnings go to the ``pipeline.export``
logger (stderr when nothing is configured).
"""

from __future__ import annotations

import contextlib
import csv
import functools
import io
import json
import logging
import math
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .batch.manifest import parse_lines, text_field
from .errors import MissingInputError, OutputError, UsageError
from .files import TEMP_PREFIX, TEMP_SUFFIX
from .model import Document, Section

log = logging.getLogger(__name__)

MANIFEST = "manifest.jsonl"
# Excel's limits: characters per cell, rows per sheet (header included), characters per sheet name.
XLSX_MAX_CELL = 32_767
XLSX_MAX_ROWS = 1_048_576
XLSX_MAX_SHEET_NAME = 31
TRUNCATION_MARKER = " […truncated]"
PARAGRAPH_SEPARATOR = "\n"  # between paragraphs (section text, bases)
ITEM_SEPARATOR = "; "  # between short items (warnings, storage)

# Column name → type ("str", "int", "float", "bool"), in column order. Types fix the parquet schema and
# keep an all-null column typed; never reorder or rename (analysts' scripts depend on them), only append.
PROVENANCE = {"doc_id": "str", "file": "str"}
TABLES: dict[str, dict[str, str]] = {
    "documents": {
        **PROVENANCE,
        "sha256": "str",
        "record": "str",
        "kind": "str",
        "pages": "int",
        "issuer": "str",
        "issuer_parent": "str",
        "national_title": "str",
        "motto": "str",
        "number": "str",
        "serial": "str",
        "symbol": "str",
        "doc_type": "str",
        "doc_type_code": "str",
        "place": "str",
        "date": "str",
        "title": "str",
        "n_bases": "int",
        "n_sections": "int",
        "n_references": "int",
        "n_recipients": "int",
        "closing": "str",
        "signature_authority": "str",
        "signature_acting": "str",
        "signature_position": "str",
        "signer": "str",
        "signer_rank": "str",
        "mean_confidence": "float",
        "n_corrections": "int",
        "needs_review": "bool",
        "warnings": "str",
        "bases": "str",
        "storage": "str",
        "schema_version": "str",
        "addressees": "str",
        "preamble": "str",
        "planocr_version": "str",
        "tesseract_version": "str",
        "lang": "str",
        "restored": "bool",
        "co_issuers": "str",
        "n_signatures": "int",
        "signers": "str",
        "n_assignments": "int",
        "n_targets": "int",
        "n_tables": "int",
        "n_digital_signatures": "int",
        "digital_signers": "str",
        "signatures_intact": "bool",
        "received_number": "str",
        "received_date": "str",
        "reviewed": "bool",
        "n_review_changes": "int",
        "pdf": "str",
        "alto": "str",
    },
    "sections": {
        **PROVENANCE,
        "order": "int",
        "path": "str",
        "parent_path": "str",
        "level": "int",
        "label": "str",
        "heading": "str",
        "text": "str",
    },
    "references": {**PROVENANCE, "order": "int", "kind": "str", "number": "str", "date": "str", "issuer": "str"},
    "recipients": {**PROVENANCE, "order": "int", "recipient": "str"},
    "corrections": {
        **PROVENANCE,
        "order": "int",
        "page": "int",
        "line": "int",
        "original": "str",
        "corrected": "str",
        "confidence": "float",
        "by": "str",
    },
    "pages": {
        **PROVENANCE,
        "page": "int",
        "confidence": "float",
        "text_path": "str",
        "chars": "int",
        "n_low_confidence_words": "int",
        "error": "str",
    },
    # --- what plans assign (issue 16): one row per body, per target, per table cell
    "assignments": {
        **PROVENANCE,
        "order": "int",
        "body": "str",
        "canonical": "str",
        "role": "str",
        "request": "bool",
        "n_duties": "int",
        "duties": "str",
        "deadlines": "str",
        "deadline_dates": "str",
        "section": "str",
    },
    "targets": {
        **PROVENANCE,
        "order": "int",
        "indicator": "str",
        "value": "str",
        "number": "float",
        "upper": "float",
        "unit": "str",
        "by": "str",
        "section": "str",
    },
    "tables": {
        **PROVENANCE,
        "table": "int",
        "page": "int",
        "section": "str",
        "source": "str",
        "row": "int",
        "column": "int",
        "header": "str",
        "value": "str",
    },
}

# --- digital signatures (issue 11): one row per PDF signature of a document, in the file's order.
TABLES["digital_signatures"] = {
    **PROVENANCE,
    "order": "int",
    "field": "str",
    "signer": "str",
    "organisation": "str",
    "issuer": "str",
    "signed_at": "str",
    "intact": "bool",
    "coverage": "str",
    "trusted": "str",
    "page": "int",
}


def digital_signature_rows(doc: Document, prov: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            **prov,
            "order": i,
            "field": s.field,
            "signer": s.signer,
            "organisation": s.organisation,
            "issuer": s.issuer,
            "signed_at": s.signed_at,
            "intact": s.intact,
            "coverage": s.coverage,
            "trusted": s.trusted,
            "page": s.page,
        }
        for i, s in enumerate(doc.digital_signatures, 1)
    ]


Row = dict[str, Any]


@dataclass
class Tables:
    rows: dict[str, list[Row]] = field(default_factory=lambda: {name: [] for name in TABLES})

    def add(self, flat: dict[str, list[Row]]) -> None:
        for name, rows in flat.items():
            self.rows[name].extend(rows)


# ---------------------------------------------------------------- which records


@dataclass
class ExportReport:
    written: list[Path]
    records: int
    skipped: list[str]  # one line per record the manifest promised that could not be read: "path: reason"


def export_tables(outdir: Path, to: Path) -> list[Path]:
    """Flatten OUTDIR's records into tables at ``to`` (format from its suffix); returns the files written."""
    return export_records(outdir, to).written


def export_records(outdir: Path, to: Path) -> ExportReport:
    """Like export_tables, also saying how many records went in and which were skipped (the CLI's exit status)."""
    writer = pick_writer(to)
    if not outdir.exists():
        raise MissingInputError("no such folder (expected the OUTDIR of `planocr run`)", path=str(outdir))
    if not outdir.is_dir():
        raise UsageError("not a folder: export reads the OUTDIR of `planocr run`", path=str(outdir))
    tables = Tables()
    count = 0
    skipped: list[str] = []
    for record_name, doc in read_records(outdir, skipped):
        tables.add(flatten_document(doc, record_name))
        count += 1
    if count == 0:
        log.warning("%s: no records to export; writing tables with headers only", outdir)
    try:
        written = writer(tables, to)
    except OSError as err:  # disk full, no permission, a folder in the way: one clear line, not a traceback
        raise OutputError(f"cannot write the tables: {err.strerror or err}", path=str(to)) from None
    return ExportReport(written=written, records=count, skipped=skipped)


def pick_writer(to: Path) -> Callable[[Tables, Path], list[Path]]:
    writers = {".xlsx": write_xlsx, ".csv": write_csv, ".parquet": write_parquet}
    suffix = to.suffix.lower()
    if suffix not in writers:
        shown = f"'{to.suffix}'" if to.suffix else "no suffix"
        raise UsageError(f"unknown export format ({shown}): --to must end in .xlsx, .csv or .parquet", path=str(to))
    return writers[suffix]


def read_records(outdir: Path, skipped: list[str] | None = None) -> Iterator[tuple[str, Document]]:
    """(record file name, record) for every exportable record, sorted by file name; bad ones are skipped
    (warned about, and listed in ``skipped``)."""
    manifest = outdir / MANIFEST
    names = manifest_outputs(manifest) if manifest.is_file() else None
    if names is None:
        candidates = sorted(p.name for p in outdir.glob("*.json"))
    else:
        candidates = sorted(names)
        unlisted = {p.name for p in outdir.glob("*.json")} - names
        if unlisted:
            log.warning(
                "%s: %d JSON file(s) not listed as ok in %s were not exported (e.g. %s)",
                outdir,
                len(unlisted),
                MANIFEST,
                min(unlisted),
            )
    for name in candidates:
        doc = read_record(outdir / name, quiet_if_not_record=names is None, skipped=skipped)
        if doc is not None:
            yield name, doc


def manifest_outputs(manifest: Path) -> set[str]:
    """Record file names whose input's last manifest line says it has a record (ok, or skipped as done)."""
    last: dict[str, dict] = {}
    try:
        data = manifest.read_bytes()
    except OSError as err:
        log.warning("%s: unreadable (%s); no records exported from it", manifest, err.strerror or err)
        return set()
    for number, entry in parse_lines(data):
        # one file named two ways is still one input
        key = (text_field(entry, "resolved") or text_field(entry, "input")) if entry is not None else None
        if entry is None or key is None:
            log.warning("%s:%d: not a manifest entry; line ignored", manifest, number)
            continue
        last[key] = entry
    outputs = {
        output
        for e in last.values()
        if e.get("status") in ("ok", "skipped") and (output := text_field(e, "output")) is not None
    }
    outside = {o for o in outputs if Path(o).is_absolute() or ".." in Path(o).parts}
    for output in sorted(outside):  # records live in OUTDIR; never read a file elsewhere on a manifest's word
        log.warning("%s: output %r is outside the folder; not exported", manifest, output)
    return outputs - outside


def read_record(path: Path, *, quiet_if_not_record: bool = False, skipped: list[str] | None = None) -> Document | None:
    problem = None
    try:
        data = path.read_bytes()
    except OSError as err:
        problem = f"unreadable ({err.strerror or err})"
    else:
        try:
            return Document.model_validate_json(data)
        except ValidationError as err:  # bad JSON, bad UTF-8, wrong types, missing or unknown keys
            if quiet_if_not_record and is_other_json(data):
                log.info("%s: not a planocr record; skipped", path)
                return None
            problem = f"not a valid record ({first_problem(err)})"
    log.warning("%s: %s; skipped", path, problem)
    if skipped is not None:
        skipped.append(f"{path}: {problem}")
    return None


def is_other_json(data: bytes) -> bool:
    """Well-formed JSON that is plainly not a record (no 'schema_version'): some other tool's file.
    Damaged JSON is not 'other': it may be a record cut short, which deserves a warning."""
    try:
        obj = json.loads(data)
    except ValueError:
        return False
    return not (isinstance(obj, dict) and "schema_version" in obj)


def first_problem(err: ValidationError) -> str:
    problems = err.errors()
    first = problems[0]
    where = ".".join(str(part) for part in first["loc"]) or "record"
    more = f" (+{len(problems) - 1} more)" if len(problems) > 1 else ""
    return f"{where}: {first['msg']}{more}"


# ---------------------------------------------------------------- flattening


def flatten_document(doc: Document, record_name: str | None = None) -> dict[str, list[Row]]:
    """One record → rows of every table. Lists become row counts here and rows in their own tables."""
    prov = {"doc_id": doc.source.sha256, "file": doc.source.file}
    sections = list(walk_sections(doc.sections))
    return {
        "documents": [document_row(doc, prov, record_name, n_sections=len(sections))],
        "sections": [{**prov, "order": i, **row} for i, row in enumerate(sections, 1)],
        "references": [
            {**prov, "order": i, "kind": r.kind, "number": r.number, "date": r.date, "issuer": r.issuer}
            for i, r in enumerate(doc.references, 1)
        ],
        "recipients": [{**prov, "order": i, "recipient": r} for i, r in enumerate(doc.recipients, 1)],
        "corrections": [
            {
                **prov,
                "order": i,
                "page": c.page,
                "line": c.line,
                "original": c.original,
                "corrected": c.corrected,
                "confidence": finite(c.confidence),
                "by": c.by,
            }
            for i, c in enumerate(doc.corrections, 1)
        ],
        "pages": [
            {
                **prov,
                "page": p.number,
                "confidence": finite(p.confidence),
                "text_path": p.text_path,
                "chars": len(p.text),
                "n_low_confidence_words": len(p.low_confidence_words),
                "error": p.error,
            }
            for p in doc.pages
        ],
        "digital_signatures": digital_signature_rows(doc, prov),
        **plan_rows(doc, prov),
    }


def plan_rows(doc: Document, prov: Row) -> dict[str, list[Row]]:
    """Rows of the assignments, targets and tables tables. Lists in a cell: duties one per line, deadlines
    and their ISO dates with '; ' (a deadline without a date leaves its place empty, so both line up)."""
    assignments = [
        {
            **prov,
            "order": i,
            "body": a.body,
            "canonical": a.canonical,
            "role": a.role,
            "request": a.request,
            "n_duties": len(a.duties),
            "duties": join(a.duties, PARAGRAPH_SEPARATOR),
            "deadlines": join([d.text for d in a.deadlines], ITEM_SEPARATOR),
            "deadline_dates": join([d.date or "" for d in a.deadlines], ITEM_SEPARATOR),
            "section": a.section,
        }
        for i, a in enumerate(doc.assignments, 1)
    ]
    targets = [
        {
            **prov,
            "order": i,
            "indicator": t.indicator,
            "value": t.value,
            "number": finite(t.number),
            "upper": finite(t.upper),
            "unit": t.unit,
            "by": t.by,
            "section": t.section,
        }
        for i, t in enumerate(doc.targets, 1)
    ]
    cells = []
    for number, table in enumerate(doc.tables, 1):
        place = {"table": number, "page": table.page, "section": table.section, "source": table.source}
        for column, name in enumerate(table.header, 1):  # row 0: the header itself
            cells.append({**prov, **place, "row": 0, "column": column, "header": name, "value": name})
        for row_number, row in enumerate(table.rows, 1):
            for column, value in enumerate(row, 1):
                header = table.header[column - 1] if column <= len(table.header) else None
                cells.append({**prov, **place, "row": row_number, "column": column, "header": header, "value": value})
    return {"assignments": assignments, "targets": targets, "tables": cells}


def document_row(doc: Document, prov: Row, record_name: str | None, *, n_sections: int) -> Row:
    issuer, signature, provenance = doc.issuer, doc.signature, doc.provenance
    return {
        **prov,
        "sha256": doc.source.sha256,
        "record": record_name,
        "kind": doc.source.kind,
        "pages": doc.source.pages,
        "issuer": issuer.name if issuer else None,
        "issuer_parent": issuer.parent if issuer else None,
        "national_title": doc.national_title,
        "motto": doc.motto,
        "number": doc.number,
        "serial": doc.serial,
        "symbol": doc.symbol,
        "doc_type": doc.doc_type,
        "doc_type_code": doc.doc_type_code,
        "place": doc.place,
        "date": doc.date,
        "title": doc.title,
        "n_bases": len(doc.bases),
        "n_sections": n_sections,
        "n_references": len(doc.references),
        "n_recipients": len(doc.recipients),
        "closing": doc.closing,
        "signature_authority": signature.authority if signature else None,
        "signature_acting": signature.acting if signature else None,
        "signature_position": signature.position if signature else None,
        "signer": signature.signer if signature else None,
        "signer_rank": signature.rank if signature else None,
        "mean_confidence": mean_confidence(doc),
        "n_corrections": len(doc.corrections),
        "needs_review": doc.needs_review,
        "warnings": join(doc.warnings, ITEM_SEPARATOR),
        "bases": join(doc.bases, PARAGRAPH_SEPARATOR),
        "storage": join(doc.storage, ITEM_SEPARATOR),
        "schema_version": doc.schema_version,
        "addressees": join(doc.addressees, ITEM_SEPARATOR),
        "preamble": join(doc.preamble, PARAGRAPH_SEPARATOR),
        "planocr_version": provenance.planocr if provenance else None,
        "tesseract_version": provenance.tesseract if provenance else None,
        "lang": provenance.lang if provenance else None,
        "restored": provenance.restore if provenance else None,
        "co_issuers": join([body.name for body in doc.co_issuers if body.name], ITEM_SEPARATOR),
        "n_signatures": len(doc.signatures),
        "signers": join([s.signer for s in doc.signatures if s.signer], ITEM_SEPARATOR),
        "n_assignments": len(doc.assignments),
        "n_targets": len(doc.targets),
        "n_tables": len(doc.tables),
        "n_digital_signatures": len(doc.digital_signatures),
        "digital_signers": join([s.signer for s in doc.digital_signatures if s.signer], ITEM_SEPARATOR),
        # every signature intact: true; any broken: false; none, or one that could not be checked: null
        "signatures_intact": all_intact(doc),
        "received_number": doc.received.number if doc.received else None,
        "received_date": doc.received.date if doc.received else None,
        "reviewed": doc.reviewed,
        "n_review_changes": len(doc.review),
        "pdf": doc.outputs.pdf if doc.outputs else None,
        "alto": doc.outputs.alto if doc.outputs else None,
    }


def all_intact(doc: Document) -> bool | None:
    states = [s.intact for s in doc.digital_signatures]
    if False in states:
        return False
    return True if states and None not in states else None


def walk_sections(
    sections: Iterable[Section], parent_path: str | None = None, parent_label: str | None = None
) -> Iterator[Row]:
    """Pre-order (document order). path = ancestors' labels joined by '.', e.g. 'II.1.a'. A dotted label
    that continues its parent's ('1.2' under '1') adds only its new part: 'II.1.2', not 'II.1.1.2'.
    An unlabelled section is named by its 1-based position among its siblings: 'II.1.#2'."""
    for position, section in enumerate(sections, 1):
        label = section.label
        if label and parent_label and label.startswith(parent_label + "."):
            path = f"{parent_path}{label[len(parent_label) :]}"
        else:
            own = label if label else f"#{position}"
            path = f"{parent_path}.{own}" if parent_path else own
        yield {
            "path": path,
            "parent_path": parent_path,
            "level": section.level,
            "label": label,
            "heading": section.heading,
            "text": join(section.paragraphs, PARAGRAPH_SEPARATOR),
        }
        yield from walk_sections(section.children, path, label)


def mean_confidence(doc: Document) -> float | None:
    """Mean of the pages' OCR confidences (pages without one, e.g. text input, are left out)."""
    values = [p.confidence for p in doc.pages if p.confidence is not None and finite(p.confidence) is not None]
    return round(sum(values) / len(values), 4) if values else None


def finite(value: float | None) -> float | None:
    """NaN and infinities never reach a table: they become null (empty)."""
    return value if value is not None and math.isfinite(value) else None


def join(items: list[str], separator: str) -> str | None:
    return separator.join(items) if items else None


# ---------------------------------------------------------------- writers


def table_path(to: Path, table: str) -> Path:
    """CSV/parquet: one file per table next to ``to``: plans.csv → plans_documents.csv, …"""
    return to.with_name(f"{to.stem}_{table}{to.suffix}")


def write_csv(tables: Tables, to: Path) -> list[Path]:
    """UTF-8 with BOM (Excel then reads Vietnamese correctly); null → empty field; a text that Excel would run
    as a formula gets a leading apostrophe (``csv_value``); every other value is written exactly."""

    def fill(tmp: Path, name: str) -> None:
        columns = TABLES[name]
        with tmp.open("w", encoding="utf-8-sig", newline="") as handle:
            out = csv.writer(handle)
            out.writerow(columns)
            for row in tables.rows[name]:
                out.writerow([csv_value(row.get(c)) for c in columns])

    return write_atomic([(table_path(to, name), functools.partial(fill, name=name)) for name in TABLES])


# A cell starting with one of these is a formula to Excel and LibreOffice ("=cmd|' /C calc'!A0" runs a program),
# OWASP's list; the apostrophe itself is escaped too, so removing one leading apostrophe always gives the value back.
CSV_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "'")


def csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and value.startswith(CSV_FORMULA_STARTS):
        return "'" + value  # shown as text, never evaluated; the value is the cell without its first apostrophe
    return value


def write_parquet(tables: Tables, to: Path) -> list[Path]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    arrow_types = {"str": pa.string(), "int": pa.int64(), "float": pa.float64(), "bool": pa.bool_()}

    def fill(tmp: Path, name: str) -> None:
        columns = TABLES[name]
        schema = pa.schema([(c, arrow_types[t]) for c, t in columns.items()])
        table = pa.Table.from_pylist([{c: row.get(c) for c in columns} for row in tables.rows[name]], schema=schema)
        pq.write_table(table, tmp)

    return write_atomic([(table_path(to, name), functools.partial(fill, name=name)) for name in TABLES])


def write_xlsx(tables: Tables, to: Path) -> list[Path]:
    """One sheet per table. Every string is stored as a string cell, so '=…', '+…', '-…', '@…' are never
    evaluated as formulas; over-long cells are truncated with a marker; a table longer than a sheet
    continues on 'name_2', 'name_3', …"""

    def fill(tmp: Path) -> None:
        # the workbook is made once its temp file exists: an unwritable target then fails before any sheet
        # is open (a write-only workbook dropped with open sheets prints a traceback per sheet when collected)
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        try:
            for name, columns in TABLES.items():
                rows = tables.rows[name]
                per_sheet = XLSX_MAX_ROWS - 1
                chunks = [rows[i : i + per_sheet] for i in range(0, len(rows), per_sheet)] or [[]]
                if len(chunks) > 1:
                    log.warning(
                        "%s: table %s has %d rows, more than one sheet holds; continued on %d sheets",
                        to,
                        name,
                        len(rows),
                        len(chunks),
                    )
                for index, chunk in enumerate(chunks, 1):
                    title = sheet_name(name if index == 1 else f"{name}_{index}")
                    fill_sheet(workbook.create_sheet(title), list(columns), chunk, to)
            # saved in memory, then written: a full disk then fails one plain write, not inside the zip writer
            # (whose half-closed archive would raise again, with a traceback, when collected)
            buffer = io.BytesIO()
            workbook.save(buffer)
        except BaseException:
            close_sheets(workbook)
            raise
        tmp.write_bytes(buffer.getvalue())

    return write_atomic([(to, fill)])


def close_sheets(workbook) -> None:
    """Close a failed write-only workbook's sheets (their writers are generators holding temp files), quietly."""
    for sheet in workbook.worksheets:
        writer = getattr(sheet, "_writer", None)
        for generator in (getattr(sheet, "_rows", None), getattr(writer, "xf", None)):
            close = getattr(generator, "close", None)
            if close is not None:
                with contextlib.suppress(Exception):
                    close()


def sheet_name(name: str) -> str:
    """Excel refuses sheet names longer than 31 characters or containing []:*?/\\."""
    cleaned = "".join("_" if ch in "[]:*?/\\" else ch for ch in name)
    return cleaned[:XLSX_MAX_SHEET_NAME]


def fill_sheet(sheet, columns: list[str], rows: list[Row], to: Path) -> None:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    sheet.freeze_panes = "A2"  # header stays visible
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{len(rows) + 1}"  # filter buttons on the header
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=column)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    for row in rows:
        values = []
        for column in columns:
            value = row.get(column)
            if isinstance(value, str):
                value = xlsx_text(value, where=functools.partial(str, f"{to}: {row.get('file')}: {column}"))
                if value.startswith("="):  # openpyxl would write it as a formula: force a string cell
                    value = WriteOnlyCell(sheet, value=value)
                    value.data_type = "s"
                # other strings, '+…', '-…', '@…' included, are written as string cells, which Excel never evaluates
            values.append(value)
        sheet.append(values)


def xlsx_text(value: str, *, where: Callable[[], str]) -> str:
    """What an xlsx cell can hold: control characters (e.g. Tesseract's form feed) become U+FFFD,
    text over Excel's cell limit is cut and marked. Both are warned about: the JSON keeps the original."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if ILLEGAL_CHARACTERS_RE.search(value):
        value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
        log.warning("%s: control characters replaced by U+FFFD (xlsx cannot store them)", where())
    if len(value) > XLSX_MAX_CELL:
        log.warning("%s: %d characters cut to Excel's cell limit of %d", where(), len(value), XLSX_MAX_CELL)
        value = value[: XLSX_MAX_CELL - len(TRUNCATION_MARKER)] + TRUNCATION_MARKER
    return value


def current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomic(targets: list[tuple[Path, Callable[[Path], Any]]]) -> list[Path]:
    """Write a set of files as one: each ``fill(tmp)`` writes a temp file in its target's folder, and only
    when all succeeded are they renamed into place. A reader never sees a half-written table, and a failed
    export leaves the previous tables intact and consistent with each other."""
    temps: list[Path] = []
    try:
        for path, fill in targets:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX)
            os.close(fd)
            temps.append(Path(tmp_name))
            fill(temps[-1])
            os.chmod(temps[-1], 0o666 & ~current_umask())  # mkstemp makes 0600; tables are as readable as any file
        for tmp, (path, _) in zip(temps, targets):
            os.replace(tmp, path)
    except BaseException:
        for tmp in temps:
            tmp.unlink(missing_ok=True)
        raise
    return [path for path, _ in targets]
