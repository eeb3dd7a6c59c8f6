"""The section tree walked in document order with each section's path ('II.1.a'), as the export names it,
and the duty items of a section: dash items with their '+' sub-items, plain paragraphs, numbered children."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from ..model import Section

SUB_ITEM = re.compile(r"^[+•·*]\s*")
DASH_ITEM = re.compile(r"^[-–—−]\s*")


@dataclass
class Node:
    path: str
    section: Section
    ancestors: list[Section] = field(default_factory=list)

    def headings(self) -> list[str]:
        """Headings from the outermost ancestor to this section (labels included)."""
        out = []
        for section in [*self.ancestors, self.section]:
            out.append(" ".join(part for part in (section.label or "", section.heading or "") if part))
        return out


def walk(
    sections: list[Section],
    parent_path: str | None = None,
    parent_label: str | None = None,
    ancestors: list[Section] | None = None,
) -> Iterator[Node]:
    """Pre-order, with the export's paths: a dotted label that continues its parent's adds only its new part
    ('II.1.2'); an unlabelled section is named by its position among its siblings ('II.1.#2')."""
    ancestors = ancestors or []
    for position, section in enumerate(sections, 1):
        label = section.label
        if label and parent_label and label.startswith(parent_label + "."):
            path = f"{parent_path}{label[len(parent_label) :]}"
        else:
            own = label if label else f"#{position}"
            path = f"{parent_path}.{own}" if parent_path else own
        yield Node(path, section, list(ancestors))
        yield from walk(section.children, path, label, [*ancestors, section])


def is_table_text(paragraph: str) -> bool:
    return paragraph.count(" | ") >= 1 and paragraph.count("|") >= 1


def items(paragraphs: list[str]) -> list[str]:
    """Duty items of a list of paragraphs: each dash item or plain paragraph is one item, '+' sub-items
    join the item above them; table rows are left out. Leading dashes are removed."""
    out: list[str] = []
    for paragraph in paragraphs:
        if is_table_text(paragraph):
            continue
        if SUB_ITEM.match(paragraph) and out:
            out[-1] = f"{out[-1]}\n{paragraph}"
            continue
        out.append(DASH_ITEM.sub("", paragraph).strip())
    return [item for item in out if item]


def section_text(section: Section) -> str:
    """A whole section as one text (heading, paragraphs, children), for a child counted as one duty."""
    parts = [" ".join(p for p in (section.heading or "",) if p)]
    parts += [p for p in section.paragraphs if not is_table_text(p)]
    for child in section.children:
        label = (
            f"{child.label}) " if child.label and len(child.label) == 1 else (f"{child.label}. " if child.label else "")
        )
        parts.append(label + section_text(child))
    return "\n".join(part for part in parts if part)
