"""The OCRmyPDF plugin under the name OCRmyPDF users type: ``ocrmypdf --plugin planocr -l vie in.pdf out.pdf``.

planocr's own code lives in the ``pipeline`` package; this module only re-exports the plugin's hooks from
``pipeline.archive.plugin`` (see there).
"""

from pipeline.archive.plugin import PlanocrEngine, get_ocr_engine

__all__ = ["PlanocrEngine", "get_ocr_engine"]
