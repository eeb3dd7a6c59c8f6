"""Text inputs (.txt): already-OCR'd text, decoded and normalised the same way for `planocr run` and
`planocr parse`."""

from __future__ import annotations

import unicodedata
from pathlib import Path

from ..errors import UnreadableInputError


def read_text_file(path: Path) -> str:
    return decode_text(path.read_bytes(), str(path))


def decode_text(data: bytes, name: str) -> str:
    """UTF-8 (with or without BOM) or BOM-marked UTF-16; line ends made LF (CRLF and lone CR alike);
    NFC-normalised. Anything else is refused rather than guessed, because a wrong guess would silently
    damage every Vietnamese letter."""
    try:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            text = data.decode("utf-16")
        else:
            text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise UnreadableInputError(
            f"text file is not UTF-8 (bad byte at offset {err.start}); re-save it as UTF-8", path=name
        ) from None
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
