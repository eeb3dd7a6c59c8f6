#!/usr/bin/env python3
"""Build pipeline/parse/data/places.tsv: the names of Vietnam's provinces, districts and wards, for repairing
place names OCR read with wrong marks in a document's header ("Tiên Giang" → "Tiền Giang", "TINH QUANG NGAI").

Source: the address table shipped inside the `underthesea` package (PyPI; `underthesea/address/data/mapping.json`:
the 63 provinces before and the 34 after the 2025 merger, their districts, and the wards before and after; it says
it comes from `vietnamadminunits`), read from the installed package: nothing is downloaded.

    .venv/bin/python tools/build_place_table.py            # writes pipeline/parse/data/places.tsv
    .venv/bin/python tools/build_place_table.py --check    # exit 1 when the committed table differs
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from importlib import util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "pipeline" / "parse" / "data" / "places.tsv"
UNITS = re.compile(r"^(?:Thành phố|Tỉnh|Quận|Huyện|Thị xã|Thị trấn|Phường|Xã|Đặc khu)\s+", re.I)
LEVELS = {"province": 1, "district": 2, "ward": 3}


def mapping_file() -> Path:
    spec = util.find_spec("underthesea")
    if spec is None or not spec.origin:
        raise SystemExit("underthesea is not installed (it is in requirements.lock)")
    return Path(spec.origin).parent / "address" / "data" / "mapping.json"


def bare(name: str) -> str:
    """'Thành phố Cần Thơ' → 'Cần Thơ' (the name without its unit), NFC."""
    return UNITS.sub("", unicodedata.normalize("NFC", name).strip())


def places() -> dict[str, int]:
    data = json.loads(mapping_file().read_text(encoding="utf-8"))
    out: dict[str, int] = {}

    def add(name: str | None, level: str) -> None:
        if name:
            key = bare(name)
            if key and not key.isdigit():  # "Phường 1" is a number, not a name
                out[key] = min(out.get(key, 9), LEVELS[level])

    for table in ("province_names", "old_province_names"):
        for entry in data[table].values():
            add(entry["name"], "province")
    for row in data["ward_mapping"]:
        add(row.get("old_district"), "district")
        add(row.get("old_ward"), "ward")
        add(row.get("new_ward"), "ward")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    rows = sorted(places().items(), key=lambda item: (item[1], item[0]))
    text = "# name\tlevel (1 province, 2 district, 3 ward); from underthesea's address table, tools/build_place_table.py\n"
    text += "".join(f"{name}\t{level}\n" for name, level in rows)
    if args.check:
        same = OUT.is_file() and OUT.read_text(encoding="utf-8") == text
        print("places.tsv is up to date" if same else "places.tsv differs: rebuild it")
        return 0 if same else 1
    OUT.write_text(text, encoding="utf-8")
    counts = [sum(1 for _, level in rows if level == n) for n in (1, 2, 3)]
    print(f"wrote {OUT.relative_to(ROOT)}: {counts[0]} provinces, {counts[1]} districts, {counts[2]} wards")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
