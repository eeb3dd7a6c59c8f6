"""The OCR-garble channel (diacritics.channel): look-alike repairs, identity, codes left alone, learning, speed."""

from __future__ import annotations

import time

import pytest

from diacritics.channel import Channel, channel_cost, garble_candidates, is_wordlike, learn_channel


def forms(token: str, limit: int = 8) -> list[str]:
    return [f for f, _ in garble_candidates(token, limit)]


@pytest.mark.parametrize("garbled, truth", [
    ("s6", "số"), ("ciia", "của"), ("ctia", "của"), ("trj", "trị"), ("Pang", "đảng"), ("1ap", "lập"),
    ("wu", "ưu"), ("B6", "bộ"), ("d6i", "đổi"), ("phudng", "phường"), ("thirc", "thức"), ("méi", "mới"),
    ("Déc", "độc"), ("Tw", "tự"), ("quyét", "quyết"), ("k¥", "kỹ"), ("NGHI", "nghị"),
])
def test_lookalike_garble_has_its_syllable_among_candidates(garbled: str, truth: str) -> None:
    assert truth in forms(garbled, 12), garble_candidates(garbled, 12)


@pytest.mark.parametrize("token", ["của", "số", "Đảng", "phường", "Nghị", "quyết", "va", "ban", "hoà"])
def test_a_correct_syllable_is_its_own_cheapest_reading(token: str) -> None:
    from diacritics.phonology import canonical

    cands = garble_candidates(token)
    assert cands[0][0] == canonical(token)
    assert all(cost >= cands[0][1] for _, cost in cands)


def test_toneless_token_offers_its_toned_forms_close_behind() -> None:
    # "va" is English OCR of "và" most of the time: the toned form must not be far off.
    cands = dict(garble_candidates("va", 12))
    assert "và" in cands and cands["và"] - cands["va"] < 1.0


@pytest.mark.parametrize("token", ["57-NQ/TW", "2024", "22/12/2024", "1169/QĐ-TTg", "UBND", "HĐND", "VT",
                                   "CSHCM", "", "...", "–"])
def test_numbers_codes_and_abbreviations_get_no_candidates(token: str) -> None:
    assert garble_candidates(token) == []
    assert not is_wordlike(token)


def test_costs_are_nonnegative_sorted_and_deterministic() -> None:
    first = garble_candidates("phuodng", 10)
    costs = [c for _, c in first]
    assert costs == sorted(costs) and all(c >= 0 for c in costs)
    again = Channel(__import__("diacritics.channel", fromlist=["_default_table"])._default_table())
    assert list(again.candidates("phuodng", 10)) == first


def test_cost_prefers_the_lookalike_reading() -> None:
    assert channel_cost("s6", "số") < channel_cost("s6", "sa")
    assert channel_cost("ciia", "của") < channel_cost("ciia", "chia")
    assert channel_cost("Pang", "đảng") < channel_cost("Pang", "bang")


def test_learning_picks_up_a_confusion_from_pairs() -> None:
    pairs = [("s6", "số", 40), ("t6i", "tối", 30), ("va", "và", 50), ("cac", "các", 40), ("h6i", "hội", 20),
             ("cua", "của", 30), ("ciia", "của", 30), ("phai", "phải", 10)]
    table = learn_channel(pairs)
    assert table["emit"]["ố"]["6"] < table["emit"]["ố"].get("o", 99)
    assert table["emit"]["ủ"]["ii"] < 3.0
    channel = Channel(table, syllables=["đối", "đổi", "đòi", "dối", "cửa", "của", "cùa", "chùa", "tối", "tội"])
    top = [f for f, _ in channel.candidates("d6i", 3)]
    assert set(top) & {"đối", "đổi", "dối"}
    assert "của" in [f for f, _ in channel.candidates("ciia", 2)]
    assert channel.cost("ciia", "của") < channel.cost("ciia", "chùa")


def test_candidates_are_fast_enough_for_whole_documents() -> None:
    tokens = [f"{a}{b}" for a in ("ng", "th", "ph", "tr", "d", "c", "m", "l") for b in ("6i", "uy", "ién", "wong", "ac")]
    start = time.perf_counter()
    for t in tokens:
        garble_candidates(t)
    per_token = (time.perf_counter() - start) / len(tokens)
    assert per_token < 0.05, f"{per_token * 1000:.1f} ms per distinct token"
