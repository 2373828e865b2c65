"""Writes Juko's brand mark, the kanji 受 in white on the app's accent colour, as SVG.

The glyph is taken as an outline from Noto Sans CJK JP Bold (SIL Open Font License), so the SVG
renders the same everywhere without the font. Run once when the mark changes (needs `pip install
fonttools` and Debian's fonts-noto-cjk), then render the PNGs as README.md says; the outputs are
committed.
"""
from pathlib import Path

from fontTools.pens.boundsPen import BoundsPen
from fontTools.pens.svgPathPen import SVGPathPen
from fontTools.pens.transformPen import TransformPen
from fontTools.ttLib import TTCollection

FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"
ACCENT = "#1f5fa8"  # --accent in assets/main.css
PUBLIC = Path(__file__).resolve().parents[2] / "public"


def glyph_path(char: str, size: float) -> str:
    """The glyph's outline centred in a 100×100 box, its larger side `size` units long."""
    font = next(f for f in TTCollection(FONT).fonts
                if f["name"].getDebugName(4) == "Noto Sans CJK JP Bold")
    glyphs = font.getGlyphSet()
    glyph = glyphs[font.getBestCmap()[ord(char)]]
    bounds = BoundsPen(glyphs)
    glyph.draw(bounds)
    xmin, ymin, xmax, ymax = bounds.bounds
    scale = size / max(xmax - xmin, ymax - ymin)
    cx, cy = (xmin + xmax) / 2, (ymin + ymax) / 2
    pen = SVGPathPen(glyphs, ntos=lambda v: f"{v:.2f}".rstrip("0").rstrip("."))
    # Font units grow upwards, SVG units downwards: flip y around the centre.
    glyph.draw(TransformPen(pen, (scale, 0, 0, -scale, 50 - cx * scale, 50 + cy * scale)))
    return pen.getCommands()


def svg(corner: float, size: float) -> str:
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">'
        f'<rect width="100" height="100" rx="{corner}" fill="{ACCENT}"/>'
        f'<path fill="#fff" d="{glyph_path("受", size)}"/></svg>\n'
    )


# Rounded, for browser tabs and "any" icons.
(PUBLIC / "favicon.svg").write_text(svg(corner=20, size=64))
# Full bleed, the glyph inside the maskable safe zone (a centred circle of 80% diameter). Only
# the PNGs made from it are served, so it stays here.
(Path(__file__).parent / "maskable.svg").write_text(svg(corner=0, size=54))
