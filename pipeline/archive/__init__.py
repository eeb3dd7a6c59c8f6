"""Archive outputs beside the record: a searchable PDF/A-2b with the corrected text layer (``pdf``), ALTO 4
XML (``alto``), written by the batch through ``outputs``; and an OCRmyPDF plugin (``plugin``) that gives
OCRmyPDF planocr's preprocessing, OCR and restoration.

The parts: ``layer`` (a page's words as blocks, lines and words in reading order), ``geometry`` (where the
OCR frame lies on the page), ``pdf``, ``alto``, ``outputs`` (atomic writing, the record's ``outputs``,
--resume), ``plugin``.
"""

from __future__ import annotations

from .outputs import outputs_present, write_archive_outcome, write_archive_outputs

__all__ = ["outputs_present", "write_archive_outcome", "write_archive_outputs"]
