"""Page geometry the checks and the renderers share (GB/T 9704: A4 portrait, the official margins).

One place for the figures that a check states to the user (a 列宽 over the text width) and the
renderers lay out with; the page plan of the layout settings is built on them.
"""

from __future__ import annotations

#: Text width of A4 portrait with the official margins (left 28 mm, right 26 mm).
TEXT_WIDTH_MM = 156.0
