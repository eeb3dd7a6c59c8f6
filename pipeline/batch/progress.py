"""What a batch tells the person (or the log collector) watching it. Everything goes to stderr.

Three forms: progress bars (documents and pages, with rate and ETA) when stderr is a terminal; one
plain line per document otherwise (cron jobs, CI logs); one JSON object per event with --log-json.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from typing import TextIO


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class Reporter:
    def __init__(self, *, log_json: bool = False, stream: TextIO | None = None, bars: bool | None = None):
        self.stream = stream or sys.stderr
        self.log_json = log_json
        self.bars = (not log_json and self.stream.isatty()) if bars is None else bars
        self.total = 0
        self.done = 0
        self._docs = None
        self._pages = None

    # events ---------------------------------------------------------------------------------------
    def start(self, inputs: int, *, outdir: str, jobs: int, executor: str, run: str) -> None:
        self.total = inputs
        if self.log_json:
            self._emit(
                {"event": "start", "inputs": inputs, "outdir": outdir, "jobs": jobs, "executor": executor, "run": run}
            )
        elif self.bars:
            from tqdm import tqdm

            self._docs = tqdm(
                total=inputs, desc="documents", unit="doc", file=self.stream, position=0, dynamic_ncols=True
            )
            self._pages = tqdm(desc="pages", unit="page", file=self.stream, position=1, dynamic_ncols=True, leave=False)

    def pages(self, count: int) -> None:
        if self._pages is not None:
            self._pages.update(count)

    def document(self, entry: dict) -> None:
        """One manifest entry (the same fields); called once per input, in input order."""
        self.done += 1
        if self.log_json:
            self._emit({"event": "document", **entry})
            return
        line = self.describe(entry)
        if self._docs is not None:
            self._docs.update(1)
            if entry["status"] == "failed":
                self._docs.write(line, file=self.stream)
        else:
            print(line, file=self.stream, flush=True)

    def describe(self, entry: dict) -> str:
        where = f"[{self.done}/{self.total}]"
        if entry["status"] == "failed":
            # "<input>: <category>: <reason>" — the one-line error form every command uses
            return f"{where} failed {entry['input']}: {entry['category']}: {entry['error']}"
        pages = entry.get("pages") or 0
        if entry["status"] == "skipped":
            why = "reviewed record kept" if entry.get("reviewed") else "already done"
            note = f"; {entry['error']}" if entry.get("error") else ""
            return f"{where} skipped {entry['input']} ({why}: {entry['output']}{note})"
        review = ", needs review" if entry.get("needs_review") else ""
        return (
            f"{where} ok {entry['input']} -> {entry['output']} ({pages} page{'s' if pages != 1 else ''}, "
            f"{entry['seconds']:.1f} s, {entry.get('warnings', 0)} warning(s){review})"
        )

    def message(self, text: str, **fields) -> None:
        if self.log_json:
            self._emit({"event": "message", "message": text, **fields})
        elif self._docs is not None:
            self._docs.write(f"planocr: {text}", file=self.stream)
        else:
            print(f"planocr: {text}", file=self.stream, flush=True)

    def finish(self, summary) -> None:
        self.close()
        if self.log_json:
            self._emit({"event": "summary", **summary.as_dict()})
            return
        print(summary.one_line(), file=self.stream, flush=True)

    def close(self) -> None:
        for bar in (self._pages, self._docs):
            if bar is not None:
                bar.close()
        self._docs = self._pages = None

    def _emit(self, event: dict) -> None:
        event = {"time": utc_now(), **event}
        self.stream.write(json.dumps(event, ensure_ascii=False, sort_keys=False) + "\n")
        self.stream.flush()
