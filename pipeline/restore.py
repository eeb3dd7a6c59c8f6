"""Stage 4, restore: repair diacritics in a page's text with the standalone ``diacritics`` library,
and turn its corrections into the record's audit trail (page, line, original, corrected, confidence)."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from .model import Correction, Word

# A short line of each kind the stage restores, so that warming up loads everything a page will need
# (the language model, the lexicon, the acronym list), not just the model.
WARM_UP_TEXT = "Ủy ban nhân dân xã\nNghi quyet so 57 cua Bo Chinh tri"

_warm_up_thread: threading.Thread | None = None
_data_loaded = False  # set once warm_up succeeded here or in the forkserver this process was forked from


@dataclass(frozen=True)
class RestoredPage:
    text: str
    corrections: list[Correction]


def start_warm_up() -> None:
    """Load the restoration data in a background thread, once per process, unless it is loaded already
    (workers of the local pool fork with it: see ``pipeline.batch.forkserver_warm_up``). A worker calls this
    when its first page goes to Tesseract, so the load (~0.36 s of CPU) runs while the worker only waits
    for the Tesseract process, instead of delaying the page; ``restore_page`` waits for it to finish."""
    global _warm_up_thread
    if _warm_up_thread is None and not _data_loaded:
        _warm_up_thread = threading.Thread(target=warm_up, name="planocr-restore-warm-up", daemon=True)
        _warm_up_thread.start()


def warm_up() -> None:
    """Load everything restoring a page needs (the language model, the lexicon, the acronym list), now."""
    global _data_loaded
    try:
        import diacritics

        diacritics.restore(WARM_UP_TEXT, from_ocr=True)  # the OCR channel's table too
        diacritics.restore(WARM_UP_TEXT)
    except Exception:  # noqa: BLE001 — the page that needs the data loads it again and reports the error on that page
        return
    _data_loaded = True


def restore_page(
    text: str, page: int | None, *, words: list[Word] | None = None, from_ocr: bool = False
) -> RestoredPage:
    """Repair one page. ``from_ocr``: the text is Tesseract's (Vietnamese model); ``words`` are OCR words with
    their confidences and 1-based line numbers in ``text`` (all of a page's words, or only the low-confidence
    ones: words not given count as read with ordinary confidence). A valid word with wrong marks changes only
    when the language model makes the other form sure at the word's confidence."""
    import diacritics

    if _warm_up_thread is not None:
        _warm_up_thread.join()  # one load, not two racing ones
    given = [
        diacritics.OcrWord(line=w.line, index=None, text=w.text, confidence=w.confidence)
        for w in (words or [])
        if w.line is not None and w.confidence is not None
    ]
    result = diacritics.restore(text, from_ocr=from_ocr, words=given if from_ocr else None)
    corrections = [
        Correction(
            page=page, line=c.line, original=c.original, corrected=c.corrected, confidence=round(c.confidence, 4)
        )
        for c in result.corrections
    ]
    return RestoredPage(text=result.text, corrections=corrections)
