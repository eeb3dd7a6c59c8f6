#!/usr/bin/env python3
"""Rebuild the real texts (``/work/realtexts/docs/*.txt``) that bench_parse_real and bench_plans read, from the
snapshots of public repositories that ``fetch`` leaves under /work/.mirror, as benchmarks/data/realtexts_sources.json
says: for each labelled file, the repository, the path and commit of its source, the source's sha256 and the
conversion. Nothing is downloaded: a repository whose snapshot is missing is named ("fetch github:owner/name
first") and its documents are skipped. The texts are never committed (they are the public documents' own words).

    .venv/bin/python tools/build_realtexts.py [--out DIR] [--mirror DIR] [--sources FILE] [--only NAME ...]

--out defaults to $PLANOCR_REALTEXTS or /work/realtexts (the texts go to OUT/docs/); --mirror to /work/.mirror
(a snapshot of owner/name is MIRROR/owner+name/repo, a bare git directory).

Conversions (the text the parser reads: UTF-8, NFC, the printed order of a Decree 30 page):
- ``pdftotext-layout``: ``pdftotext -layout`` (poppler-utils); the two-column header and signature blocks come
  side by side, as printed, and the parser reads them so.
- ``docx``: the document body in order, read from word/document.xml with the standard library: a paragraph is one
  line (a manual line break inside it starts a new line, a tab stays a tab); a table Word uses for layout (at
  most two rows of at most three filled cells: the header's issuer | national title and number | date, the
  tail's recipients | signature) is written cell by cell in reading order, one printed line a line, a blank
  line between cells (the layout of the shared real scans' transcriptions); any other table is markdown rows
  ``| a | b |``, a cell's paragraphs joined with a space, a rule row after the first row, a blank line before
  and after. Deleted revisions and field codes are left out; inserted text is kept.
- ``docx`` text boxes ("DỰ THẢO" framed beside the number) are read once (the drawing, not the VML fallback copy
  Word keeps beside it), each of their paragraphs on a line of its own before the paragraph they are anchored in.
- ``docx`` paragraphs keep Word's automatic list numbers ("I.", "1.", "a)", bullets as "-"), counted from
  word/numbering.xml as Word counts them, since the parser reads the section tree from them.
- ``doc-antiword``: a Word 97-2003 file through ``antiword -m UTF-8.txt -w 0`` (Debian package antiword), which
  keeps list numbers; its tables carry no row boundaries, so each table becomes one row whose cells hold their
  column's lines (right for the header and signature tables of these documents, written as layout tables).
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import unicodedata
import zipfile
from pathlib import Path
from xml.etree import ElementTree

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "benchmarks" / "data" / "realtexts_sources.json"
MIRROR = Path("/work/.mirror")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

Block = str | list[list[list[str]]]  # a paragraph's text, or a table: rows of cells of lines


# --- rendering -------------------------------------------------------------------------------------------------
def cell_text(lines: list[str]) -> str:
    parts = [re.sub(r"\s+", " ", line).strip() for line in lines]
    return " ".join(part for part in parts if part)


def is_layout_table(rows: list[list[str]]) -> bool:
    """A table Word uses to set blocks side by side (header: issuer | national title, number | place and date;
    tail: recipients | signature): at most two rows of at most three filled cells."""
    return len(rows) <= 2 and all(sum(1 for cell in row if cell) <= 3 for row in rows)


def render(blocks: list[Block]) -> str:
    out: list[str] = []
    for block in blocks:
        if isinstance(block, str):
            out.extend(block.split("\n"))
            continue
        rows = [row for row in block if any(cell_text(cell) for cell in row)]
        if not rows:
            continue
        out.append("")
        if is_layout_table([[cell_text(cell) for cell in row] for row in rows]):
            # cell by cell in reading order, a blank line between cells, each printed line on its own line
            for row in rows:
                for cell in row:
                    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in cell]
                    lines = [line for line in lines if line]
                    if lines:
                        out.extend(lines)
                        out.append("")
            continue
        texts = [[cell_text(cell) for cell in row] for row in rows]
        for index, row_texts in enumerate(texts):
            out.append("| " + " | ".join(row_texts) + " |")
            if index == 0 and len(texts) > 1:
                out.append("|" + "|".join("---" for _ in row_texts) + "|")
        out.append("")
    text = "\n".join(line.rstrip() for line in out)
    text = re.sub(r"\n{3,}", "\n\n", text).strip("\n") + "\n"
    return unicodedata.normalize("NFC", text)


# --- docx ------------------------------------------------------------------------------------------------------
ROMAN = [
    (1000, "M"),
    (900, "CM"),
    (500, "D"),
    (400, "CD"),
    (100, "C"),
    (90, "XC"),
    (50, "L"),
    (40, "XL"),
    (10, "X"),
    (9, "IX"),
    (5, "V"),
    (4, "IV"),
    (1, "I"),
]


def roman(number: int) -> str:
    out = ""
    for value, letters in ROMAN:
        while number >= value:
            out += letters
            number -= value
    return out


def number_text(value: int, fmt: str) -> str:
    if fmt in ("upperRoman", "lowerRoman"):
        text = roman(value)
        return text if fmt == "upperRoman" else text.lower()
    if fmt in ("lowerLetter", "upperLetter"):
        text = "abcdefghijklmnopqrstuvwxyz"[(value - 1) % 26]
        return text if fmt == "lowerLetter" else text.upper()
    if fmt == "decimalZero":
        return f"{value:02d}"
    if fmt in ("none", "bullet"):
        return ""
    return str(value)


def level_format(level) -> tuple[str, str, int]:
    """A numbering level's (format, text, start) from its w:lvl element."""
    fmt = level.find(W + "numFmt")
    text = level.find(W + "lvlText")
    start = level.find(W + "start")
    return (
        fmt.get(W + "val", "decimal") if fmt is not None else "decimal",
        text.get(W + "val", "") if text is not None else "",
        int(start.get(W + "val", "1")) if start is not None else 1,
    )


class Numbering:
    """Word's automatic list numbers ("I.", "1.", "a)", "-"), which are not in the paragraphs' text: the levels of
    word/numbering.xml (format, text, start) counted in document order per list; a level restarts after a
    higher level of its list advances."""

    def __init__(self, xml: bytes | None) -> None:
        self.levels: dict[str, dict[int, tuple[str, str, int]]] = {}
        self.counters: dict[str, dict[int, int]] = {}
        self.abstract_of: dict[str, str] = {}
        if xml is None:
            return
        root = ElementTree.fromstring(xml)
        abstract: dict[str, dict[int, tuple[str, str, int]]] = {}
        for node in root.findall(W + "abstractNum"):
            levels: dict[int, tuple[str, str, int]] = {}
            for level in node.findall(W + "lvl"):
                levels[int(level.get(W + "ilvl", "0"))] = level_format(level)
            abstract[node.get(W + "abstractNumId", "")] = levels
        for node in root.findall(W + "num"):
            ref = node.find(W + "abstractNumId")
            abstract_id = ref.get(W + "val", "") if ref is not None else ""
            levels = dict(abstract.get(abstract_id, {}))
            for override in node.findall(W + "lvlOverride"):
                level_node = override.find(W + "lvl")
                if level_node is not None:
                    levels[int(override.get(W + "ilvl", "0"))] = level_format(level_node)
            num_id = node.get(W + "numId", "")
            self.levels[num_id] = levels
            self.abstract_of[num_id] = abstract_id

    def label(self, num_id: str, ilvl: int) -> str:
        levels = self.levels.get(num_id)
        if not levels or ilvl not in levels or num_id == "0":
            return ""
        fmt, text, _start = levels[ilvl]
        counters = self.counters.setdefault(self.abstract_of.get(num_id, num_id), {})
        counters[ilvl] = counters.get(ilvl, levels[ilvl][2] - 1) + 1
        for deeper in [level for level in counters if level > ilvl]:
            del counters[deeper]
        if fmt == "bullet":
            return "-"
        label = text
        for level in range(ilvl + 1):
            if f"%{level + 1}" in label:
                level_fmt = levels.get(level, ("decimal", "", 1))
                value = counters.get(level, level_fmt[2])
                label = label.replace(f"%{level + 1}", number_text(value, level_fmt[0] if level < ilvl else fmt))
        return label


def paragraph_style_numbers(styles_xml: bytes | None) -> dict[str, tuple[str, int]]:
    """Styles that carry a list number (a heading style numbered by the template)."""
    out: dict[str, tuple[str, int]] = {}
    if styles_xml is None:
        return out
    for style in ElementTree.fromstring(styles_xml).findall(W + "style"):
        num = style.find(f"{W}pPr/{W}numPr")
        if num is not None:
            num_id = num.find(W + "numId")
            ilvl = num.find(W + "ilvl")
            if num_id is not None:
                out[style.get(W + "styleId", "")] = (
                    num_id.get(W + "val", "0"),
                    int(ilvl.get(W + "val", "0")) if ilvl is not None else 0,
                )
    return out


MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"


def walk(element: ElementTree.Element, into_boxes: bool = False):
    """``element`` and its descendants in document order, without the VML fallback copies of drawings
    (mc:Fallback) and, unless ``into_boxes``, without what text boxes hold (w:txbxContent)."""
    yield element
    for child in element:
        if child.tag == MC + "Fallback" or (child.tag == W + "txbxContent" and not into_boxes):
            continue
        if child.tag == W + "txbxContent":
            yield child  # the box itself; its paragraphs are read by Docx.boxes
            continue
        yield from walk(child, into_boxes)


class Docx:
    def __init__(self, numbering: Numbering, styles: dict[str, tuple[str, int]]) -> None:
        self.numbering = numbering
        self.styles = styles

    def runs(self, element: ElementTree.Element) -> str:
        """The text of a paragraph: w:t, tabs, line breaks; deleted text and field codes are other tags. Text
        boxes anchored in it are not its text (``boxes``)."""
        pieces: list[str] = []
        for node in walk(element):
            if node.tag == W + "t":
                pieces.append(node.text or "")
            elif node.tag == W + "tab":
                pieces.append("\t")
            elif node.tag in (W + "br", W + "cr"):
                pieces.append("\n")
        return "".join(pieces)

    def boxes(self, element: ElementTree.Element) -> list[str]:
        """The paragraphs of the text boxes anchored in a paragraph ("DỰ THẢO" framed beside the number), each
        once: Word stores a box twice, as a drawing and as its VML fallback, and only the drawing is read."""
        lines: list[str] = []
        for node in walk(element, into_boxes=True):
            if node.tag == W + "txbxContent":
                for paragraph in node.findall(W + "p"):
                    lines.append(self.paragraph(paragraph))
        return lines

    def paragraph(self, element: ElementTree.Element) -> str:
        """A paragraph's text; the text boxes anchored in it come first, each paragraph of a box on its line."""
        boxes = [line for line in self.boxes(element) if line.strip()]
        text = self.runs(element)
        if boxes:
            return "\n".join([*boxes, self.numbered(element, text)])
        return self.numbered(element, text)

    def numbered(self, element: ElementTree.Element, text: str) -> str:
        properties = element.find(W + "pPr")
        num_id, ilvl = None, 0
        if properties is not None:
            num = properties.find(W + "numPr")
            if num is not None:
                id_node, level_node = num.find(W + "numId"), num.find(W + "ilvl")
                num_id = id_node.get(W + "val") if id_node is not None else None
                ilvl = int(level_node.get(W + "val", "0")) if level_node is not None else 0
            else:
                style = properties.find(W + "pStyle")
                if style is not None and style.get(W + "val", "") in self.styles:
                    num_id, ilvl = self.styles[style.get(W + "val", "")]
        if num_id is not None and text.strip():
            label = self.numbering.label(num_id, ilvl)
            if label:
                text = f"{label} {text.lstrip()}"
        return text

    def cell_lines(self, cell: ElementTree.Element) -> list[str]:
        lines: list[str] = []
        for node in walk(cell):
            if node.tag == W + "p":
                lines.extend(self.paragraph(node).split("\n"))
        return lines

    def blocks(self, container: ElementTree.Element) -> list[Block]:
        blocks: list[Block] = []
        for child in container:
            if child.tag == W + "p":
                blocks.append(self.paragraph(child))
            elif child.tag == W + "tbl":
                rows = []
                for row in child.findall(W + "tr"):
                    rows.append([self.cell_lines(cell) for cell in row.findall(W + "tc")])
                blocks.append(rows)
            elif child.tag == W + "sdt":  # content controls hold paragraphs and tables of the body
                content = child.find(W + "sdtContent")
                if content is not None:
                    blocks.extend(self.blocks(content))
        return blocks


def convert_docx(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
        root = ElementTree.fromstring(archive.read("word/document.xml"))
        numbering = Numbering(archive.read("word/numbering.xml") if "word/numbering.xml" in names else None)
        styles = paragraph_style_numbers(archive.read("word/styles.xml") if "word/styles.xml" in names else None)
    body = root.find(W + "body")
    return render(Docx(numbering, styles).blocks(body if body is not None else root))


# --- doc (antiword) ----------------------------------------------------------------------------------------------
def antiword_blocks(text: str) -> list[Block]:
    """antiword's text: paragraphs one per line (list numbers kept), a table as lines '|a |b |' with no mark between
    its rows, so each table becomes one row whose cells hold their column's lines."""
    blocks: list[Block] = []
    table: list[list[str]] = []

    def flush() -> None:
        if table:
            width = max(len(cells) for cells in table)
            columns = [[cells[i] for cells in table if i < len(cells)] for i in range(width)]
            blocks.append([columns])
            table.clear()

    for line in text.split("\n"):
        stripped = line.strip()
        if stripped.startswith("|") and stripped.endswith("|") and len(stripped) > 1:
            table.append([cell.strip() for cell in stripped[1:-1].split("|")])
            continue
        flush()
        blocks.append(stripped)
    flush()
    return blocks


def convert_doc(data: bytes) -> str:
    if shutil.which("antiword") is None:
        raise RuntimeError("antiword is not installed (apt-get install antiword)")
    result = subprocess.run(["antiword", "-m", "UTF-8.txt", "-w", "0", "-"], input=data, capture_output=True)
    if result.returncode != 0:
        raise RuntimeError(f"antiword failed: {result.stderr.decode('utf-8', 'replace').strip()}")
    return render(antiword_blocks(result.stdout.decode("utf-8")))


def convert_pdf_layout(data: bytes) -> str:
    result = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True)
    if result.returncode != 0:
        raise RuntimeError(f"pdftotext failed: {result.stderr.decode('utf-8', 'replace').strip()}")
    text = result.stdout.decode("utf-8")
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    return unicodedata.normalize("NFC", text.rstrip("\n\f") + "\n")


CONVERSIONS = {"pdftotext-layout": convert_pdf_layout, "docx": convert_docx, "doc-antiword": convert_doc}


# --- the set -----------------------------------------------------------------------------------------------------
def snapshot(mirror: Path, repo: str) -> Path:
    return mirror / repo.replace("/", "+") / "repo"


def source_bytes(git_dir: Path, commit: str, path: str) -> bytes:
    result = subprocess.run(["git", "--git-dir", str(git_dir), "show", f"{commit}:{path}"], capture_output=True)
    if result.returncode != 0:
        raise RuntimeError(result.stderr.decode("utf-8", "replace").strip() or "git show failed")
    return result.stdout


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    default_out = os.environ.get("PLANOCR_REALTEXTS") or "/work/realtexts"
    parser.add_argument("--out", type=Path, default=Path(default_out))
    parser.add_argument("--mirror", type=Path, default=MIRROR)
    parser.add_argument("--sources", type=Path, default=SOURCES)
    parser.add_argument("--only", nargs="*", default=None, help="file names (or parts of them) to rebuild")
    args = parser.parse_args(argv)

    documents = json.loads(args.sources.read_text(encoding="utf-8"))["documents"]
    if args.only:
        documents = [d for d in documents if any(part in d["file"] for part in args.only)]
    (args.out / "docs").mkdir(parents=True, exist_ok=True)
    missing_repos: set[str] = set()
    built = failed = 0
    for document in documents:
        name = document["file"]
        git_dir = snapshot(args.mirror, document["repo"])
        if not git_dir.is_dir():
            if document["repo"] not in missing_repos:
                print(f"missing snapshot {git_dir}: fetch github:{document['repo']} first")
                missing_repos.add(document["repo"])
            print(f"  skipped {name}")
            failed += 1
            continue
        try:
            data = source_bytes(git_dir, document["commit"], document["path"])
            digest = hashlib.sha256(data).hexdigest()
            if digest != document["sha256"]:
                raise RuntimeError(f"sha256 {digest} is not the recorded {document['sha256']}")
            text = CONVERSIONS[document["conversion"]](data)
        except (RuntimeError, KeyError, zipfile.BadZipFile, ElementTree.ParseError, UnicodeDecodeError) as error:
            print(f"failed {name}: {document['repo']}:{document['path']} @ {document['commit'][:12]}: {error}")
            failed += 1
            continue
        target = args.out / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        built += 1
        print(f"built {name} ({len(text)} chars, {document['conversion']}) from {document['repo']}:{document['path']}")
    print(
        f"{built} built, {failed} not built, of {len(documents)} in {args.sources.name}; texts in {args.out / 'docs'}"
    )
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
