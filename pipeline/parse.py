"""Stage 5, parse: read the Decree 30 form (header, preamble, section tree, tail) out of repaired text."""

from __future__ import annotations

from .model import ParsedFields


def parse_text(text: str) -> ParsedFields:
    """Placeholder until the section parser lands (issue #4): no fields, one warning."""
    return ParsedFields(warnings=["parser not implemented: structured fields are empty"])
