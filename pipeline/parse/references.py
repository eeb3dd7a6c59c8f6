"""Every document cited in the text: kind, number, date, issuer; one entry per distinct number.

Matching runs on the accent-free key of the re-flowed text (so "Nghi quyét s6 57-NQ/TW" is found before
restoration too) and values are cut from the original text at the same offsets.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from ..model import Reference
from .lines import collapse, fold

# Accent-free key of a kind → the kind's name (a category, so emitted in its standard spelling).
KINDS: dict[str, str] = {
    "thong tu lien tich": "Thông tư liên tịch",
    "bo luat": "Bộ luật",
    "nghi quyet lien tich": "Nghị quyết liên tịch",
    "nghi quyet": "Nghị quyết",
    "quyet dinh": "Quyết định",
    "ke hoach": "Kế hoạch",
    "cong van": "Công văn",
    "thong tu": "Thông tư",
    "chi thi": "Chỉ thị",
    "luat": "Luật",
    "nghi dinh": "Nghị định",
    "thong bao": "Thông báo",
    "huong dan": "Hướng dẫn",
    "ket luan": "Kết luận",
    "chuong trinh": "Chương trình",
    "bao cao": "Báo cáo",
    "to trinh": "Tờ trình",
    "quy dinh": "Quy định",
    "quy che": "Quy chế",
    "cong dien": "Công điện",
    "phap lenh": "Pháp lệnh",
    "van ban": "Văn bản",
    "de an": "Đề án",
    "thong tri": "Thông tri",
    "phuong an": "Phương án",
    "thong cao": "Thông cáo",
    "lenh": "Lệnh",
}
# Type code in a symbol → kind, for numbers cited without their kind ("… và số 13/QĐ-UBND").
CODE_KINDS: dict[str, str] = {
    "nq": "Nghị quyết",
    "qd": "Quyết định",
    "kh": "Kế hoạch",
    "ct": "Chỉ thị",
    "nd": "Nghị định",
    "hd": "Hướng dẫn",
    "tb": "Thông báo",
    "kl": "Kết luận",
    "ctr": "Chương trình",
    "bc": "Báo cáo",
    "ttr": "Tờ trình",
    "qc": "Quy chế",
    "qyd": "Quy định",
    "qdi": "Quy định",
    "cd": "Công điện",
    "da": "Đề án",
    "ttlt": "Thông tư liên tịch",
    "qh": "Luật",
    "cv": "Công văn",
    "pa": "Phương án",
}

KIND_RE = "|".join(sorted((re.escape(k) for k in KINDS), key=len, reverse=True))
NUMBER_RE = r"\d{1,5}[a-z]?(?:\s?/\s?\d{4})?\s?[-/]\s?[a-z][a-z0-9&.]*(?:\s?[-/]\s?[a-z0-9&]+)*"
# kind, optional "số", the number (on the key: lower case, accent-free)
CITED = re.compile(rf"\b(?P<kind>{KIND_RE})\s+(?:(?:so|s[o06])\s*[:.]?\s*)?(?P<number>{NUMBER_RE})")
# a law cited by its name, then its number: "Luật Ngân sách nhà nước số 83/2015/QH13"
NAMED = re.compile(rf"\b(?P<kind>bo luat|luat|phap lenh)\s+(?:\S+\s+){{1,10}}?so\s*(?P<number>{NUMBER_RE})")
# a number without its kind, written with an upper-case code ("57-NQ/TW", "1169/QĐ-TTg") — on the original
BARE = re.compile(
    r"(?<![\w/.-])\d{1,5}[a-z]?(?:/\d{4}(?=\s?[-/]))?\s?[-/]\s?[A-ZĐ][A-Za-zĐđ0-9&]*"
    r"(?:\s?[-/]\s?[A-ZĐ0-9][A-Za-zĐđ0-9&]*)*(?!\w)"
)  # "năm 2025 - Lãnh đạo" is no number
DATE_AFTER = re.compile(
    r"^[\s,;]*(?:ngay|ngay:)\s*(?:"
    r"(?P<d>\d{1,2})\s*([/.-])\s*(?P<m>\d{1,2})\s*\2\s*(?P<y>\d{4})"
    r"|(?P<d2>\d{1,2})\s*thang\s*(?P<m2>\d{1,2})\s*n[a4i]m\s*(?P<y2>\d{4}))"
)
ISSUER_AFTER = re.compile(r"^[\s,]*(?:cua|c[a-z]{1,2}a)\s+")
# lower-case words that occur inside names of bodies ("Ủy ban nhân dân thành phố", "Bộ Giáo dục và Đào tạo")
ISSUER_WORDS = set(
    """nhan dan ban thanh pho tinh huyen xa phuong quan thi tran tuong chinh phu hanh trung uong
thuong vu truc va duc dao tao hoc cong nghe noi tu phap hoa the thao du lich te lao dong binh hoi nghiep phat
trien nong thon nguyen moi truong thong tin truyen dang chap khoa mat to quoc viet nam lien doan san an ninh
nha nuoc toi cao kiem sat toa tai dau ke hoach dan toc giao ngoai vien ngan hang tri uy bo chi cuc tong
thu chuc hiem phong kiem toan quan su huy lien hiep nu phu nien cuu chien thue kho bac cong doan xay dung van
tai lam thuy loi y sinh nganh khu ly thon ap bien""".split()
)
# lower-case words that end an issuer even though they may occur in names
ISSUER_STOPS = (
    "ban hanh",
    "tuyen truyen",
    "thuc hien",
    "trien khai",
    "phe duyet",
    "huong dan",
    "quy dinh",
    "ve ",
    "nham",
    "tai ",
    "tren",
    "doi voi",
    "sua doi",
    "bo sung",
    "chi dao",
    "to chuc",
    "va cac",
    "va nhung",
    "nam ",
    "thong qua",
    "ket luan",
    "phat dong",
    "dau tu",
)


# capitalised words that begin the next element of the form, never part of a body's name
NEXT_ELEMENT = ("kinh gui", "can cu", "thuc hien", "theo de nghi", "xet de nghi", "noi nhan", "tren day", "v/v")


NEXT_CITATION = re.compile(rf"(?:va\s+|,\s*)?(?:{KIND_RE})\s+(?:so\b|\d)")


@dataclass
class Cited:
    kind: str | None
    number: str
    date: str | None
    issuer: str | None
    offset: int
    stated: bool = True  # the kind was printed (not inferred from the symbol's code)


def number_key(number: str) -> str:
    """Distinctness key: '57/NQ/TW' and '57-NQ/TW' are one document printed two ways."""
    return re.sub(r"[\s]", "", fold(number)).replace("/", "-")


def iso(day: str | None, month: str | None, year: str | None) -> str | None:
    try:
        d, m, y = int(day or 0), int(month or 0), int(year or 0)
    except ValueError:
        return None
    if not (1900 <= y <= 2100 and 1 <= m <= 12 and 1 <= d <= 31):
        return None
    return f"{y:04d}-{m:02d}-{d:02d}"


def kind_from_code(number: str) -> str | None:
    parts = [p for p in re.split(r"[-/]", fold(re.sub(r"\s", "", number))) if p and not p.isdigit()]
    return CODE_KINDS.get(re.sub(r"\d+$", "", parts[0])) if parts else None  # "QH13" → "qh" → Luật


def read_after(text: str, key: str, end: int) -> tuple[str | None, str | None]:
    """Date ('ngày 22/12/2024', 'ngày 30 tháng 6 năm 2022') and issuer ('của Bộ Chính trị') after a number."""
    date = None
    window_key = key[end : end + 40]
    match = DATE_AFTER.match(window_key)
    if match:
        date = iso(
            match.group("d") or match.group("d2"),
            match.group("m") or match.group("m2"),
            match.group("y") or match.group("y2"),
        )
        end += match.end()
    issuer = None
    match = ISSUER_AFTER.match(key[end : end + 12])
    if match:
        issuer = read_issuer(text[end + match.end() : end + match.end() + 160])
    return date, issuer


def read_issuer(text: str) -> str | None:
    """Words of the issuing body: capitalised words and the lower-case words of bodies' names."""
    words: list[str] = []
    for match in re.finditer(r"\S+", text):
        token = match.group()
        if token[:1] in "(“\"'‘[":
            break
        word = token.rstrip(",;:.)”\"'’]")
        if not word:
            break
        key = fold(word)
        rest_key = fold(text[match.start() : match.start() + 20])
        if words and rest_key.startswith(NEXT_ELEMENT):
            break  # the next paragraph of the form begins ("… Tỉnh ủy" / "Kính gửi:")
        if words and NEXT_CITATION.match(fold(text[match.start() : match.start() + 40])):
            break  # "… của Bộ Tài chính và Công văn số 2140/…": the next document cited, not the name
        if word[:1].isupper() or (word[:1].isdigit() and words):
            words.append(word)
        elif key in ISSUER_WORDS and words and not rest_key.startswith(ISSUER_STOPS):
            words.append(word)
        else:
            break
        if word != token or len(words) >= 14:
            break  # punctuation ends the name
    while words and fold(words[-1]) in ("va", "cua", "&", "-"):
        words.pop()  # "… và" at the end is not part of the name
    return " ".join(words) if words else None


def find_citations(text: str) -> list[Cited]:
    flat = collapse(text)
    key = fold(flat)
    found: dict[int, Cited] = {}
    for match in CITED.finditer(key):
        start, end = match.span("number")
        number = re.sub(r"\s", "", flat[start:end]).rstrip(".")
        date, issuer = read_after(flat, key, end)
        found[start] = Cited(KINDS[match.group("kind")], number, date, issuer, start)
    for match in NAMED.finditer(key):
        start, end = match.span("number")
        if start in found:
            continue
        number = re.sub(r"\s", "", flat[start:end]).rstrip(".")
        date, issuer = read_after(flat, key, end)
        kind = "Bộ luật" if match.group("kind") == "bo luat" else KINDS[match.group("kind")]
        found[start] = Cited(kind, number, date, issuer, start)
    for match in BARE.finditer(flat):
        if match.start() in found:
            continue  # already read with its kind
        number = re.sub(r"\s", "", match.group()).rstrip(".")
        if not re.search(r"\d{4}[-/]|[-/]\w+[-/]", number):
            continue  # one code part and no year ("5/A") is not a document number
        date, issuer = read_after(flat, key, match.end())
        found[match.start()] = Cited(kind_from_code(number), number, date, issuer, match.start(), stated=False)
    return [found[offset] for offset in sorted(found)]


def read_references(text: str, own_number: str | None = None) -> list[Reference]:
    """One Reference per distinct number, in order of first citation; the printed form seen most often wins."""
    groups: dict[str, list[Cited]] = {}
    for cited in find_citations(text):
        if not re.search(r"[A-Za-zĐđ]", cited.number):
            continue
        groups.setdefault(number_key(cited.number), []).append(cited)
    own = number_key(own_number) if own_number else None
    references = []
    for key, citations in groups.items():
        if key == own:
            continue
        forms = Counter(c.number for c in citations)
        number = max(
            forms, key=lambda form: (forms[form], -next(i for i, c in enumerate(citations) if c.number == form))
        )
        kinds = [c.kind for c in citations if c.kind and c.stated] + [c.kind for c in citations if c.kind]
        references.append(
            Reference(
                kind=kinds[0] if kinds else None,
                number=number,
                date=next((c.date for c in citations if c.date), None),
                issuer=next((c.issuer for c in citations if c.issuer), None),
            )
        )
    return references
