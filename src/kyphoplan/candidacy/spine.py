"""A small server-rendered SVG of the thoracolumbar spine (T1–L5), one body per level.

Each assessed body is drawn with its measured anterior, middle and posterior heights
(scaled to its reference), so a wedge, a biconcave or a crush fracture looks like one,
and coloured by Genant grade. Planned levels are outlined. No script, no external file.
"""

from __future__ import annotations

from fractions import Fraction

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from kyphoplan.candidacy.summary import LevelView
from kyphoplan.clinical.grading import one_decimal

LEVELS = [f"T{n}" for n in range(1, 13)] + [f"L{n}" for n in range(1, 6)]
ROW, BODY, WIDTH, LEFT = 22, 16, 44, 34
GRADE_FILL = {0: "#dfe8df", 1: "#f6e3a1", 2: "#f0a45a", 3: "#d9534f"}


def _body(y: int, a: Fraction, m: Fraction, p: Fraction) -> str:
    """Anterior on the left (the patient faces left), posterior on the right."""
    def top(frac: Fraction) -> float:
        return round(y + BODY * (1 - float(frac)) / 2, 1)

    def bottom(frac: Fraction) -> float:
        return round(y + BODY - BODY * (1 - float(frac)) / 2, 1)

    x0, xm, x1 = LEFT, LEFT + WIDTH / 2, LEFT + WIDTH
    pts = [(x0, top(a)), (xm, top(m)), (x1, top(p)), (x1, bottom(p)), (xm, bottom(m)), (x0, bottom(a))]
    return " ".join(f"{x},{yy}" for x, yy in pts)


def spine_svg(levels: list[LevelView], planned: list[str]) -> SafeString:
    by_name = {lv.row.level: lv for lv in levels}
    parts = []
    for i, name in enumerate(LEVELS):
        y = 6 + i * ROW
        lv = by_name.get(name)
        stroke = "#1b4f8a" if name in planned else "#8a8a8a"
        width = 2.5 if name in planned else 1
        if lv is None:
            shape = format_html('<rect x="{}" y="{}" width="{}" height="{}" fill="#f4f4f4" stroke="{}" '
                                'stroke-width="{}"/>', LEFT, y, WIDTH, BODY, stroke, width)
            label = ""
        else:
            ref = Fraction(lv.row.reference_mm)
            shape = format_html(
                '<polygon points="{}" fill="{}" stroke="{}" stroke-width="{}"><title>{}: grade {}, {}, {} % loss'
                '</title></polygon>',
                _body(y, Fraction(lv.row.anterior_mm) / ref, Fraction(lv.row.middle_mm) / ref,
                      Fraction(lv.row.posterior_mm) / ref),
                GRADE_FILL[int(lv.assessment.grade)], stroke, width, name, int(lv.assessment.grade),
                lv.assessment.morphology.value, one_decimal(lv.assessment.max_loss))
            label = format_html('<text x="{}" y="{}" font-size="11">G{} {}{}</text>', LEFT + WIDTH + 8, y + 12,
                                int(lv.assessment.grade), lv.assessment.morphology.value,
                                " · plana" if lv.assessment.vertebra_plana else "")
        parts.append(format_html('<g data-level="{}"><text x="2" y="{}" font-size="11">{}</text>{}{}</g>',
                                 name, y + 12, name, shape, label))
    height = 12 + len(LEVELS) * ROW
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="spine-title" width="200" '
        'height="{}" viewBox="0 0 200 {}" class="spine"><title id="spine-title">Spine diagram: assessed levels '
        'by Genant grade; planned levels outlined in blue</title>{}</svg>',
        height, height, format_html_join("", "{}", ((p,) for p in parts)))
