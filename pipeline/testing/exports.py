"""What the export tests share: an OUTDIR written from records (with its manifest), and the tables read back as
an analyst would (text as text, only empty cells null, the CSV formula guard removed: schemas/README.md)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from ..export import TABLES, table_path
from ..model import Document


def write_outdir(outdir: Path, docs: dict[str, Document], manifest: list[dict] | str | None = "auto") -> Path:
    """OUTDIR holding ``docs`` (file name → record) and a manifest: one ok line per record ("auto"), the lines
    given, or none."""
    outdir.mkdir(parents=True, exist_ok=True)
    for name, doc in docs.items():
        (outdir / name).write_text(doc.to_json(), encoding="utf-8")
    if manifest == "auto":
        manifest = [{"input": f"in/{n}", "status": "ok", "output": n} for n in docs]
    if manifest is not None:
        (outdir / "manifest.jsonl").write_text("".join(json.dumps(e) + "\n" for e in manifest), encoding="utf-8")
    return outdir


def read_back(to: Path) -> dict[str, pd.DataFrame]:
    def exact(table: str) -> dict:  # the README's recipe: text columns as str ("05" stays "05"), only "" is null
        return {
            "dtype": {c: str for c, kind in TABLES[table].items() if kind == "str"},
            "keep_default_na": False,
            "na_values": [""],
        }

    if to.suffix == ".xlsx":
        return {t: pd.read_excel(to, sheet_name=t, **exact(t)) for t in TABLES}
    if to.suffix == ".csv":
        return {t: unescape_csv(pd.read_csv(table_path(to, t), encoding="utf-8-sig", **exact(t)), t) for t in TABLES}
    return {t: pd.read_parquet(table_path(to, t)) for t in TABLES}


def unescape_csv(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """The schemas README's recipe: a text cell's first apostrophe is the formula guard, not the value."""
    for column, kind in TABLES[table].items():
        if kind == "str":
            frame[column] = frame[column].str.removeprefix("'")
    return frame
