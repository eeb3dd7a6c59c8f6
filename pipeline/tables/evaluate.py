"""Measuring scanned tables against what was read by eye (benchmarks/bench_plans.py, tests).

Labels (benchmarks/data/realdocs_tables.json), per scanned document: the pages with tables, and per table
the number of columns, the header as printed, the number of data rows, and for documents with a
transcription the pages whose '| a | b |' rows give every cell's text. Scores:
- structure: tables found, columns right, rows right (ruled rows below the header, group rows included);
- text: cell CER over the transcribed cells (the OCR'd cell against the transcription's cell, in order of
  rows; a one-cell row of the transcription is compared with the row's joined text).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from rapidfuzz.distance import Levenshtein

from ..load import load_page
from ..model import Table
from ..options import Options
from ..parse.lines import collapse
from . import PageTable, join_page_tables, page_tables


def page_image(path: Path, page: int, options: Options):
    """The page as the pipeline OCRs it: loaded, then preprocessed."""
    from ..preprocess import preprocess_page

    loaded = load_page(path, "pdf" if path.suffix.lower() == ".pdf" else "image", page, options)
    assert loaded.image is not None
    return preprocess_page(loaded.image, options).image


def truth_rows(text: str, page: int) -> list[list[str]]:
    """The '| a | b |' rows of one page of a transcription (pages split at form feeds)."""
    pages = text.split("\f")
    if page - 1 >= len(pages):
        return []
    rows = []
    for line in pages[page - 1].splitlines():
        line = line.strip()
        if line.startswith("|") and line.count("|") >= 2:
            rows.append([collapse(cell) for cell in line.strip("|").split("|")])
    return rows


def flat(row: list[str | None]) -> str:
    return " ".join(collapse(cell or "") for cell in row if cell)


def cell_errors(tables: list[Table], truth: list[list[str]]) -> tuple[int, int, int, int]:
    """(edit distance, truth characters, cells exactly right, cells compared) of the tables' header and
    rows against the transcription's rows, in reading order."""
    ours: list[list[str | None]] = []
    for table in tables:
        ours.append(list(table.header))
        ours.extend(table.rows)
    distance = chars = right = compared = 0
    for mine, want in zip(ours, truth):
        if len(want) == 1 or len(want) != len(mine):
            pairs = [(flat(mine), flat(list(want)))]
        else:
            pairs = [(collapse(m or ""), collapse(w)) for m, w in zip(mine, want)]
        for got, expected in pairs:
            if not expected:
                continue
            distance += Levenshtein.distance(got, expected)
            chars += len(expected)
            right += got == expected
            compared += 1
    for want in truth[len(ours) :]:
        for cell in want:
            chars += len(cell)
            distance += len(cell)
            compared += 1 if cell else 0
    return distance, chars, right, compared


def evaluate_scans(folder: Path, labels: dict[str, Any], *, verbose: bool = False) -> list[str]:
    """One line per labelled scanned document and a total, as bench_plans prints them."""
    options = Options(jobs=1)
    out = []
    totals = {"tables": 0, "found": 0, "columns": 0, "rows": 0, "distance": 0, "chars": 0, "right": 0, "cells": 0}
    seconds = 0.0
    pages_read = 0
    for name, doc in labels["documents"].items():
        if doc.get("blind"):
            continue
        path = folder / doc["scan"]
        if not path.exists():
            out.append(f"  {name}: {path} absent, skipped")
            continue
        found: list[PageTable] = []
        for page in doc["pages"]:
            image = page_image(path, page, options)
            started = time.perf_counter()
            found.extend(page_tables(image, options, page))
            seconds += time.perf_counter() - started
            pages_read += 1
        tables = join_page_tables(found)
        line = [f"  {name}: {len(tables)} table(s) for {len(doc['tables'])}"]
        for want, got in zip(doc["tables"], tables):
            totals["found"] += 1
            columns_right = len(got.header) == want["columns"]
            rows_right = len(got.rows) == want["rows"]
            totals["columns"] += columns_right
            totals["rows"] += rows_right
            line.append(f"columns {len(got.header)}/{want['columns']}, rows {len(got.rows)}/{want['rows']}")
            if verbose:
                line.append(f"header {got.header}")
        totals["tables"] += len(doc["tables"])
        if doc.get("truth") and (folder / doc["truth"]).exists():  # typed by hand outside the repository: may be lost
            text = (folder / doc["truth"]).read_text(encoding="utf-8")
            truth = [row for page in doc["pages"] for row in truth_rows(text, page)]
            distance, chars, right, cells = cell_errors(tables, truth)
            for key, value in (("distance", distance), ("chars", chars), ("right", right), ("cells", cells)):
                totals[key] += value
            line.append(f"cell CER {100 * distance / max(chars, 1):.1f}% ({right}/{cells} cells exact)")
        out.append("; ".join(line))
        if verbose:
            for table in tables:
                for row in table.rows[:4]:
                    out.append(f"      {row}")
    summary = (
        f"scanned tables ({pages_read} pages): {totals['found']}/{totals['tables']} tables found, columns right "
        f"{totals['columns']}/{totals['tables']}, rows right {totals['rows']}/{totals['tables']}"
    )
    if totals["chars"]:
        summary += (
            f"; cell CER {100 * totals['distance'] / totals['chars']:.1f}% "
            f"({totals['right']}/{totals['cells']} cells exact)"
        )
    summary += f"; {seconds / max(pages_read, 1):.1f} s per page (finding and reading the tables)"
    return [summary, *out]
