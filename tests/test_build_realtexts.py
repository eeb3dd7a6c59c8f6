"""tools/build_realtexts.py's Word conversion: what the parser reads of a .docx (issue 16, real texts)."""

from __future__ import annotations

import io
import zipfile

from tools.build_realtexts import convert_docx

NS = (
    'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:v="urn:schemas-microsoft-com:vml"'
)


def box(text: str) -> str:
    return f"<w:txbxContent><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:txbxContent>"


def docx(body: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", f"<w:document {NS}><w:body>{body}</w:body></w:document>")
    return buffer.getvalue()


def test_a_text_box_is_read_once_on_its_own_line_before_the_paragraph_it_is_anchored_in():
    # Word keeps a framed "DỰ THẢO" twice: as a drawing (mc:Choice) and as its VML fallback (mc:Fallback)
    anchored = (
        "<w:p><w:r><mc:AlternateContent>"
        f'<mc:Choice Requires="wps"><w:drawing><wps:txbx>{box("DỰ THẢO")}</wps:txbx></w:drawing></mc:Choice>'
        f"<mc:Fallback><w:pict><v:textbox>{box('DỰ THẢO')}</v:textbox></w:pict></mc:Fallback>"
        "</mc:AlternateContent></w:r><w:r><w:t>Số: /QĐ-UBND</w:t></w:r></w:p>"
    )
    text = convert_docx(docx("<w:p><w:r><w:t>ỦY BAN NHÂN DÂN</w:t></w:r></w:p>" + anchored))
    assert text.splitlines() == ["ỦY BAN NHÂN DÂN", "DỰ THẢO", "Số: /QĐ-UBND"]


def test_a_box_in_a_layout_table_cell_is_read_once():
    cell = (
        "<w:tc><w:p><w:r><w:t>ỦY BAN NHÂN DÂN</w:t></w:r></w:p>"
        f"<w:p><w:r><w:pict><v:textbox>{box('DỰ THẢO')}</v:textbox></w:pict></w:r><w:r><w:t>Số: 5/QĐ-UBND</w:t></w:r></w:p>"
        "</w:tc>"
    )
    text = convert_docx(docx(f"<w:tbl><w:tr>{cell}</w:tr></w:tbl>"))
    assert [line for line in text.splitlines() if line] == ["ỦY BAN NHÂN DÂN", "DỰ THẢO", "Số: 5/QĐ-UBND"]
