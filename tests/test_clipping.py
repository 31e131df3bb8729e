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
    Cover,
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


def _shows(region: tuple, x: float, y: float, evenodd: bool = False) -> bool:
    """Whether a point of the page is inside a clipping path (nonzero rule: the larger), or a
    shape filled by the even-odd rule."""
    n = sum(_winding(_fine(sub), x, y) for sub in region)
    return n % 2 == 1 if evenodd else n != 0


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


# --- what a shape drawn over a picture covers: never a pixel that shows --------------------------
# The other way round: a pixel blanked must be wholly inside the shape (by its fill rule) and
# inside each clipping path it was drawn through (by either rule). Checked by the same oracle, at
# points all over each blanked pixel, its corners and edges included.

polygon_points = st.lists(st.tuples(st.floats(-4, 28), st.floats(-4, 22)), min_size=3, max_size=7)
shape_part = polygon_points.map(lambda ps: ((ps[0],), *((p,) for p in ps[1:])))
shape = st.lists(shape_part, min_size=1, max_size=3).map(tuple)


def _covered(cover: Cover) -> np.ndarray:
    """The pixels of a WIDTH x HEIGHT picture `cover` hides (the picture's pixels are the
    page's points here: its matrix is the identity, scaled)."""
    seen = Shown((0.0, 0.0, 1.0, 1.0), covered=(cover,))
    keep = kept(WIDTH, HEIGHT, (0, 0, WIDTH, HEIGHT), [seen])
    # (`kept` keeps the pixels next to those that show: ask which are hidden, without that)
    from packbuilder.clipping import _cover_pixels

    hidden = np.zeros((HEIGHT, WIDTH), dtype=bool)
    _cover_pixels(hidden, WIDTH, HEIGHT, (0, 0, WIDTH, HEIGHT), cover)
    assert keep is None or not (keep & hidden & ~_next_to(~hidden)).any()
    return hidden


def _next_to(area: np.ndarray) -> np.ndarray:
    out = area.copy()
    out[1:, :] |= area[:-1, :]
    out[:-1, :] |= area[1:, :]
    out[:, 1:] |= out[:, :-1].copy()
    out[:, :-1] |= out[:, 1:].copy()
    return out


def _in_picture(region: tuple) -> tuple:
    """A region given in pixels (x right, y down from the top left) in the unit square."""
    return tuple(tuple(tuple((x / WIDTH, 1 - y / HEIGHT) for x, y in piece) for piece in sub)
                 for sub in region)  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(region=shape, evenodd=st.booleans(), clip=st.one_of(st.none(), shape))
def test_no_pixel_a_shape_does_not_wholly_cover_is_blanked(
    region: tuple, evenodd: bool, clip: tuple | None
) -> None:
    cover = Cover(_in_picture(region), evenodd, (_in_picture(clip),) if clip else ())
    hidden = _covered(cover)
    samples = np.linspace(0.001, 0.999, 7)
    for row, column in zip(*np.nonzero(hidden), strict=True):
        for dy in samples:
            for dx in samples:
                x, y = column + dx, row + dy
                assert _shows(region, x, y, evenodd), (column, row, x, y)
                assert clip is None or _shows(clip, x, y, evenodd=True), (column, row)


def _box(x0: float, y0: float, x1: float, y1: float, clockwise: bool = False) -> tuple:
    corners = [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
    if clockwise:
        corners.reverse()
    return ((corners[0],), *((c,) for c in corners[1:]))


@pytest.mark.parametrize(
    ("region", "evenodd", "expected"),
    [
        # a frame filled even-odd: its ring, not its hole
        ((_box(2, 2, 22, 16), _box(6, 6, 18, 12)), True, "ring"),
        # the same by the nonzero rule, both boxes the same way round: all of it
        ((_box(2, 2, 22, 16), _box(6, 6, 18, 12)), False, "all"),
        # ... the hole the other way round: a hole
        ((_box(2, 2, 22, 16), _box(6, 6, 18, 12, clockwise=True)), False, "ring"),
    ],
    ids=["even-odd", "nonzero-same-way", "nonzero-other-way"],
)
def test_a_frame_covers_what_its_rule_fills(region: tuple, evenodd: bool, expected: str) -> None:
    hidden = _covered(Cover(_in_picture(region), evenodd))
    ring = np.zeros((HEIGHT, WIDTH), dtype=bool)
    ring[2:16, 2:22] = True
    if expected == "ring":
        ring[6:12, 6:18] = False
    assert np.array_equal(hidden, ring)


def test_an_l_shape_covers_the_l_and_not_its_notch() -> None:
    ell = (((2.0, 2.0),), ((22.0, 2.0),), ((22.0, 8.0),), ((12.0, 8.0),), ((12.0, 16.0),),
           ((2.0, 16.0),))  # fmt: skip
    hidden = _covered(Cover(_in_picture((ell,))))
    expected = np.zeros((HEIGHT, WIDTH), dtype=bool)
    expected[2:8, 2:22] = True
    expected[8:16, 2:12] = True
    assert np.array_equal(hidden, expected)
