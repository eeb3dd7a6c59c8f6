#!/usr/bin/env python3
"""Build the tables in diacritics/data/ from text installable from the package registries.

    .venv/bin/python tools/build_diacritics_data.py [--seeds /work/shared/seeds] [--work /tmp/diacritics-build]

Steps (all offline once the .deb files are downloaded):
1. ``apt-get download`` the Debian packages in DEB_PACKAGES (not installed) and unpack them with ``dpkg-deb -x``.
2. Syllable inventory: hunspell-vi's vi_VN.dic, the word list of Tesseract's vie.traineddata
   (``combine_tessdata -u`` + ``dawg2wordlist``) and underthesea's Viet74K.txt; keep spellings that follow
   Vietnamese phonotactics and are attested by hunspell-vi, or by two of the lists, or by the corpus (≥3 times).
3. Running text: the Vietnamese strings (msgstr) of every vi gettext catalog in those packages, the vi
   LibreOffice registry (.xcd), the Firefox vi language pack (.ftl/.properties/.dtd), the vi man pages, and
   underthesea's VLSP2013 test sentences and place names (kept apart as "domain" text, weighted up by the
   model); only strings that are recognisably Vietnamese are kept.
4. Syllable n-gram counts (1–3) of that text → ngrams_registry.tsv.gz, and of each clean seed document
   separately → ngrams_seed_<id>.tsv.gz, so benchmarks can leave one document out.
"""

from __future__ import annotations

import argparse
import collections
import gettext
import gzip
import json
import re
import subprocess
import sys
import unicodedata
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from diacritics.phonology import canonical, is_well_formed  # noqa: E402

DATA = ROOT / "diacritics" / "data"
DEB_PACKAGES = """
libreoffice-l10n-vi libreoffice-help-vi firefox-esr-l10n-vi thunderbird-l10n-vi manpages-vi maint-guide-vi
hunspell-vi tesseract-ocr-vie
adduser apt at-spi2-common bash binutils-common coreutils diffutils dpkg findutils gettext gettext-base git grep
gsettings-desktop-schemas iso-codes libapt-pkg6.0 libc-l10n libgdk-pixbuf2.0-common libglib2.0-data libgnutls30
libgstreamer1.0-0 libgtk2.0-common libidn2-0 libpam-runtime login make man-db packagekit procps psmisc sed
shared-mime-info tar wget xdg-user-dirs xkb-data xz-utils
""".split()
CLEAN_SEEDS = ("000", "002", "004")
TOKEN_RE = re.compile(r"[^\W\d_]+", re.UNICODE)
VI_MARKED = re.compile("[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]", re.IGNORECASE)


def unpack_debs(work: Path) -> Path:
    debs, root = work / "debs", work / "root"
    debs.mkdir(parents=True, exist_ok=True)
    missing = [p for p in DEB_PACKAGES if not list(debs.glob(f"{p}_*.deb"))]
    if missing:
        subprocess.run(["apt-get", "download", *missing], cwd=debs, check=True)
    if not root.exists():
        root.mkdir()
        for deb in sorted(debs.glob("*.deb")):
            subprocess.run(["dpkg-deb", "-x", str(deb), str(root)], check=True)
    return root


# ---------------------------------------------------------------- running text
def mo_strings(path: Path) -> list[str]:
    with path.open("rb") as f:
        catalog = gettext.GNUTranslations(f)._catalog  # type: ignore[attr-defined]
    out = []
    for msgid, msgstr in catalog.items():
        source = msgid[0] if isinstance(msgid, tuple) else msgid
        if source and msgstr and msgstr != source:
            out.append(msgstr)
    return out


def xcd_strings(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8", errors="replace")
    return [unescape_xml(m) for m in re.findall(r'<value xml:lang="vi">(.*?)</value>', text, re.S)]


def unescape_xml(s: str) -> str:
    return s.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&apos;", "'")


def xpi_strings(path: Path) -> list[str]:
    out = []
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if not name.endswith((".ftl", ".properties", ".dtd")):
                continue
            for line in z.read(name).decode("utf-8", "replace").splitlines():
                line = line.strip()
                if not line or line.startswith(("#", "//")):
                    continue
                if name.endswith(".dtd"):
                    m = re.match(r'<!ENTITY\s+\S+\s+"(.*)">', line)
                    if m:
                        out.append(m.group(1))
                elif "=" in line:
                    out.append(line.split("=", 1)[1])
                else:
                    out.append(line)
    return out


def man_strings(path: Path) -> list[str]:
    raw = gzip.decompress(path.read_bytes()).decode("utf-8", "replace")
    out = []
    for line in raw.splitlines():
        if line.startswith(('.\\"', "'\\\"")):
            continue
        if line.startswith("."):
            parts = line.split(None, 1)
            line = parts[1] if len(parts) > 1 else ""
        line = re.sub(r"\\f[BIRP]|\\f\(..|\\\(..|\\[-&e]|\\s[-+]?\d", " ", line)
        out.append(line.replace('"', " "))
    return out


def html_strings(path: Path) -> list[str]:
    raw = path.read_text(encoding="utf-8", errors="replace")
    raw = re.sub(r"(?is)<(script|style|head)\b.*?</\1>", " ", raw)
    raw = re.sub(r"(?i)<(br|p|div|li|h\d|td|tr|title)\b[^>]*>", "\n", raw)
    text = unescape_xml(re.sub(r"<[^>]+>", " ", raw)).replace("&nbsp;", " ")
    return [line.strip() for line in text.splitlines() if line.strip()]


def address_names(site_packages: Path) -> list[str]:
    """Names of Vietnam's provinces, districts and wards (underthesea's address table): 'Phường An Bình'."""
    path = site_packages / "underthesea/address/data/mapping.json"
    if not path.exists():
        return []
    data = json.loads(path.read_text(encoding="utf-8"))
    names = {v["name"] for key in ("province_names", "old_province_names") for v in data.get(key, {}).values()}
    for row in data.get("ward_mapping", []):
        names.update(v for k, v in row.items() if not k.endswith("_key") and isinstance(v, str))
    return sorted(n for n in names if n)


def vlsp_sentences(path: Path) -> list[str]:
    sentences, words = [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            if words:
                sentences.append(" ".join(words))
            words = []
        else:
            words.append(line.split("\t")[0])
    if words:
        sentences.append(" ".join(words))
    return sentences


def clean_ui_string(s: str) -> str:
    """Drop UI debris: accelerators (~Tệp, _Mở, &Lưu), placeholders (%s, {name}, $VAR), markup."""
    s = re.sub(r"<[^>]+>", " ", s)
    s = re.sub(r"%[-+ #0-9.]*[a-zA-Z]|\{[^}]*\}|\$\w+|\\[nt]", " ", s)
    s = re.sub(r"(?<!\w)[~_&](?=\w)", "", s)
    return unicodedata.normalize("NFC", s)


def is_vietnamese(s: str) -> bool:
    tokens = TOKEN_RE.findall(s)
    if len(tokens) < 2:
        return False
    marked = sum(1 for t in tokens if VI_MARKED.search(t))
    return marked / len(tokens) >= 0.3


def registry_text(root: Path, site_packages: Path) -> list[str]:
    strings: list[str] = []
    for mo in sorted(root.rglob("*.mo")):
        if "/vi/" in str(mo) or mo.stem.endswith("vi"):
            strings += mo_strings(mo)
    for xcd in sorted(root.rglob("*vi*.xcd")):
        strings += xcd_strings(xcd)
    for xpi in sorted(root.rglob("langpack-vi*.xpi")):
        strings += xpi_strings(xpi)
    for man in sorted((root / "usr/share/man/vi").rglob("*.gz")):
        strings += man_strings(man)
    for html in sorted(root.rglob("*.html")):
        if "/vi/" in str(html) or "maint-guide" in str(html) and html.name.endswith((".vi.html", "index.html")):
            strings += html_strings(html)
    strings = [clean_ui_string(s) for s in strings]
    strings = [s for s in strings if is_vietnamese(s)]
    return list(dict.fromkeys(strings))  # many catalogs repeat strings; count each once


def domain_sentences(site_packages: Path) -> list[str]:
    """Administrative/legal text kept apart so the model can weight it: underthesea's VLSP2013 legal and
    political sentences (the place names, from address_names, go in the same table)."""
    strings = []
    for test in sorted(site_packages.glob("underthesea/pipeline/pos_tag/models/*/test_output.txt")):
        strings += vlsp_sentences(test)
    return list(dict.fromkeys(strings))


# ---------------------------------------------------------------- acronyms
# Institutions and terms of the Vietnamese political system that administrative documents abbreviate (the
# names in Decree 30/2020/NĐ-CP forms, recipient lists and signature blocks), with the syllables they stand
# for: the decoder reads an acronym as its expansion's context ("UBND phuong" → phường, as after "nhân dân").
# Written by hand from the institutions' official names, not from any document's wording.
INSTITUTION_ACRONYMS = {
    "UBND": "ủy ban nhân dân", "HĐND": "hội đồng nhân dân", "MTTQ": "mặt trận tổ quốc",
    "UBMTTQ": "ủy ban mặt trận tổ quốc", "UBMTTQVN": "ủy ban mặt trận tổ quốc việt nam",
    "ĐU": "đảng ủy", "ĐCSVN": "đảng cộng sản việt nam", "BCH": "ban chấp hành", "BTV": "ban thường vụ",
    "BCĐ": "ban chỉ đạo", "UBKT": "ủy ban kiểm tra", "ĐBQH": "đại biểu quốc hội", "CT": "chủ tịch",
    "PCT": "phó chủ tịch", "VT": "văn thư", "TW": "trung ương", "CP": "chính phủ", "TTg": "thủ tướng",
    "ĐTN": "đoàn thanh niên", "TNCS": "thanh niên cộng sản", "CSHCM": "cộng sản hồ chí minh",
    "LĐLĐ": "liên đoàn lao động", "LĐTBXH": "lao động thương binh xã hội", "GDĐT": "giáo dục đào tạo",
    "VHTTDL": "văn hóa thể thao du lịch", "VHXH": "văn hóa xã hội", "KHCN": "khoa học công nghệ",
    "CNTT": "công nghệ thông tin", "CĐS": "chuyển đổi số", "ĐMST": "đổi mới sáng tạo",
    "TĐKT": "thi đua khen thưởng", "BHXH": "bảo hiểm xã hội", "BHYT": "bảo hiểm y tế",
    "THCS": "trung học cơ sở", "THPT": "trung học phổ thông", "HTX": "hợp tác xã", "TTHC": "thủ tục hành chính",
    "QLNN": "quản lý nhà nước", "XHCN": "xã hội chủ nghĩa", "KTXH": "kinh tế xã hội",
    # common acronyms without Đ: listed so that their B/D is never read as a lost Đ bar ('BB/CB' is Biên bản /
    # Chi bộ in a Party code, not 'CĐ')
    "CB": "cán bộ", "CC": "công chức", "VC": "viên chức", "CBCCVC": "cán bộ công chức viên chức", "BB": "biên bản",
    "DN": "doanh nghiệp", "DA": "dự án", "BC": "báo cáo",
}
ACRONYM_RE = re.compile(r"(?<![\w-])[A-ZĐ][A-ZĐ]{1,9}(?!\w)")
MIN_ACRONYM_COUNT = 2  # an upper-case token seen at least this often in the training text is an acronym as written


def document_codes() -> dict[str, str]:
    """Decree 30 type codes (pipeline/parse/header.py's table) with the type names they stand for."""
    from pipeline.parse.header import CODE_VARIANTS, DOC_TYPES

    codes = {code: name for name, code in DOC_TYPES.items() if code.isalpha() and code[:1].isupper()}
    for code, variants in CODE_VARIANTS.items():
        for v in variants:
            codes.setdefault(v, codes.get(code, ""))
    return codes


def build_acronyms(texts: list[str], inventory) -> dict[str, tuple[str, str]]:
    """acronym → (expansion, sources): the institution list (i), Decree 30 type codes (d) and upper-case
    tokens of the training text that are not syllables, seen MIN_ACRONYM_COUNT times (t). The type codes'
    names are accent-free in their table, so only the institution list gives expansions."""
    seen = collections.Counter(m.group(0) for s in texts for m in ACRONYM_RE.finditer(s))
    out: dict[str, list] = {}
    for acronym, expansion in INSTITUTION_ACRONYMS.items():
        out[acronym] = [expansion, "i"]
    for code in document_codes():
        out.setdefault(code, ["", ""])[1] += "d"
    for token, n in seen.items():
        if n >= MIN_ACRONYM_COUNT and canonical(token) not in inventory:
            out.setdefault(token, ["", ""])[1] += "t"
    return {k: (v[0], v[1]) for k, v in sorted(out.items())}


def write_acronyms(path: Path, acronyms: dict[str, tuple[str, str]]) -> None:
    lines = ["# acronym\texpansion (syllables; empty if unknown)\tsources (i = institution list, "
             "d = Decree 30 type code, t = training text)"]
    lines += [f"{a}\t{e}\t{src}" for a, (e, src) in acronyms.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


# ---------------------------------------------------------------- lexicon
def vie_wordlist(root: Path, work: Path) -> list[str]:
    traineddata = next(root.rglob("vie.traineddata"))
    prefix = work / "vie."
    subprocess.run(["combine_tessdata", "-u", str(traineddata), str(prefix)], check=True, capture_output=True)
    out = work / "vie_words.txt"
    subprocess.run(["dawg2wordlist", f"{prefix}lstm-unicharset", f"{prefix}lstm-word-dawg", str(out)],
                   check=True, capture_output=True)
    return out.read_text(encoding="utf-8").split()


def build_inventory(root: Path, work: Path, site_packages: Path, corpus_counts: collections.Counter) -> dict[str, str]:
    sources: dict[str, set[str]] = collections.defaultdict(set)
    dic = next(root.rglob("vi_VN.dic")).read_text(encoding="utf-8").splitlines()[1:]
    lists = {
        "h": [line.split("/")[0].strip() for line in dic],
        "t": vie_wordlist(root, work),
        "w": [w for line in (site_packages / "underthesea/corpus/data/Viet74K.txt").read_text(encoding="utf-8").splitlines()
              for w in line.split()],
    }
    for tag, tokens in lists.items():
        for token in tokens:
            form = canonical(token)
            if is_well_formed(form):
                sources[form].add(tag)
    inventory = {}
    for form, tags in sources.items():
        if "h" in tags or len(tags) >= 2 or corpus_counts[form] >= 3:
            inventory[form] = "".join(sorted(tags))
    return inventory


def build_words(site_packages: Path, inventory: dict[str, str]) -> list[str]:
    out = set()
    for line in (site_packages / "underthesea/corpus/data/Viet74K.txt").read_text(encoding="utf-8").splitlines():
        parts = [canonical(p) for p in line.split()]
        if len(parts) >= 2 and all(p in inventory for p in parts):
            out.add(" ".join(parts))
    return sorted(out)


# ---------------------------------------------------------------- n-grams
def syllable_runs(text: str, inventory) -> list[list[str]]:
    """Runs of consecutive valid syllables (lowercase canonical); anything else (digits, punctuation,
    foreign words, codes) ends a run, as the decoder does at run time."""
    runs, current = [], []
    for m in re.finditer(r"\S+", text):
        raw = m.group(0)
        core = raw.strip(".,;:!?\"'()[]{}“”‘’…«»*-–—/")
        form = canonical(core) if core and TOKEN_RE.fullmatch(core) else None
        if current and raw[:1] in "([{\"“«":
            runs.append(current)
            current = []
        if form is not None and form in inventory:
            current.append(form)
        else:
            if current:
                runs.append(current)
            current = []
        if form is not None and form in inventory and core != raw and raw[-1:] in ".,;:!?)\"”…":
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    return [r for r in runs if r]


def count_ngrams(texts: list[str], inventory, edges: bool = True) -> collections.Counter:
    """Syllable 1–3-gram counts. ``edges=False`` leaves out the <s>/</s> n-grams: for names listed one per
    string ('Xã An Bình'), whose list boundaries are not sentence boundaries."""
    counts: collections.Counter = collections.Counter()
    for text in texts:
        for run in syllable_runs(text, inventory):
            seq = ["<s>", *run, "</s>"]
            for i in range(1, len(seq)):
                if not edges and (i == 1 or i == len(seq) - 1):
                    if i == 1:
                        counts[(seq[1],)] += 1  # the first syllable still counts as a unigram
                    continue
                counts[(seq[i],)] += 1
                counts[(seq[i - 1], seq[i])] += 1
                if i >= 2 and (edges or i >= 3):
                    counts[(seq[i - 2], seq[i - 1], seq[i])] += 1
    return counts


# Since the 2025 reform a commune-level unit is a xã or a phường (or a đặc khu), and what a plan says of one it
# says of the other ("UBND xã;", "trên địa bàn phường."). The in-domain documents happen to be of one kind, so
# each of their n-grams naming the unit also counts for the other (not the unigram: the words' own frequencies
# stay; not 'xã hội', 'xã viên', 'hợp tác xã', where xã is not the unit).
COMMUNE_UNITS = ("xã", "phường")
NOT_UNIT_AFTER = {"hội", "viên"}
NOT_UNIT_BEFORE = {"tác"}


def with_unit_variants(counts: collections.Counter) -> collections.Counter:
    out = collections.Counter(counts)
    for gram, n in counts.items():
        if len(gram) < 2:
            continue
        for unit in COMMUNE_UNITS:
            at = [k for k, w in enumerate(gram) if w == unit]
            if not at or any(k + 1 < len(gram) and gram[k + 1] in NOT_UNIT_AFTER
                             or k > 0 and gram[k - 1] in NOT_UNIT_BEFORE for k in at):
                continue
            for other in COMMUNE_UNITS:
                if other != unit:
                    out[tuple(other if w == unit else w for w in gram)] += n
    return out


def write_counts(path: Path, counts: collections.Counter, header: str) -> None:
    lines = [f"# {header}", "# ngram (space-separated syllables)\tcount"]
    lines += [f"{' '.join(k)}\t{v}" for k, v in sorted(counts.items(), key=lambda kv: (len(kv[0]), kv[0]))]
    data = ("\n".join(lines) + "\n").encode("utf-8")
    path.write_bytes(gzip.compress(data, compresslevel=9, mtime=0))


def seed_documents(seeds: Path) -> dict[str, str]:
    docs = {}
    for sid in CLEAN_SEEDS:
        matches = sorted(seeds.glob(f"{sid}_*.txt"))
        if matches:
            docs[sid] = unicodedata.normalize("NFC", matches[0].read_text(encoding="utf-8"))
    return docs


def write_seed_counts(seeds: Path, inventory) -> list[str]:
    """Each clean seed's n-gram counts (with the commune-unit variants) in its own table."""
    report = []
    for sid, text in seed_documents(seeds).items():
        counts = with_unit_variants(count_ngrams([text], inventory))
        n = sum(v for k, v in counts.items() if len(k) == 1 and k[0] != "</s>")
        write_counts(DATA / f"ngrams_seed_{sid}.tsv.gz", counts, f"seed {sid}: {n} syllables (+ xã/phường variants)")
        report.append(f"seed {sid}: {n} syllables, {len(counts)} n-grams")
    return report


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    ap.add_argument("--seeds", type=Path, default=Path("/work/shared/seeds"))
    ap.add_argument("--work", type=Path, default=Path("/tmp/diacritics-build"))
    ap.add_argument("--site-packages", type=Path, default=None, help="where underthesea is installed")
    ap.add_argument("--acronyms-only", action="store_true", help="rebuild only acronyms.tsv (seconds)")
    ap.add_argument("--seeds-only", action="store_true",
                    help="rebuild only the seed count tables and the model, with the shipped inventory (seconds)")
    args = ap.parse_args()
    site = args.site_packages or Path(next(p for p in sys.path if p.endswith("site-packages")))
    if args.seeds_only:
        from diacritics.lexicon import syllables
        from diacritics.model import MODEL_FILE, build_model, save_model

        print("\n".join(write_seed_counts(args.seeds, syllables())))
        save_model(build_model(), DATA / MODEL_FILE)
        return 0
    args.work.mkdir(parents=True, exist_ok=True)
    root = unpack_debs(args.work)

    texts = registry_text(root, site)
    domain, names = domain_sentences(site), address_names(site)
    if args.acronyms_only:
        from diacritics.lexicon import syllables

        acronyms = build_acronyms(texts + domain + list(seed_documents(args.seeds).values()), syllables())
        write_acronyms(DATA / "acronyms.tsv", acronyms)
        print(f"acronyms: {len(acronyms)}")
        return 0
    raw_counts = collections.Counter(canonical(t) for s in texts + domain + names for t in TOKEN_RE.findall(s))
    inventory = build_inventory(root, args.work, site, raw_counts)
    DATA.mkdir(parents=True, exist_ok=True)
    (DATA / "syllables.tsv").write_text(
        "# syllable\tsources (h = hunspell-vi, t = vie.traineddata word list, w = underthesea Viet74K)\n"
        + "".join(f"{s}\t{tags}\n" for s, tags in sorted(inventory.items())), encoding="utf-8")
    acronyms = build_acronyms(texts + domain + list(seed_documents(args.seeds).values()), inventory)
    write_acronyms(DATA / "acronyms.tsv", acronyms)
    words = build_words(site, inventory)
    (DATA / "words.txt.gz").write_bytes(gzip.compress(("\n".join(words) + "\n").encode("utf-8"), 9, mtime=0))

    registry = count_ngrams(texts, inventory)
    n_syl = sum(v for k, v in registry.items() if len(k) == 1 and k[0] != "</s>")
    write_counts(DATA / "ngrams_registry.tsv.gz", registry, f"registry text: {len(texts)} strings, {n_syl} syllables")
    dom = count_ngrams(domain, inventory) + count_ngrams(names, inventory, edges=False)
    n_dom = sum(v for k, v in dom.items() if len(k) == 1 and k[0] != "</s>")
    write_counts(DATA / "ngrams_domain.tsv.gz", dom, f"domain text (VLSP2013 sentences, place names): {len(domain) + len(names)} strings, {n_dom} syllables")
    report = [f"domain strings {len(domain)} + {len(names)} names, syllables {n_dom}, n-grams {len(dom)}", f"inventory {len(inventory)} syllables, words {len(words)}, registry strings {len(texts)}, "
              f"registry syllables {n_syl}, registry n-grams {len(registry)}"]
    report += write_seed_counts(args.seeds, inventory)
    from diacritics.model import MODEL_FILE, build_model, save_model

    save_model(build_model(), DATA / MODEL_FILE)
    report.append(f"model: {(DATA / MODEL_FILE).stat().st_size / 1e6:.1f} MB")
    print("\n".join(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
