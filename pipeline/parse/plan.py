"""What a plan makes bodies do and by which numbers: assignments, targets and tables, read after the form.

``read_plan`` is called once at the end of ``parse_parts`` with the cleaned lines and the fields read so far
(sections, preamble, place, issuer, title, date, type). Each part is guarded on its own: a failure costs
that part and adds a warning, never the record.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from ..model import Assignment, Issuer, Table, Target
from .assignments import read_assignments, table_assignments
from .lines import Line
from .tables import read_tables
from .targets import read_targets


def read_plan(text: str, lines: list[Line], fields: dict[str, Any], warnings: list[str]) -> dict[str, Any]:
    """assignments, targets and tables of a parsed text, as ParsedFields keys."""
    sections = fields.get("sections") or []
    issuer: Issuer | None = fields.get("issuer")
    place = fields.get("place")

    def part(name: str, default: Any, func: Callable[[], Any]) -> Any:
        try:
            return func()
        except Exception as exc:  # noqa: BLE001 - one part lost, with a warning, never the record
            warnings.append(f"parser: {name} failed ({type(exc).__name__}: {exc})"[:300])
            return default

    tables: list[Table] = part("tables", [], lambda: read_tables(text, lines, sections))
    assignments: list[Assignment] = part(
        "assignments",
        [],
        lambda: read_assignments(
            sections, place=place, issuer=issuer.name if issuer else None, preamble=fields.get("preamble") or []
        ),
    )
    for table in tables:
        assignments += part("task table", [], functools.partial(table_assignments, table, place=place))
    targets: list[Target] = part(
        "targets",
        [],
        lambda: read_targets(
            sections, title=fields.get("title"), date=fields.get("date"), doc_type=fields.get("doc_type")
        ),
    )
    return {"assignments": assignments, "targets": targets, "tables": tables}
