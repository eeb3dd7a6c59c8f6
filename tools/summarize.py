"""Print a short human summary of a `planocr run` output folder (used by `make demo`)."""

from __future__ import annotations

import json
import sys
from pathlib import Path


def main(outdir: str) -> int:
    out = Path(outdir)
    manifest = out / "manifest.jsonl"
    if not manifest.exists():
        print(f"{out}: no manifest.jsonl", file=sys.stderr)
        return 1
    latest: dict[str, dict] = {}
    for line in manifest.read_text(encoding="utf-8").splitlines():
        if line.strip():
            entry = json.loads(line)
            latest[entry["input"]] = entry  # the last line for an input is its current state
    print(f"\n{len(latest)} inputs in {out}/")
    for entry in latest.values():
        if entry["status"] != "ok" or not entry.get("output"):
            print(f"  {entry['status']:7} {entry['input']}: {entry.get('error')}")
            continue
        doc = json.loads((out / entry["output"]).read_text(encoding="utf-8"))
        confs = [p["confidence"] for p in doc["pages"] if p.get("confidence") is not None]
        conf = f"{sum(confs) / len(confs):.2f}" if confs else "n/a"
        first = next((ln for ln in doc["text"].splitlines() if ln.strip()), "")[:60]
        print(f"  ok      {entry['output']}: {doc['source']['pages']} page(s), confidence {conf}, "
              f"{len(doc['corrections'])} corrections, {len(doc['sections'])} sections, "
              f"number {doc.get('number')!s}, title {str(doc.get('title'))[:50]!r}")
        print(f"          first line: {first!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "out"))
