"""Restoration of Tesseract's Vietnamese-model output (issue 12): wrong-mark words repaired in context, the OCR
channel's costs, per-word confidences, look-alikes in numbers, and what must stay (names, codes, foreign words,
confident words the context supports). Sentences written for these tests in the style of administrative text."""

from __future__ import annotations

import math

import pytest

import diacritics
from diacritics import OcrWord, restore
from diacritics.engine import restore_text
from diacritics.ocr_channel import CONF_BINS, OcrChannel, conf_bin, letter_pairs

# (OCR line as Tesseract's Vietnamese model could write it, the document's text)
WRONG_MARKS = [
    ("Căn cứ Luật sửa đồi, bồ sung một số điều của Luật Tổ chức chính quyền địa phương;",
     "Căn cứ Luật sửa đổi, bổ sung một số điều của Luật Tổ chức chính quyền địa phương;"),
    ("Đề nghị các đơn vị khân trương triển khai công tác phòng, chông dịch bệnh trên địa bàn.",
     "Đề nghị các đơn vị khẩn trương triển khai công tác phòng, chống dịch bệnh trên địa bàn."),
    ("Giao Sở Nội vụ chủ trì, phôi hợp với các cơ quan liên quan tô chức thực hiện.",
     "Giao Sở Nội vụ chủ trì, phối hợp với các cơ quan liên quan tổ chức thực hiện."),
]


@pytest.mark.parametrize("ocr,truth", WRONG_MARKS)
def test_wrong_mark_words_are_repaired_in_context(ocr, truth):
    result = restore(ocr, from_ocr=True)
    assert result.text == truth
    for c in result.corrections:
        assert ocr.split("\n")[c.line - 1][c.column:c.column + len(c.original)] == c.original
        assert 0.5 < c.confidence <= 1.0


CORRECT = [
    "Căn cứ Quyết định số 1418/QĐ-UBND ngày 14/11/2024 của Chủ tịch Ủy ban nhân dân tỉnh Quảng Ngãi;",
    "Ông Trần Văn Mẫn, nguyên Giám đốc Sở Xây dựng, được điều động về công tác tại Ban Quản lý Khu kinh tế.",
    "Đăng tải clip, video ngắn về startup trên Facebook, TikTok và Zalo của xã Ea Phê, huyện Krông Pắc.",
    "Thông tin liên hệ: vanthu@quangngai.gov.vn, điện thoại 0255.3822.123, mã hồ sơ H55.01-240105-0003.",
]


@pytest.mark.parametrize("text", CORRECT)
def test_correct_ocr_text_stays(text):
    result = restore(text, from_ocr=True)
    assert result.text == text and result.corrections == []


def test_confident_word_supported_by_its_context_stays_and_low_confidence_opens_it():
    # 'tăng giá' and 'tầng giá'… : 'giá' read with high confidence in a context that supports it stays
    text = "Hội đồng thẩm định giá đất của tỉnh họp vào thứ Hai hằng tuần."
    sure = [OcrWord(1, k, w, 0.97) for k, w in enumerate(text.split())]
    assert restore(text, words=sure).text == text
    # a word the OCR doubted is open to change where the context wants another form
    doubted = "Ủy ban nhân dân tỉnh đối mới phương thức lãnh đạo"
    words = [OcrWord(1, k, w, 0.96) for k, w in enumerate(doubted.split())]
    words[5] = OcrWord(1, 5, "đối", 0.35)
    assert restore(doubted, words=words).text == "Ủy ban nhân dân tỉnh đổi mới phương thức lãnh đạo"


def test_words_are_matched_by_index_or_by_text():
    text = "Kế hoạch năm 2025\nTiếp tục đối mới, đối mới sáng tạo"
    by_index = restore(text, words=[OcrWord(2, 4, "mới", 0.9), OcrWord(2, 2, "đối", 0.3)])
    by_text = restore(text, words=[(2, None, "đối", 0.3)])  # the first 'đối' of line 2
    assert by_index.text.split("\n")[1].startswith("Tiếp tục đổi mới,")
    assert by_text.text.split("\n")[1].startswith("Tiếp tục đổi mới,")
    assert {(c.line, c.column) for c in by_text.corrections} >= {(2, 9)}


def test_look_alikes_in_numbers_and_words():
    text = "Kế hoạch phòng, chống dịch COVID-I9 năm 2O25 gồm I4 nhiệm vụ theo Ngh€ định số 30/2020/NĐ-CP."
    result = restore(text, from_ocr=True)
    assert result.text == "Kế hoạch phòng, chống dịch COVID-19 năm 2025 gồm 14 nhiệm vụ theo Nghị định số 30/2020/NĐ-CP."
    fixed = {c.original: c.corrected for c in result.corrections}
    assert fixed == {"I9": "19", "2O25": "2025", "I4": "14", "Ngh€": "Nghị"}
    # not in text of unknown origin, nor in a section label or a code
    assert restore("Mục I1. nội dung", from_ocr=True).text == "Mục I1. nội dung"
    assert restore(text).text.count("COVID-I9") == 1


def test_text_of_unknown_origin_keeps_valid_words():
    # typed text (a PDF's text layer): a valid word is what the author wrote, even with unlikely marks
    text = "Căn cứ Luật sửa đồi, bồ sung một số điều"
    assert restore(text).text == text
    assert restore(text, from_ocr=True).text == "Căn cứ Luật sửa đổi, bổ sung một số điều"


def test_the_three_channels_are_chosen_by_the_damage():
    assert restore("Can cu ke hoach cua Uy ban nhan dan huyen").text == "Căn cứ kế hoạch của Ủy ban nhân dân huyện"
    garbled = "Uy ban nhan dan x4 t6 chirc hdi nghi trién khai ké hoach ciia Dang uy"
    assert restore(garbled, from_ocr=True).text == ("Ủy ban nhân dân xã tổ chức hội nghị triển khai kế hoạch của "
                                                   "Đảng ủy")
    # forced channels give the same engine's other readings
    text, changes = restore_text("Căn cứ Luật sửa đồi, bồ sung", channel="ocr")
    assert text == "Căn cứ Luật sửa đổi, bổ sung" and len(changes) == 2


def test_ocr_channel_costs():
    counts = {"sources": {"a": {
        "letters": {"ổ": {"ổ": 2, "ồ": 6, "ô": 2}, "đ": {"đ": 10}, "i": {"i": 10}, "b": {"b": 10}},
        "conf": {str(conf_bin(0.95)): [950, 10, 40], str(conf_bin(0.55)): [60, 30, 10]}}}}
    ch = OcrChannel.from_counts(counts)
    # keeping the word read is cheap when confident, dearer when not
    assert ch.cost("đồi", "đồi", 0.95) < ch.cost("đồi", "đồi", 0.55)
    # a change costs less at low confidence, and the learned confusion (ổ read ồ) costs less than an unseen one
    assert ch.cost("đồi", "đổi", 0.55) < ch.cost("đồi", "đổi", 0.95)
    assert ch.cost("bồ", "bổ", 0.9) < ch.cost("bố", "bổ", 0.9) < math.inf
    assert ch.cost("bồ", "đổi", 0.9) == math.inf  # other letters: not this channel's
    # unknown: an ordinary word, at the error rate of all words above the low-confidence line
    upper = [ch.cost("đồi", "đổi", c) for c in (0.62, 0.72, 0.95, 0.97)]
    assert min(upper) <= ch.cost("đồi", "đổi", None) <= max(upper)
    assert letter_pairs("Đổi", "đồi") == [("đ", "đ"), ("ổ", "ồ"), ("i", "i")]
    assert len(CONF_BINS) == len(ch.error_rate)


def test_shipped_ocr_channel_prefers_the_context_over_a_confident_misreading_only_when_sure():
    # the shipped tables: a frequent confusion in a context the model knows well is repaired…
    assert restore("Luật sửa đồi, bồ sung", words=[OcrWord(1, 2, "đồi,", 0.93)]).text == "Luật sửa đổi, bổ sung"
    # … a rare word in a context the model does not decide stays (a name: Mẫn, not Mận)
    assert restore("ông Trần Văn Mẫn giữ chức vụ", from_ocr=True).text == "ông Trần Văn Mẫn giữ chức vụ"
    assert diacritics.OcrWord(1, None, "x", 0.5).index is None


def test_per_character_alternatives_lower_the_cost_of_the_letters_the_ocr_weighed():
    counts = {"sources": {"a": {"letters": {"ổ": {"ổ": 2, "ồ": 6, "ô": 2}}, "conf": {}},
                          "h": {"letters": {}, "conf": {}, "alternatives": {"errors": [10, 10, 30, 50],
                                                                            "right": [800, 100, 60, 40]}}}}
    ch = OcrChannel.from_counts(counts)
    assert ch.has_alternatives
    weighed = ((), (("ổ", 0.8), ("ố", 0.1)))  # 'bồ': Tesseract also saw ổ (0.8) and ố (0.1)
    assert ch.alternative_cost(weighed, "bồ", "bổ") < 0 < ch.alternative_cost(((), ()), "bồ", "bổ")
    assert ch.alternative_cost(weighed, "bồ", "bố") > ch.alternative_cost(weighed, "bồ", "bổ")
    assert ch.alternative_cost(weighed, "bồ", "bồ") == 0.0


def test_alternatives_reach_the_tokens():
    from diacritics.engine import set_confidences
    from diacritics.tokens import tokenize_line

    line = "Luật sửa đồi, bồ sung"
    toks = [tokenize_line(line, 0)]
    alts = ((), (("ổ", 0.8),), (), ())  # per character of 'đồi,'
    set_confidences(toks, [line], [OcrWord(1, 2, "đồi,", 0.9, alts)], ())
    word = toks[0][2]
    assert (word.core, word.confidence, word.alternatives) == ("đồi", 0.9, ((), (("ổ", 0.8),), ()))
