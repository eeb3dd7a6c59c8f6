#!/usr/bin/env python3
"""Build pipeline/parse/data/names.tsv: Vietnamese family names and given-name syllables, for repairing signers'
names that OCR garbled under seals and signatures ("Kguyễn" → "Nguyễn").

The lists below were written by hand for planocr (no file was downloaded or copied): the family names are the
~200 commonest of Vietnam (Kinh and the larger minority groups' names that sign administrative documents), the
given-name syllables are the middle and given names common in officials' names, each with a rough tier
(1 = very common, 2 = common, 3 = known but rarer). Every entry is checked against the syllable inventory of
diacritics/data/syllables.tsv (built from registry packages, see its README) or, for the few names it lacks
(Chử, Nhữ, Duẩn), the spelling rules of diacritics/phonology.py: a misspelling fails the build.

    .venv/bin/python tools/build_name_table.py            # writes pipeline/parse/data/names.tsv
    .venv/bin/python tools/build_name_table.py --check    # exits 1 when the committed table differs
"""

from __future__ import annotations

import argparse
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from diacritics.lexicon import is_syllable  # noqa: E402
from diacritics.phonology import canonical, is_well_formed  # noqa: E402

OUT = ROOT / "pipeline" / "parse" / "data" / "names.tsv"

# Family names, commonest first (tier 1: the first 40 or so, which most Vietnamese bear).
FAMILY_1 = """
Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Trương Đinh Đoàn Lâm Mai Trịnh Đào Cao
Lương Hà Tạ Quách Lưu Thái Châu Tô Tống Kiều Triệu Phùng Văn Nông Chu Lại
"""
FAMILY_2 = """
La Giang Âu Lã Lò Quang Ca Vi Hứa Mã Sùng Thạch Danh Sơn Cù Khuất Lạc Liêu Mạc Nghiêm Ông Quan Tăng Tôn Ưng
Vương Cầm Đàm Diệp Hàn Kha Khổng Ninh Phí Điêu Lữ Tiêu Bạch Bế Biện Cái Cấn Chế Chung Chử Công Cung Đàng Đậu
Đồng Giáp Hầu Kim Khúc Khương Lỗ Lục Mạch Mẫn Mông Ngụy Nhâm Ôn Phó Phương Quản Sầm Tào Tất Thân Thiều Thi
Tiết Tòng Trà Trang Trình Từ Ứng Vưu Doãn Dư Đường Giản Hán Hình Khiếu Kỳ Lam Lang Lăng Lạng Lường Nhữ Quàng
Thào Giàng Vàng Mùa Lầu Hờ Tráng Chảo Bàn Lộc Ma Siu Nay Rơ Cà Lù Vì Lèo Bạc Hạ Yên
"""
FAMILY_3 = """
Bành Bồ Cổ Cồ Đái Đan Đầu Khâu Lều Mộc Ngân Nhan Ô Phù Quảng Sái Sử Tiền Trác Uông Vòng Xa Âm Ân Bảo Bì Bồ
Cam Chiêm Chương Cống Đăng Đống Đới Hạp Hồng Huỳnh Kiên Lạp Lê Liễu Linh Long Luân Lục Lý Mang Mạnh Mẫu Mầu
Ngọ Ngũ Ngư Nhiêu Nhuận Ổ Phong Phúc Quế Sa Sĩ Tán Tần Thành Thiệu Thịnh Thôi Tiếp Trầm Trọng Trưng Tuấn
Ung Viên Vĩnh Xà
"""
# Given-name and middle-name syllables.
GIVEN_1 = """
Văn Thị Minh Anh Hoàng Ngọc Thanh Quang Hữu Đức Tuấn Hùng Dũng Hải Nam Long Sơn Huy Hương Linh Lan Hoa Mai Hà
Trang Thảo Phương Hồng Xuân Thu Vân Hạnh Hiền Hằng Huyền Tâm Thành Trung Cường Bình Phúc Việt Quốc Công Đình
Tiến Thắng Tùng Vinh Hưng Khánh Kim Thủy Thúy Yến Nga Nhung Loan Dung Tú Giang Phong Hiếu Lâm Toàn Trí Tài
Thái Thịnh Hòa Nguyên Bảo Duy Trọng Tấn Tân Thế Phú Lộc Lợi Mạnh Nghĩa Nhân Quân Quý Vũ Châu Chi Ngân Ánh
Bích Mỹ Như Thư Hiệp Đạt Định Hậu Khoa Kiên Nhật Phát Thiện Thông Tín Trường Vĩnh Phước Hoài Chiến Sỹ Sĩ
"""
GIVEN_2 = """
My Vy Ly Nhi Quỳnh Diệp Uyên Trâm Oanh Tuyết Liên Diệu Hoan Khải Khang Luân Lực Sang Thạch Trực Tường Vương
Thuận Hào Hiển Học Kỳ Lĩnh Lương Mười Năm Sáu Bảy Tám Chín Hai Ba Tư Út Hiệu Huệ Hường Lệ Lý Liễu Nhàn Nhiên
Ninh Phượng Quế Quyên Quyết Sinh Sương Tiên Tịnh Trinh Trúc Tuyền Tươi Vi Ý Ân Bằng Biên Cảnh Chánh Chinh
Chung Cương Danh Dân Diễn Doanh Du Dương Đại Đăng Điền Điệp Đông Giáp Hân Hiến Hoàn Huấn Huân Hướng Kha
Khiêm Khôi Kiệt Lạc Lễ Liêm Lục Luật Lưu Mẫn Mậu Miên Nghị Nhất Pháp Phi Phụng Quảng Quyền Sáng Tạo Thạnh
Thăng Thắm Thiên Thiệu Thọ Thoại Thơ Thụy Thức Thương Tiệp Tĩnh Toản Triều Trình Tuân Tuệ Tuyên Tưởng Vạn
Vĩ Vỹ Viên Võ Lê Tô Đào Lam Ngà Nguyệt Nhạn Nhẫn Nương Phấn Sen Tâm Thắm Thoa Thơm Thục Trà Tuyến Vũ Xuyến
Khuê Khương Lãm Lành Lập Mừng Nhị Phùng Sửu Tý Dần Mão Thìn Tỵ Ngọ Mùi Thân Dậu Tuất Hợi
"""
GIVEN_3 = """
Ái Bá Bắc Biển Cẩm Cầm Cần Cúc Cửu Di Diễm Dịu Duẩn Dự Đàn Đan Đệ Điển Đoan Đô Đôn Được Gấm Giao Hạ Hàm Hạnh
Hảo Hinh Hòe Hợp Huyên Hy Kế Khiết Khởi Kính Lài Lãng Lễ Liêu Loan Lụa Luyến Lữ Mận Mến Miện Mơ Nết Nhã
Nhạc Nhuần Nhu Nhuận Nội Phán Phẩm Phiên Phố Phòng Phúc Quyến Sa San Siêu Soa Sứ Tá Tạc Tiền Tiệm Toại Trác
Trạch Trị Triết Truyền Tụng Tường Uyển Ước Vấn Vịnh Vui Xoan Yên Thiêm Thìn Chiêu Diệm Hòe Hoạt Hội Hoành
"""


def entries() -> list[tuple[str, str, int]]:
    out: dict[tuple[str, str], int] = {}
    for kind, tiers in (("family", (FAMILY_1, FAMILY_2, FAMILY_3)), ("given", (GIVEN_1, GIVEN_2, GIVEN_3))):
        for tier, block in enumerate(tiers, start=1):
            for word in block.split():
                word = unicodedata.normalize("NFC", word)
                key = (canonical(word.lower()), kind)
                out[key] = min(out.get(key, tier), tier)
    return sorted(((syllable, kind, tier) for (syllable, kind), tier in out.items()), key=lambda e: (e[1], e[2], e[0]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the committed table, write nothing")
    args = parser.parse_args(argv)
    rows = entries()
    # a name absent from the inventory (chử, nhữ, duẩn) must at least be spelt as Vietnamese syllables are
    bad = [syllable for syllable, _, _ in rows if not (is_syllable(syllable) or is_well_formed(syllable))]
    if bad:
        print(f"not Vietnamese syllables (fix the lists): {', '.join(bad)}", file=sys.stderr)
        return 1
    text = "# syllable\tkind (family, given)\ttier (1 very common, 2 common, 3 rarer); built by tools/build_name_table.py\n"
    text += "".join(f"{syllable}\t{kind}\t{tier}\n" for syllable, kind, tier in rows)
    if args.check:
        same = OUT.is_file() and OUT.read_text(encoding="utf-8") == text
        print("names.tsv is up to date" if same else "names.tsv differs from the lists: rebuild it")
        return 0 if same else 1
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(text, encoding="utf-8")
    counts = {kind: sum(1 for _, k, _ in rows if k == kind) for kind in ("family", "given")}
    print(f"wrote {OUT.relative_to(ROOT)}: {counts['family']} family names, {counts['given']} given-name syllables")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
