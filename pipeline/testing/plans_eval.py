"""Scoring assignments, targets and tables against hand labels (benchmarks/bench_plans.py and its tests).

Labels (benchmarks/data/realtexts_labels.json, written by reading each document; README of /work/realtexts)
name one body per entry as printed, sometimes several at once ("Các sở, ban, ngành; UBND các xã, phường,
đặc khu"). Both sides are compared as sets of canonical bodies per document: a label entry counts for
every body it names (read with the same reader as the pipeline, ``pipeline.parse.bodies.split_bodies``;
an entry it cannot read keeps its printed name), and so does its duty count.

- Bodies: a predicted body matches a labelled one with the same canonical name, else one whose folded
  canonical names are ≥ 90% alike (rapidfuzz ratio); one-to-one. Micro precision, recall, F1 over documents.
- Duty counts: among matched bodies, the share whose predicted count is within one of the label's.
- Targets: a predicted target matches a labelled one with the same number (the value's first number) and
  indicators sharing ≥ 50% of the smaller one's words; one-to-one, best overlap first. Micro P/R/F1.
- Tables: a labelled table matches the predicted table with the same header (folded cells); rows read =
  data rows (group rows 'I | Cải cách thể chế' and one-cell rows left out) equal to the label's n_rows;
  lead bodies right = rows whose lead cell equals the label's value (folded, spacing ignored).
Only text-derived assignments are compared (section != "table"): the labels keep task-table rows out of
``assignments`` and in ``tables[].lead_bodies``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz

from ..model import Assignment, Table, Target
from ..parse.bodies import canonical_printed, split_bodies
from ..parse.lines import fold

ROMAN = re.compile(r"^[IVXLC]{1,6}\.?$")


@dataclass
class Counts:
    true_positive: int = 0
    predicted: int = 0
    labelled: int = 0

    def add(self, other: Counts) -> None:
        self.true_positive += other.true_positive
        self.predicted += other.predicted
        self.labelled += other.labelled

    @property
    def precision(self) -> float:
        return self.true_positive / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.true_positive / self.labelled if self.labelled else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class BodyScore:
    counts: Counts = field(default_factory=Counts)
    within_one: int = 0
    matched: int = 0
    role_right: int = 0
    request_right: int = 0
    missed: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    off_counts: list[str] = field(default_factory=list)


def key(name: str) -> str:
    return " ".join(re.findall(r"\w+", fold(name)))


def label_bodies(labels: list[dict[str, Any]], place: str | None = None) -> dict[str, dict[str, Any]]:
    """canonical → {duties, role, request, printed} for a document's labelled assignments."""
    out: dict[str, dict[str, Any]] = {}
    for entry in labels:
        found = split_bodies(entry["body"], place)
        names = [body.canonical for body in found] or [canonical_printed(entry["body"])]
        for name in dict.fromkeys(names):
            slot = out.setdefault(name, {"duties": 0, "roles": [], "requests": [], "printed": entry["body"]})
            slot["duties"] += int(entry.get("duties_count") or 0)
            slot["roles"].append(entry.get("role"))
            slot["requests"].append(bool(entry.get("request")))
    return out


def predicted_bodies(assignments: list[Assignment]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for a in assignments:
        if a.section == "table":
            continue
        name = a.canonical or canonical_printed(a.body)
        slot = out.setdefault(name, {"duties": 0, "role": a.role, "request": a.request})
        slot["duties"] += len(a.duties)
    return out


def match_names(predicted: list[str], labelled: list[str], threshold: float = 90.0) -> list[tuple[str, str]]:
    """One-to-one pairs (predicted, labelled): equal canonical names first, then the most alike ≥ threshold."""
    pairs: list[tuple[str, str]] = []
    left_p = [p for p in predicted if p not in labelled]
    left_l = [name for name in labelled if name not in predicted]
    pairs += [(p, p) for p in predicted if p in labelled]
    candidates = sorted(
        ((fuzz.ratio(key(p), key(name)), p, name) for p in left_p for name in left_l),
        reverse=True,
    )
    used_p: set[str] = set()
    used_l: set[str] = set()
    for score, p, name in candidates:
        if score < threshold:
            break
        if p in used_p or name in used_l:
            continue
        used_p.add(p)
        used_l.add(name)
        pairs.append((p, name))
    return pairs


def score_bodies(assignments: list[Assignment], labels: list[dict[str, Any]], place: str | None = None) -> BodyScore:
    want = label_bodies(labels, place)
    got = predicted_bodies(assignments)
    pairs = match_names(list(got), list(want))
    score = BodyScore()
    score.counts = Counts(len(pairs), len(got), len(want))
    score.matched = len(pairs)
    for p, name in pairs:
        label, pred = want[name], got[p]
        if abs(pred["duties"] - label["duties"]) <= 1:
            score.within_one += 1
        else:
            score.off_counts.append(f"{name}: {pred['duties']} for {label['duties']}")
        roles = set(label["roles"])
        label_role = "chủ trì" if "chủ trì" in roles else ("phối hợp" if roles == {"phối hợp"} else None)
        score.role_right += pred["role"] == label_role
        score.request_right += pred["request"] == all(label["requests"])
    matched_p = {p for p, _ in pairs}
    matched_l = {name for _, name in pairs}
    score.missed = [name for name in want if name not in matched_l]
    score.extra = [p for p in got if p not in matched_p]
    return score


# ---------------------------------------------------------------- targets

NUMBER = re.compile(r"\d+(?:[.,]\d+)?")


def value_number(value: str) -> float | None:
    match = NUMBER.search(value)
    return float(match.group().replace(",", ".")) if match else None


def words(text: str) -> set[str]:
    return set(re.findall(r"\w+", fold(text)))


def overlap(a: str, b: str) -> float:
    wa, wb = words(a), words(b)
    if not wa or not wb:
        return 0.0
    return len(wa & wb) / min(len(wa), len(wb))


@dataclass
class TargetScore:
    counts: Counts = field(default_factory=Counts)
    year_right: int = 0
    missed: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)


def score_targets(targets: list[Target], labels: list[dict[str, Any]]) -> TargetScore:
    score = TargetScore()
    score.counts = Counts(0, len(targets), len(labels))
    candidates = []
    for i, target in enumerate(targets):
        for j, label in enumerate(labels):
            number = value_number(str(label["value"]))
            if number is None or target.number is None or abs(number - target.number) > 1e-9:
                continue
            share = overlap(target.indicator, label["indicator"])
            if share >= 0.5:
                candidates.append((share, i, j))
    used_t: set[int] = set()
    used_l: set[int] = set()
    for _, i, j in sorted(candidates, reverse=True):
        if i in used_t or j in used_l:
            continue
        used_t.add(i)
        used_l.add(j)
        score.counts.true_positive += 1
        score.year_right += str(labels[j].get("by")) == str(targets[i].by)
    score.missed = [
        f"{labels[j]['value']} {labels[j]['indicator'][:60]}" for j in range(len(labels)) if j not in used_l
    ]
    score.extra = [f"{targets[i].value} {targets[i].indicator[:60]}" for i in range(len(targets)) if i not in used_t]
    return score


# ---------------------------------------------------------------- tables


def is_group_row(row: list[str | None]) -> bool:
    """A row that heads a group of rows: one filled cell, or a Roman numeral and its title only."""
    filled = [cell for cell in row if cell and cell.strip()]
    if len(filled) <= 1:
        return True
    return len(filled) == 2 and bool(row[0]) and bool(ROMAN.match((row[0] or "").strip()))


def data_rows(table: Table) -> list[list[str | None]]:
    return [row for row in table.rows if not is_group_row(row)]


def same_header(a: list[str], b: list[str]) -> bool:
    return len(a) == len(b) and all(key(x) == key(y) for x, y in zip(a, b))


@dataclass
class TableScore:
    labelled: int = 0
    found: int = 0
    rows_right: int = 0
    lead_rows: int = 0
    lead_right: int = 0
    lead_bodies_right: int = 0
    notes: list[str] = field(default_factory=list)


def score_tables(tables: list[Table], labels: list[dict[str, Any]], place: str | None = None) -> TableScore:
    score = TableScore(labelled=len(labels))
    used: set[int] = set()
    for label in labels:
        match = next(
            (i for i, t in enumerate(tables) if i not in used and same_header(t.header, label["header"])), None
        )
        if match is None:
            score.notes.append(f"not found: {label.get('caption', '')[:50]}")
            continue
        used.add(match)
        table = tables[match]
        score.found += 1
        rows = data_rows(table)
        if len(rows) == label["n_rows"]:
            score.rows_right += 1
        else:
            score.notes.append(f"rows {len(rows)} for {label['n_rows']}: {label.get('caption', '')[:40]}")
        leads = label.get("lead_bodies")
        if not leads:
            continue
        column = next((i for i, h in enumerate(table.header) if key(h) == key(label.get("lead_column") or "")), None)
        score.lead_rows += len(leads)
        if column is None:
            continue
        for row, want in zip(rows, leads):
            got = (row[column] if column < len(row) else None) or ""
            if key(got) == key(want):
                score.lead_right += 1
            got_bodies = {b.canonical for b in split_bodies(got, place)}
            want_bodies = {b.canonical for b in split_bodies(want, place)}
            if got_bodies == want_bodies:
                score.lead_bodies_right += 1
    return score
