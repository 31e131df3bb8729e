"""Which pixels of a picture a clipping path lets show (`clipping`): never fewer than do.

The property behind cutting pictures (`pictures`): a pixel that shows anywhere on the page must
be kept, or the page changes. Checked against an independent oracle: points sampled inside each
pixel, tested against the clipping paths by their own winding numbers (flattened far finer than
`clipping` does), and mapped into the picture by the picture's matrix.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from packbuilder.clipping import (
    IDENTITY,
    Shown,
    apply,
    inverse,
    kept,
    pixel_box,
    rectangle,
    shown,
)

WIDTH, HEIGHT = 24, 18


def _winding(polygon: list[tuple[float, float]], x: float, y: float) -> int:
    """The winding number of `polygon` around (x, y)."""
    n = 0
    for (ax, ay), (bx, by) in zip(polygon, polygon[1:] + polygon[:1], strict=True):
        side = (bx - ax) * (y - ay) - (x - ax) * (by - ay)
        if ay <= y < by and side > 0:
            n += 1
        elif by <= y < ay and side < 0:
            n -= 1
    return n


def _fine(sub: tuple) -> list[tuple[float, float]]:
    """A part of a path flattened very finely (64 lines a curve)."""
    points = [sub[0][0]]
    for piece in sub[1:]:
        if len(piece) == 1:
            points.append(piece[0])
            continue
        p0, (p1, p2, p3) = points[-1], piece
        for i in range(1, 65):
            t = i / 64
            s = 1 - t
            points.append(tuple(
                s**3 * p0[k] + 3 * s * s * t * p1[k] + 3 * s * t * t * p2[k] + t**3 * p3[k]
                for k in range(2)
            ))  # fmt: skip
    return points


def _shows(region: tuple, x: float, y: float) -> bool:
    """Whether a point of the page is inside a clipping path (nonzero rule: the larger)."""
    return sum(_winding(_fine(sub), x, y) for sub in region) != 0


coordinate = st.floats(-50, 150, allow_nan=False)
point = st.tuples(coordinate, coordinate)
curve = st.tuples(point, point, point)
piece = st.one_of(st.tuples(point), curve)
subpath = st.tuples(st.tuples(point), piece, piece, piece).map(tuple)
region = st.lists(subpath, min_size=1, max_size=2).map(tuple)


@settings(max_examples=40, deadline=None)
@given(
    angle=st.floats(0, 360),
    scale=st.floats(60, 140),
    shear=st.floats(-0.5, 0.5),
    regions=st.lists(region, min_size=1, max_size=2),
)
def test_every_pixel_that_shows_is_kept(
    angle: float, scale: float, shear: float, regions: list[tuple]
) -> None:
    c, s = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    ctm = (scale * c, scale * s, scale * (shear * c - s), scale * (shear * s + c), 50.0, 50.0)
    clip = (rectangle((-1000, -1000, 1000, 1000), IDENTITY), *regions)
    seen = shown(ctm, clip)
    rect = (0, 0, WIDTH, HEIGHT)
    keep = kept(WIDTH, HEIGHT, rect, [seen])
    x0, y0, x1, y1 = pixel_box(WIDTH, HEIGHT, seen.box) if seen.box[2] > seen.box[0] else (0,) * 4
    rng = np.random.default_rng(1)
    for row in range(HEIGHT):
        for column in range(WIDTH):
            for dx, dy in rng.random((2, 2)):
                u, v = (column + dx) / WIDTH, 1 - (row + dy) / HEIGHT
                x, y = apply(ctm, u, v)
                if all(_shows(r, x, y) for r in regions):
                    assert x0 <= column < x1 and y0 <= row < y1, (column, row)
                    assert keep is None or keep[row, column], (column, row)


def test_an_upright_window_needs_no_pixel_blanked() -> None:
    """The common case (Word's crop of an upright picture): the box is all; nothing to blank."""
    seen = shown((200, 0, 0, 100, 100, 400), (rectangle((100, 400, 200, 500), IDENTITY),))
    assert seen == Shown((0.0, 0.0, 0.5, 1.0))
    assert kept(400, 200, (0, 0, 202, 200), [seen]) is None


def test_a_window_turned_45_degrees_keeps_its_diamond_and_a_pixel() -> None:
    """An upright square over a picture turned 45 degrees: a diamond in the picture; the corners
    of the box around it are blanked, the diamond (and a pixel around it) kept."""
    h = math.sqrt(0.5)
    ctm = (100 * h, 100 * h, -100 * h, 100 * h, 0.0, 0.0)  # the unit square turned, 100 wide
    square = rectangle((-20, 50, 20, 90), IDENTITY)
    seen = shown(ctm, (square,))
    box = pixel_box(100, 100, seen.box)
    keep = kept(100, 100, box, [seen])
    assert keep is not None
    back = inverse(ctm)
    assert back is not None
    for row in range(box[1], box[3]):
        for column in range(box[0], box[2]):
            x, y = apply(ctm, (column + 0.5) / 100, 1 - (row + 0.5) / 100)
            distance = max(abs(x) - 20, abs(y - 70) - 20)  # outside the square, in points
            if distance <= 0:
                assert keep[row - box[1], column - box[0]]
            elif distance > 3:  # (1.5 pixels and more; a pixel is 1 point here, turned)
                assert not keep[row - box[1], column - box[0]], (row, column)


def test_upright_windows_in_a_row_stay_one_rectangle() -> None:
    """LibreOffice clips each object to a window: a thousand of them stay one rectangle (their
    common part), so that each picture is not mapped through a thousand paths."""
    from packbuilder.clipping import narrowed

    clip = (rectangle((0, 0, 595, 842), IDENTITY),)
    for i in range(1000):
        clip = narrowed(clip, rectangle((i * 0.01, 0, 500, 800), IDENTITY))
    assert len(clip) == 1
    assert shown((100, 0, 0, 100, 0, 0), clip).box == pytest.approx((0.0999, 0.0, 1.0, 1.0))
    turned = narrowed(clip, rectangle((0, 0, 10, 10), (0.6, 0.8, -0.8, 0.6, 0, 0)))
    assert len(turned) == 2  # (a turned one is kept as it is)
    assert narrowed(clip, rectangle((600, 0, 700, 10), IDENTITY)) == ((),)  # nothing shows
