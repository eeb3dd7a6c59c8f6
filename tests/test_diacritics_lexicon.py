"""Syllable inventory, tone placement rules and the shipped model's consistency with its count tables."""

from __future__ import annotations

import random

import pytest

from diacritics import lexicon
from diacritics.model import build_model, load_model
from diacritics.phonology import apply_case, canonical, is_well_formed, placement_style, strip_diacritics, to_style


@pytest.mark.parametrize("word,expected", [("hoà", "hòa"), ("Hòa", "hòa"), ("THUỶ", "thủy"), ("khoẻ", "khỏe"),
                                           ("người", "người"), ("quyết", "quyết"), ("giữ", "giữ"), ("ngoài", "ngoài")])
def test_canonical_uses_classic_placement(word, expected):
    assert canonical(word) == expected


def test_modern_style_moves_tone_only_in_open_oa_oe_uy():
    assert to_style("hòa", "modern") == "hoà"
    assert to_style("thủy", "modern") == "thuỷ"
    assert to_style("hoàng", "modern") == "hoàng"  # closed syllable: same in both styles
    assert to_style("quý", "modern") == "quý"  # qu + y: y is the only vowel
    assert placement_style(["hoà", "thuỷ", "của"]) == "modern"
    assert placement_style(["hòa", "của"]) == "classic"
    assert placement_style(["của", "các"]) is None


@pytest.mark.parametrize("word", ["cat", "nge", "ABC", "ciia", "quuyết", "tren", "gêt"])
def test_ill_formed_spellings_rejected(word):
    assert not lexicon.is_syllable(word)


def test_inventory_covers_common_and_rare_syllables():
    syl = lexicon.syllables()
    assert 6000 < len(syl) < 8000
    for w in ["nghiêng", "khuỷu", "quốc", "gì", "ấy", "đặng", "xoong", "thuở", "ươm", "uỷ"]:
        assert lexicon.is_syllable(w), w
    assert all(is_well_formed(s) for s in random.Random(0).sample(sorted(syl), 500))


def test_forms_for_key():
    forms = lexicon.forms_for_key("ban")
    assert {"ban", "bàn", "bán", "bản", "bạn"} <= set(forms)
    assert all(strip_diacritics(f) == "ban" for f in forms)
    assert lexicon.forms_for_key("xyzzy") == ()


def test_apply_case():
    assert apply_case("quyết", "QUYET") == "QUYẾT"
    assert apply_case("đảng", "Dang") == "Đảng"
    assert apply_case("mục", "mUc") == "mỤc"
    assert apply_case("đích", "PiCH") == "ĐÍCH"  # mostly capitals: an OCR'd heading word


def test_shipped_model_matches_count_tables():
    shipped, rebuilt = load_model(), build_model()
    assert shipped.vocab == rebuilt.vocab and shipped.forms == rebuilt.forms
    for k in random.Random(1).sample(sorted(rebuilt.tri), 200):
        assert shipped.tri[k] == pytest.approx(rebuilt.tri[k], abs=1e-4)
    for k in random.Random(2).sample(sorted(rebuilt.bi), 200):
        assert shipped.bi[k] == pytest.approx(rebuilt.bi[k], abs=1e-4)
