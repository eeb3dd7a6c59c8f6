"""Syllable inventory, tone placement rules and the shipped model's consistency with its count tables."""

from __future__ import annotations

import random

import pytest

from diacritics import lexicon
from diacritics.model import _estimate, load_model, read_model, save_model, source_digest
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
    assert apply_case("mục", "mUc") == "mục"  # a capital inside a repaired word is OCR noise (ô read as O)
    assert apply_case("công", "cOng") == "công"
    assert apply_case("đích", "PiCH") == "ĐÍCH"  # mostly capitals: an OCR'd heading word


def test_shipped_model_is_built_from_the_shipped_tables():
    # model.npz records a digest of the count tables, word list, inventory, weights and estimation code it was
    # built from (rebuild: tools/build_diacritics_data.py); a stale model fails here.
    assert load_model().digest == source_digest()


def test_model_file_round_trip(tmp_path):
    counts = {}
    for sentence in ["ủy ban nhân dân tỉnh", "ủy ban nhân dân huyện", "nhân dân tỉnh ban hành"]:
        seq = ["<s>", *sentence.split(), "</s>"]
        for n in (1, 2, 3):
            for i in range(len(seq) - n + 1):
                if seq[i:i + n] != ["<s>"]:
                    counts[tuple(seq[i:i + n])] = counts.get(tuple(seq[i:i + n]), 0) + 1
    lm = _estimate(counts)
    save_model(lm, tmp_path / "m.npz")
    back = read_model(tmp_path / "m.npz")
    assert back.vocab == lm.vocab and back.forms == lm.forms and back.bo3.keys() == lm.bo3.keys()
    ids = lm.ids
    for a, b, c in [("nhân", "dân", "tỉnh"), ("nhân", "dân", "huyện"), ("dân", "tỉnh", "ban"), ("ban", "nhân", "của")]:
        assert back.logp3(ids[a], ids[b], ids[c]) == pytest.approx(lm.logp3(ids[a], ids[b], ids[c]), abs=1e-5)
    # seen continuations beat unseen ones
    assert lm.logp3(ids["nhân"], ids["dân"], ids["tỉnh"]) > lm.logp3(ids["nhân"], ids["dân"], ids["của"])
