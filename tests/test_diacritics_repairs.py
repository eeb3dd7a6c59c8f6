"""Repairs of English-model OCR damage to a plan's form (diacritics/repairs.py, used by the engine): section
labels, horn apostrophes, acronyms that lost the bar of their Đ, acronyms as context, wrapped lines, names,
the number field — each with a look-alike that must pass through unchanged."""

from __future__ import annotations

from diacritics import restore
from diacritics.engine import Change, tokenize_line, vote_names
from diacritics.lexicon import syllables
from diacritics.repairs import barred_acronym, horn_reading, roman_label, vote_forms

# A made-up plan of another commune, garbled the way Tesseract's English model garbles (ố → 6, ủ → ii, Đ → P,
# ư → u', I → 1): not the wording of any seed.
GARBLED_PLAN = """UY BAN NHAN DAN CONG HOA XA HQI CHU NGHIA VIET NAM
XA HOA BINH Déc 1ap - Tw do - Hanh phuc
S6:15 /KH-UBND Hoa Binh, ngay 3 thang 4 nam 2025
KE HOACH
Trién khai cong tac cai cach hanh chinh nim 2025 trén dia ban xa Hoa Binh
Can ctr Quyét dinh s6 25/QD-UBND ngay 2/1/2025 ciia UBND tinh; Nghi dinh s6 30/2020/ND-CP;
Huéng dan s6 12/HD-UBND va Dy an s6 3/DA-UBND ciia Van phong HDND va UBND xa.
I. MUC PiCH, YEU CAU
Bao dam cong tac cai cach hanh chinh duoc thuc hién kip
thoi, phu hop véi diéu kién thuc té ciia dia phuong.
I1. NOI DUNG THU'C HIEN
Tham muu UBND xa trién khai cac nhiém vu, bdo cdo két qua vé UBND huyén.
I11. TO CHU'C THU'C HIEN
The delegation was led by Mr. Vuong and Ms. Nguyen from the regional office.
Noi nhan:
- TT DU, TT HDND xa;
- Luu: VT.
CHU TICH

Nguyen Van Hung
"""


def restored_lines() -> tuple[list[str], list]:
    result = restore(GARBLED_PLAN)
    return result.text.split("\n"), result.corrections


def test_every_repair_is_a_correction_at_its_place():
    lines, corrections = restored_lines()
    original = GARBLED_PLAN.split("\n")
    assert len(lines) == len(original)
    for c in corrections:
        assert original[c.line - 1][c.column:c.column + len(c.original)] == c.original, c
        assert 0.0 < c.confidence <= 1.0, c
    # every changed character is covered by a correction
    for i, (a, b) in enumerate(zip(original, lines), start=1):
        if a != b:
            assert any(c.line == i for c in corrections), (a, b)


def test_section_labels_and_horn_apostrophes_in_headings():
    lines, corrections = restored_lines()
    assert lines[10] == "II. NỘI DUNG THỰC HIỆN"
    assert lines[12] == "III. TỔ CHỨC THỰC HIỆN"
    assert lines[7].startswith("I. MỤC ĐÍCH")
    assert any(c.original == "I11" and c.corrected == "III" for c in corrections)
    assert any(c.original == "THU'C" and c.corrected == "THỰC" for c in corrections)


def test_barred_acronyms_only_from_the_list():
    lines, _ = restored_lines()
    assert "25/QĐ-UBND" in lines[5] and "30/2020/NĐ-CP" in lines[5]
    assert "HĐND" in lines[6]
    assert lines[15] == "- TT ĐU, TT HĐND xã;"
    # known codes that have no Đ stay as written: HD (hướng dẫn), DA (dự án)
    assert "12/HD-UBND" in lines[6] and "3/DA-UBND" in lines[6]


def test_barred_acronym_rules():
    assert barred_acronym("HDND", False, False) == "HĐND"
    assert barred_acronym("bU", True, True) == "ĐU"
    assert barred_acronym("bU", False, True) is None  # two letters: only beside another acronym
    assert barred_acronym("DU", False, True) is None  # spells a syllable ('DU LỊCH')
    for known in ("HD", "DA", "CD", "UBND", "TT"):
        assert barred_acronym(known, True, False) is None, known
    assert barred_acronym("ABDC", True, False) is None  # no listed acronym: nothing is invented
    assert barred_acronym("Da", True, True) is None  # other letters must match exactly


def test_acronyms_give_context_and_wrapped_lines_are_read_together():
    lines, _ = restored_lines()
    assert lines[11].startswith("Tham mưu UBND xã triển khai")
    assert lines[11].endswith("về UBND huyện.")
    assert lines[8].endswith("kịp") and lines[9].startswith("thời,")


def test_number_field_and_signer_name():
    lines, _ = restored_lines()
    assert lines[2].startswith("Số:15 /KH-UBND Hòa Bình, ngày 3 tháng 4 năm 2025")
    assert lines[17] == "CHỦ TỊCH"
    assert lines[19].startswith("Nguyễn Văn ")


def test_english_line_inside_a_garbled_document_stays():
    lines, _ = restored_lines()
    assert lines[13] == "The delegation was led by Mr. Vuong and Ms. Nguyen from the regional office."


def test_english_and_correct_vietnamese_pass_through():
    english = "The delegation was led by Mr. Vuong and Ms. Nguyen from the regional office in Hanoi.\n"
    assert restore(english).text == english
    mixed = ("Ủy ban nhân dân phường tổ chức hội nghị tiếp đoàn công tác của tổ chức quốc tế.\n"
             "The delegation was led by Mr. Vuong and Ms. Nguyen from the regional office.\n"
             "Đoàn đã làm việc với lãnh đạo phường về chuyển đổi số.\n")
    result = restore(mixed)
    assert result.text == mixed and not result.corrections, result.corrections


def test_look_alikes_in_correct_text_stay():
    text = ("Hướng dẫn số 12/HD-UBND và Dự án số 3/DA-UBND của UBND phường về phương thức tuyên truyền.\n"
            "Đoàn kiểm tra của TT DU LỊCH tỉnh làm việc với UBND xã.\n"
            "Mã lô I1-2020, khổ A1:2 và thư của ông O'Brien gửi Ban Chỉ đạo (CD, DVD) được lưu.\n"
            "Nguyễn Văn An\n")
    result = restore(text)
    assert result.text == text and not result.corrections, result.corrections


def test_unit_rules():
    assert horn_reading("THU'C") == ("THƯC", (2,))
    assert horn_reading("DU'O'NG") == ("DƯƠNG", (1, 2))
    assert horn_reading("don't") is None and horn_reading("57'") is None
    assert roman_label("I1", ".", ["NOI", "DUNG"]) == "II"
    assert roman_label("I1", ".", ["noi", "dung"]) is None  # not a heading
    assert roman_label("I1", "", ["NOI", "DUNG"]) is None  # no '.' or ')' after it
    assert roman_label("11", ".", ["NOI", "DUNG"]) is None  # an Arabic number
    assert roman_label("X1l", ")", ["NOI", "DUNG"]) == "XII"
    assert roman_label("I111", ".", ["NOI", "DUNG"]) is None  # 'IIII' is not a numeral


def test_name_vote_takes_the_majority_form_and_reports_it():
    lines = ["phường Tân Tiến họp", "xã Tân Tiễn, ngày", "tại Tân Tiến nói", "Tân Tiến ở"]
    toks = [tokenize_line(line, i) for i, line in enumerate(lines)]
    # what the decoder "gave": line 1 read 'Tiễn', the others 'Tiến' (all from garbled 'Tién')
    decoded = [Change(i, t.start, "Tién", t.core, 0.9) for i, tt in enumerate(toks) for t in tt
               if t.core in ("Tiến", "Tiễn")]
    for tt in toks:
        for t in tt:
            if t.core in ("Tiến", "Tiễn"):
                t.core = "Tién"
    out = vote_names(toks, [False] * 4, decoded, syllables(), "classic")
    fixed = {(c.line, c.corrected) for c in out}
    assert (1, "Tiến") in fixed and (1, "Tiễn") not in fixed
    assert next(c for c in out if c.line == 1).confidence == 0.75
    assert vote_forms([("tân", "tiến"), ("tân", "tiễn")]) is None  # a tie: no winner


def test_u_horn_written_with_an_apostrophe_or_question_mark():
    text = ("Tao su théng nhét trong nhan thi’c, cac t6 chi?c va bu’éc dau thuc hién Nghi quyét s6 12 ciia Bo.\n"
            "Nang cao nhan thi'c vé phuong phap mdi ciia cac cap.\n")
    lines = restore(text).text.split("\n")
    assert "nhận thức, các tổ chức và bước đầu thực hiện" in lines[0], lines
    assert lines[1].startswith("Nâng cao nhận thức về"), lines


def test_garble_is_restored_in_the_classic_tone_style():
    # 'hoá' is what the English model copies of a modern spelling; it never writes classic 'hóa'/'thủy', so the
    # garble's marks cannot tell the style: classic, the administrative norm
    text = "Phong Van hoá va Thanh uy phéi hop ciia UBND xa t6 chirc Uy ban nhan dan vé hoa hop, siic khoe.\n"
    out = restore(text).text
    assert "Thành ủy phối hợp của UBND xã tổ chức Ủy ban nhân dân về hòa hợp, sức khỏe" in out, out
    assert "Văn hoá" in out  # what the scan shows is kept
