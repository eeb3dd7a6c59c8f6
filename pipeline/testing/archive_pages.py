"""Pages for the archive tests (one copy, shared by test_archive_pdf, _alto, _batch and _plugin): Vietnamese lines
with every stacked tone, words laid out on a page, scan records, printed pages and ink measured on a raster."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from ..model import Document, Page, Source, Word

# Vietnamese with every tone on stacked vowels (ặ ẫ ỗ ữ ở ự ẩ …), đ/Đ, capitals with marks, and a code
VIETNAMESE_LINES = [
    "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI",
    "Nghị quyết số 57-NQ/TW về đột phá phát triển khoa học",
    "Thường trực Ủy ban Mặt trận Tổ quốc đặc biệt",
    "lẫn lộn ngỗng ngữ cảnh ở ẩn cựu chiến binh Đắk Lắk",
    "ưỡn ngực ặc ặc quyết định thẩm quyền ủy nhiệm",
]


def write_png(path: Path, array: np.ndarray, dpi: int = 300) -> Path:
    from PIL import Image

    Image.fromarray(array).save(path, dpi=(dpi, dpi))
    return path


def blank_page(width: int = 1240, height: int = 1754) -> np.ndarray:
    page = np.full((height, width), 255, np.uint8)
    cv2.rectangle(page, (100, 100), (width - 100, height - 100), 200, 3)  # some ink, as a scan has
    return page


def words_in_lines(lines: list[str], *, left: int = 120, top: int = 200, step: int = 90) -> list[Word]:
    """Words laid out left to right, one text line per row, 40 px high, widths by letter count."""
    words = []
    for n, line in enumerate(lines, 1):
        x = left
        for text in line.split():
            width = 16 * len(text)
            words.append(Word(text=text, box=(x, top + (n - 1) * step, width, 40), line=n, confidence=0.9))
            x += width + 25
    return words


def scan_document(name: str, pages: list[Page], kind: str = "image", sha: str = "0" * 64) -> Document:
    return Document(
        source=Source(file=name, sha256=sha, kind=kind, pages=len(pages)),  # type: ignore[arg-type]
        title="Kế hoạch thử nghiệm",
        pages=pages,
    )


def scan_page(number: int, words: list[Word], size: tuple[int, int] = (1240, 1754), steps=None) -> Page:
    text = "\n".join(
        " ".join(w.text for w in words if w.line == n) for n in sorted({w.line for w in words if w.line is not None})
    )
    return Page(number=number, text=text, kind="scan", text_path="ocr", size=size, words=words, steps=steps or [])


def ink_boxes(gray: np.ndarray) -> list[tuple[tuple[int, ...], tuple[float, ...]]]:
    n, _, stats, centres = cv2.connectedComponentsWithStats((gray < 128).astype(np.uint8))
    return [(tuple(int(v) for v in stats[i][:4]), tuple(centres[i])) for i in range(1, n) if stats[i][4] > 200]


def bars_page() -> np.ndarray:
    page = np.full((1754, 1240), 255, np.uint8)
    for row in range(12):
        x, y = 100, 150 + row * 110
        for column in range(5):
            width = 80 + ((row * 5 + column) * 37) % 120
            cv2.rectangle(page, (x, y), (x + width, y + 30), 0, -1)
            x += width + 40
    return page


LIBERATION = Path("/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf")


def page_image(path: Path, lines: list[str]) -> Path:
    """A small clean page of printed Vietnamese lines (Tesseract reads it in about a second)."""
    from PIL import Image, ImageDraw, ImageFont

    if not LIBERATION.is_file():
        pytest.skip(f"{LIBERATION} is absent (Debian package fonts-liberation2)")
    font = ImageFont.truetype(str(LIBERATION), 40, layout_engine=ImageFont.Layout.BASIC)
    image = Image.new("L", (1100, 90 + 70 * len(lines)), 255)
    draw = ImageDraw.Draw(image)
    for n, line in enumerate(lines):
        draw.text((40, 40 + 70 * n), line, font=font, fill=0)
    image.save(path, dpi=(300, 300))
    return path


PAGE_1 = ["ỦY BAN NHÂN DÂN XÃ HÁT MÔN", "Số: 103/KH-UBND", "KẾ HOẠCH tuyên truyền Nghị quyết"]


PAGE_2 = ["Nơi nhận:", "Thường trực Đảng ủy xã", "TM. ỦY BAN NHÂN DÂN"]
