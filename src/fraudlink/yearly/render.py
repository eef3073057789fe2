"""The yearly report written as HTML (a page and a file), Markdown or PDF, from one document."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import Final

from fpdf import FPDF, FontFace
from markupsafe import Markup

from fraudlink.web.charts import bar_chart
from fraudlink.web.templating import render_text
from fraudlink.yearly.document import Chart, Document, Heading, Paragraph, Table


class Format(StrEnum):
    HTML = "html"
    PDF = "pdf"
    MD = "md"


def to_html(document: Document) -> str:
    return render_text(
        "yearly_report.html", {"document": document, "svg": _svg}, language=document.language
    )


def _svg(block: Chart) -> Markup:
    return bar_chart(block.bars, label=block.title, value_format=block.value_format)


def to_markdown(document: Document) -> str:
    lines = [f"# {document.title}", ""]
    for block in document.blocks:
        if isinstance(block, Heading):
            lines += ["#" * block.level + " " + block.text, ""]
        elif isinstance(block, Paragraph):
            lines += [block.text, ""]
        elif isinstance(block, Table):
            lines += _markdown_table(block.columns, block.rows)
        else:
            lines += [f"**{block.title}**", ""]
            lines += _markdown_table(["", ""], [list(pair) for pair in block.shown])
    return "\n".join(lines)


def _markdown_table(columns: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    def cell(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    return [
        "| " + " | ".join(cell(column) for column in columns) + " |",
        "|" + "|".join("---" for _column in columns) + "|",
        *("| " + " | ".join(cell(value) for value in row) + " |" for row in rows),
        "",
    ]


# The PDF uses the fonts every PDF reader has (no font file to ship), which know Latin-1 only:
# the few other characters the report uses are written the way a typewriter would.
_LATIN_1: Final = str.maketrans(
    {"€": "EUR", "→": "->", "—": "-", "\u2013": "-", "…": "...", "\u2019": "'"}
)
FONT: Final = "Helvetica"
BAR_COLOUR: Final = (11, 61, 110)  # the site's header blue
HEADING_FILL: Final = (238, 242, 246)  # as the pages' table headings
LABEL_CHARACTERS: Final = 44  # what fits beside a bar at 8 points; the table below has it all


def _latin_1(text: str) -> str:
    return text.translate(_LATIN_1).encode("latin-1", "replace").decode("latin-1")


def to_pdf(document: Document) -> bytes:
    pdf = FPDF(format="A4")
    pdf.set_title(_latin_1(document.title))
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font(FONT, style="B", size=18)
    pdf.multi_cell(0, 9, _latin_1(document.title), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    for block in document.blocks:
        if isinstance(block, Heading):
            pdf.ln(3)
            pdf.set_font(FONT, style="B", size=14 if block.level <= 2 else 12)
            pdf.multi_cell(0, 7, _latin_1(block.text), new_x="LMARGIN", new_y="NEXT")
        elif isinstance(block, Paragraph):
            pdf.set_font(FONT, size=10)
            pdf.multi_cell(0, 5, _latin_1(block.text), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
        elif isinstance(block, Table):
            _pdf_table(pdf, block.columns, block.rows)
        else:
            _pdf_chart(pdf, block)
    return bytes(pdf.output())


def _pdf_table(pdf: FPDF, columns: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """The first column (what a row is about) twice as wide as the figures after it."""
    pdf.set_font(FONT, size=9)
    with pdf.table(
        first_row_as_headings=True,
        line_height=5,
        text_align="LEFT",
        col_widths=(2, *(1 for _column in columns[1:])),
        headings_style=FontFace(emphasis="BOLD", fill_color=HEADING_FILL),
    ) as table:
        for row in [columns, *rows]:
            cells = table.row()
            for value in row:
                cells.cell(_latin_1(value))
    pdf.ln(3)


def _shortened(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 3].rstrip() + "..."


def _pdf_chart(pdf: FPDF, block: Chart) -> None:
    """Bars drawn with rectangles, each value written after its bar, as on the page."""
    pdf.set_font(FONT, style="B", size=10)
    pdf.multi_cell(0, 6, _latin_1(block.title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, size=8)
    label_width, value_width, row_height = 70.0, 30.0, 5.0
    room = pdf.epw - label_width - value_width
    largest = max((value for _label, value in block.bars), default=0.0) or 1.0
    for (label, value), (_same, shown) in zip(block.bars, block.shown, strict=True):
        if pdf.will_page_break(row_height):
            pdf.add_page()
        x, y = pdf.l_margin, pdf.get_y()
        pdf.set_xy(x, y)
        pdf.cell(label_width, row_height, _shortened(_latin_1(label), LABEL_CHARACTERS))
        width = max(room * value / largest, 0.0)
        pdf.set_fill_color(*BAR_COLOUR)
        if width > 0:
            pdf.rect(x + label_width, y + 0.8, width, row_height - 1.6, style="F")
        pdf.set_xy(x + label_width + width + 1, y)
        pdf.cell(value_width, row_height, _latin_1(shown))
        pdf.set_xy(x, y + row_height)
    pdf.set_fill_color(255, 255, 255)  # what is drawn next is not a bar
    pdf.ln(3)


def write(document: Document, format_: Format) -> bytes:
    """The document's bytes in ``format_`` (UTF-8 for the text formats)."""
    if format_ is Format.PDF:
        return to_pdf(document)
    text = to_html(document) if format_ is Format.HTML else to_markdown(document)
    return text.encode()
