"""The one Chinese font of every PDF the apps write (cards, certificates, registers, agreements, minutes,
assessment sheets): Adobe's STSong-Light, a CID font reportlab ships, so no font file is installed or
embedded and every reader (poppler included) draws it."""

from __future__ import annotations

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont

FONT = "STSong-Light"


def chinese_font() -> str:
    """The font's name, registered with reportlab on first use."""
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT
