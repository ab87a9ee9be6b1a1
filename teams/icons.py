"""The app's two icons, drawn when the package is made: no image file to keep in step.

Teams asks for a full-colour 192×192 PNG and a 32×32 outline PNG (white on a
transparent background). Both show the same mark: three people side by side, the middle
one a little taller, a learning community. Each pixel is tested against the mark's
circles (heads) and domes (shoulders), sampled four times for smooth edges.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable

ACCENT = "#2F5DA8"
"""The colour behind the mark, also the manifest's ``accentColor``."""
COLOR_SIZE = 192
OUTLINE_SIZE = 32
_BASE = 0.70
"""Where every shoulder ends (a common baseline), as a fraction of the side."""
_PEOPLE = ((0.22, 0.12, 0.075), (0.50, 0.15, 0.095), (0.78, 0.12, 0.075))
"""(x of the centre, shoulders' radius, head's radius), as fractions of the side."""
_SAMPLES = ((0.25, 0.25), (0.75, 0.25), (0.25, 0.75), (0.75, 0.75))


def _in_mark(x: float, y: float) -> bool:
    for cx, shoulders, head in _PEOPLE:
        if y <= _BASE and (x - cx) ** 2 + (y - _BASE) ** 2 <= shoulders**2:
            return True
        head_y = _BASE - shoulders - 0.035 - head
        if (x - cx) ** 2 + (y - head_y) ** 2 <= head**2:
            return True
    return False


def _coverage(size: int, px: int, py: int) -> float:
    inside = sum(_in_mark((px + dx) / size, (py + dy) / size) for dx, dy in _SAMPLES)
    return inside / len(_SAMPLES)


def _png(size: int, pixel: Callable[[float], tuple[int, int, int, int]]) -> bytes:
    """An RGBA PNG of ``size``², each pixel from the mark's coverage of it."""
    rows = b"".join(
        b"\x00" + b"".join(bytes(pixel(_coverage(size, x, y))) for x in range(size))
        for y in range(size)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


def color_icon() -> bytes:
    """192×192, the white mark on the accent colour."""
    r, g, b = (int(ACCENT[i : i + 2], 16) for i in (1, 3, 5))

    def pixel(cover: float) -> tuple[int, int, int, int]:
        def mix(c: int) -> int:
            return round(c + (255 - c) * cover)

        return mix(r), mix(g), mix(b), 255

    return _png(COLOR_SIZE, pixel)


def outline_icon() -> bytes:
    """32×32, the white mark on transparency (Teams tints it)."""
    return _png(OUTLINE_SIZE, lambda cover: (255, 255, 255, round(255 * cover)))
