"""M4: the temporary card as a card-size PDF (85.6 mm x 54 mm), in the member's language.

Every text is drawn in reportlab's Japanese CID font (``HeiseiKakuGo-W5``: its Latin letters and digits included),
so a Japanese status, name, program name or label prints as itself, and the PDF needs no font file: PDF readers
bring the font (the text is a real text layer, found by a PDF text extractor). The number stays in Courier for
legibility.
"""

from __future__ import annotations

import datetime as dt
import io

from django.utils.translation import gettext as _

from members.models import Member

from .templatetags.member_words import day, local_name, member_name

FONT = "HeiseiKakuGo-W5"


def _font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def card_pdf(*, member: Member, status, today: dt.date) -> bytes:
    """The card's PDF bytes: program, "Temporary card", name, number, status and its end, printed date, QR code."""
    from reportlab.graphics import renderPDF
    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib.units import mm
    from reportlab.pdfgen import canvas

    font = _font()
    buffer = io.BytesIO()
    width, height = 85.6 * mm, 54 * mm
    pdf = canvas.Canvas(buffer, pagesize=(width, height))
    program = local_name(member.program)
    pdf.setTitle(f"{program} {member.number}")
    pdf.setFillColorRGB(0.09, 0.2, 0.36)
    pdf.rect(0, height - 12 * mm, width, 12 * mm, stroke=0, fill=1)
    pdf.setFillColorRGB(1, 1, 1)
    pdf.setFont(font, 9)
    pdf.drawString(5 * mm, height - 8 * mm, program[:40])
    pdf.setFillColorRGB(0.66, 0.52, 0.17)
    pdf.setFont(font, 7)
    pdf.drawString(5 * mm, height - 18 * mm, _("Temporary card"))
    pdf.setFillColorRGB(0, 0, 0)
    name = member_name(member)[:32]
    pdf.setFont(font, 10)
    pdf.drawString(5 * mm, height - 25 * mm, name.upper() if name.isascii() else name)
    pdf.setFont("Courier-Bold", 12)
    pdf.drawString(5 * mm, height - 33 * mm, member.number)
    pdf.setFont(font, 7)
    if status is not None:
        pdf.drawString(
            5 * mm,
            height - 40 * mm,
            _("%(tier)s, valid until %(day)s") % {"tier": status.get_tier_display(), "day": day(status.valid_until)},
        )
    elif member.program.is_one_harmony:
        pdf.drawString(5 * mm, height - 40 * mm, str(_("Member")))
    pdf.setFillColorRGB(0.36, 0.4, 0.46)
    pdf.drawString(5 * mm, 4 * mm, _("Printed on %(day)s") % {"day": day(today)})
    widget = QrCodeWidget(member.number)
    x0, y0, x1, y1 = widget.getBounds()
    size = 28 * mm
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    renderPDF.draw(drawing, pdf, width - size - 3 * mm, 4 * mm)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
