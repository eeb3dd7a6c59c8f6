"""What the batch and loader tests share (one copy, not one per test file): inputs made on the fly (plan texts,
a printed line as an image, an encrypted PDF, PDFs written object by object with a text layer), running
`planocr` in a subprocess, reading a manifest, and whether a process is still alive."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from .faults import HOOK_VARIABLE

# A minimal plan as text: {n} makes each one different (its number and its title).
PLAN = "ỦY BAN NHÂN DÂN XÃ AN HÒA\nSố: {n}/KH-UBND\nKẾ HOẠCH\nTổ chức hội nghị lần thứ {n}\n"

PLAN_LINES = [
    "ỦY BAN NHÂN DÂN XÃ TÂN KỲ",
    "Căn cứ Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị về đột phá phát triển",
    "khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số quốc gia;",
    "Ủy ban nhân dân xã ban hành Kế hoạch tuyên truyền, cụ thể như sau:",
    "1. Tổ chức thực hiện kế hoạch trên địa bàn xã, bảo đảm thiết thực, hiệu quả.",
]


def write_texts(folder: Path, count: int) -> list[Path]:
    """``plan01.txt`` … in ``folder`` (made if needed), each a different PLAN; returned in name order."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(1, count + 1):
        path = folder / f"plan{n:02d}.txt"
        path.write_text(PLAN.format(n=n), encoding="utf-8")
        paths.append(path)
    return paths


def render_line_image(path: Path, text: str, frames: int = 1) -> Path:
    """A small, clean image of one printed line (Tesseract reads it in a fraction of a second); with
    ``frames`` > 1 a multi-page TIFF whose pages end in their number."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype("/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf", 40)
    pages = []
    for n in range(frames):
        image = Image.new("L", (900, 120), 255)
        ImageDraw.Draw(image).text((30, 35), f"{text} {n + 1}" if frames > 1 else text, font=font, fill=0)
        pages.append(image)
    pages[0].save(path, save_all=frames > 1, append_images=pages[1:], dpi=(300, 300))
    return path


def make_encrypted_pdf(path: Path) -> Path:
    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.save(path, encryption=pikepdf.Encryption(owner="owner-secret", user="user-secret", R=6))
    return path


def make_text_pdf(lines: list[str]) -> bytes:
    """A one-page PDF whose text layer holds ``lines``: Times-Roman, with every non-ASCII letter mapped
    through /Differences to a uniXXXX glyph name (text extractors turn those back into Unicode)."""
    extra = sorted({ch for line in lines for ch in line if ord(ch) > 126})
    code = {ch: 128 + i for i, ch in enumerate(extra)}

    def encode(line: str) -> bytes:
        out = bytearray()
        for ch in line:
            if ch in code:
                out.append(code[ch])
            elif ch in "()\\":
                out += b"\\" + ch.encode()
            else:
                out += ch.encode("ascii")
        return bytes(out)

    content = b"BT /F1 11 Tf 60 790 Td 15 TL\n" + b"".join(b"(" + encode(line) + b") '\n" for line in lines) + b"ET\n"
    differences = " ".join(f"/uni{ord(ch):04X}" for ch in extra)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        (
            f"<< /Type /Font /Subtype /Type1 /BaseFont /Times-Roman /Encoding << /Type /Encoding "
            f"/BaseEncoding /WinAnsiEncoding /Differences [128 {differences}] >> >>"
        ).encode(),
        b"<< /Length " + str(len(content)).encode() + b" >>\nstream\n" + content + b"endstream",
    ]
    return raw_pdf(objects)


def raw_pdf(objects: list[bytes]) -> bytes:
    """A PDF written object by object (object n is objects[n - 1], the catalog is object 1), so every
    attribute stays where it is put; pikepdf would rewrite the file when saving."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def run_cli(
    *args: str, env_extra: dict | None = None, timeout: float = 120, command: str = "run"
) -> subprocess.CompletedProcess:
    """``python -m pipeline <command> ARGS`` in a subprocess (text output), without any fault rules the
    calling environment may hold unless ``env_extra`` sets them."""
    env = {k: v for k, v in os.environ.items() if k != HOOK_VARIABLE}
    env.update(env_extra or {})
    return subprocess.run(
        [sys.executable, "-m", "pipeline", command, *args], capture_output=True, text=True, env=env, timeout=timeout
    )


def read_manifest(out: Path) -> list[dict]:
    """Every line of OUTDIR/manifest.jsonl, parsed (a damaged line fails the calling test)."""
    return [json.loads(line) for line in (out / "manifest.jsonl").read_text(encoding="utf-8").splitlines()]


def pid_alive(pid: int) -> bool:
    """Whether process ``pid`` exists and is not a zombie."""
    stat = Path(f"/proc/{pid}/stat")
    try:
        return stat.read_text().split(") ")[-1][:1] not in ("Z", "X")
    except OSError:
        return False
