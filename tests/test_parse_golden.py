"""Golden records of the shared seeds, written by reading each document (tests/golden/*.json), compared with
the parser's output field by field (header, tail, sections, references)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.parse import parse_text
from pipeline.testing.parse_eval import accuracy, compare, failures

GOLDEN = Path(__file__).parent / "golden"

CLEAN = ["000", "002", "004"]


@pytest.fixture
def load(seeds_dir):
    """load(name) -> (golden record, the seed's text); the seeds come through the fixture that skips without them."""

    def load_seed(name: str) -> tuple[dict, str]:
        golden = json.loads((GOLDEN / f"{name}.json").read_text(encoding="utf-8"))
        seed = seeds_dir / golden["seed"]
        if not seed.exists():
            pytest.skip(f"seed {seed} not available")
        return golden, seed.read_text(encoding="utf-8")

    return load_seed


@pytest.mark.parametrize("name", CLEAN)
def test_clean_seed_matches_its_golden_record(name, load):
    golden, text = load(name)
    parsed = parse_text(text)
    assert not [w for w in parsed.warnings if w.startswith("parser:")], parsed.warnings
    checks = compare(parsed, golden)
    assert len(checks) > 40
    assert not failures(checks), "\n".join(failures(checks))


@pytest.mark.parametrize("name", CLEAN)
def test_clean_seed_parses_the_same_after_crlf_and_stray_spaces(name, load):
    golden, text = load(name)
    noisy = text.replace("\n", "  \r\n").replace("Số:", "Số:  ")
    checks = compare(parse_text(noisy), golden)
    assert not failures(checks), "\n".join(failures(checks))


def test_garbled_seed_form_fields_are_read_before_restoration(load):
    """Seed 001 unrestored: the form (number, date, tail columns, references) is read on look-alike keys."""
    golden, text = load("001")
    parsed = parse_text(text)
    assert (parsed.number, parsed.serial, parsed.symbol, parsed.date) == ("36/KH-UBND", "36", "KH-UBND", "2025-08-20")
    assert parsed.doc_type_code == "KH" and parsed.national_title and parsed.motto
    assert [r.number for r in parsed.references] == ["57-NQ/TW", "1169/QD-TTg", "192/KH-UBND"]
    assert [r.date for r in parsed.references] == [r["date"] for r in golden["references"]]
    assert len(parsed.recipients) == len(golden["recipients"]) and parsed.storage == ["VT"]
    assert parsed.signature and parsed.signature.authority and parsed.signature.acting and parsed.signature.position
    assert len(parsed.sections) == 4 and [s.label for s in parsed.sections][0] == "I"
    assert len(parsed.bases) == 1 and parsed.closing


def test_restored_garbled_seed_matches_its_golden_record(load):
    from diacritics import restore

    golden, text = load("001")
    checks = compare(parse_text(restore(text).text), golden)
    assert not failures(checks), "\n".join(failures(checks))


def test_restored_garbled_seed_keeps_its_form_fields(load):
    """Fields restoration must not break: number, date, codes, references, counts of the form's parts."""
    from diacritics import restore

    golden, text = load("001")
    parsed = parse_text(restore(text).text)
    checks = [c for c in compare(parsed, golden, loose_numbers=True)
              if c.field in ("number", "serial", "symbol", "date", "doc_type_code", "storage", "recipients.count",
                             "sections.count", "bases.count")
              or c.field.endswith((".found", ".date"))]
    assert len(checks) >= 14
    assert not failures(checks), "\n".join(failures(checks))
    right, total = accuracy(compare(parsed, golden))["all"]
    assert right / total > 0.5
