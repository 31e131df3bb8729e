"""What of a picture a clipping path lets show: the geometry `pictures` cuts by.

A PDF draws a picture by mapping its *unit square* (the picture's own space: u to the right,
v upwards, the picture's pixels spread over it) onto the page with the current matrix, and shows
of it only what lies inside every clipping path in force: the page's visible area, a drawing's
box, and each path set with ``W`` (a rectangle, a polygon, an oval made of Bezier curves; several
closed parts at once). A picture placed turned or slanted meets an upright rectangle as a turned
one, and an oval never as a box, so boxes alone are not enough: a box around what shows, in the
picture's own space, says which pixels to keep (`Shown.box`), and the clipping paths themselves,
mapped into the picture, say which of those show (`kept`), so that the others can be blanked.

Everything here is generous (a pixel is kept whenever it might show): a path's box is the box
of its points and its curves' control points (a Bezier curve lies inside them); each closed part
of a path is taken whole, with all it encloses (the nonzero and even-odd rules both fill less);
a row of pixels keeps everything between the leftmost and the rightmost point of a part on it
(a U-shaped window keeps its inside); and every pixel within one pixel of what shows is kept, so
that a viewer smoothing the picture shows the same edge. Curves are flattened finely enough in
the picture's pixels (a quarter of a pixel at most) that the spare pixel covers the difference.

**What is drawn over a picture hides it too.** A box filled over part of a screenshot (the
redaction that is no redaction: the page shows black, the file holds the names) hides what it
covers, when it is opaque (`pictures` says when). A drawing of a picture carries the shapes that
cover it (`Shown.covered`: each a `Cover`, the shape filled with its fill rule and the clipping
paths it was drawn through), and a pixel is blanked only when its whole square is inside the
shape and inside each clipping path, and no pixel next to it shows (so that a viewer smoothing the
picture shows the same edge). This is the one place where being generous means taking *less*:
a pixel's square is inside a shape when no edge of the shape (its curves flattened, with the
flattening's error to spare) crosses it and its centre is inside by the shape's own rule
(nonzero or even-odd, PDF 32000 8.5.3.3): so a frame (a box with a hole, filled even-odd) covers
its ring and not its hole, an L-shaped box covers the L and not the notch, two boxes filled as one
path cover both. A clipping path's rule is not kept, so it is read by the even-odd rule, which
never holds more than the nonzero one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # numpy is imported where pictures are cut: a rebuild, which cuts none, would
    # pay a tenth of a second for it at start (measured: the benchmark's rebuild)
    import numpy as np


Box = tuple[float, float, float, float]  # x0, y0, x1, y1
Matrix = tuple[float, float, float, float, float, float]
Point = tuple[float, float]
# A part of a path: its start (one point), then for each piece a line's end (one point) or a
# curve's two control points and end (three).
Subpath = tuple[tuple[Point, ...], ...]
Region = tuple[Subpath, ...]  # a clipping path: what its closed parts enclose
Clip = tuple[Region, ...]  # the clipping paths in force at once: what all of them let show


@dataclass(frozen=True)
class Cover:
    """An opaque shape drawn over a picture, in the picture's unit square: what it fills (by
    the even-odd rule or the nonzero one) inside every one of the clipping paths it was drawn
    through is covered."""

    shape: Region
    evenodd: bool = False
    clips: tuple[Region, ...] = ()


IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
EMPTY: Box = (0.0, 0.0, 0.0, 0.0)  # what lets nothing show
UNIT: Box = (0.0, 0.0, 1.0, 1.0)
_TOLERANCE = 0.25  # how far a flattened curve may lie from the curve, in pixels
_MAX_PIECES = 4096  # lines a curve is flattened into, at most
_MAX_WORK = 50_000_000  # edges x (rows + columns) of a cover worked out, at most


@dataclass(frozen=True)
class Shown:
    """What one drawing of a picture lets show, in the picture's unit square: at most `box`, and
    of it only what every region of `within` lets show (none: all of `box`)."""

    box: Box
    within: Clip = ()
    covered: tuple[Cover, ...] = ()  # opaque shapes drawn over it: what they cover never shows


def multiply(m: Matrix, n: Matrix) -> Matrix:
    """m x n: m applied first."""
    a, b, c, d, e, f = m
    p, q, r, s, t, u = n
    return (a * p + b * r, a * q + b * s, c * p + d * r, c * q + d * s, e * p + f * r + t,
            e * q + f * s + u)  # fmt: skip


def apply(m: Matrix, x: float, y: float) -> Point:
    return m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]


def inverse(m: Matrix) -> Matrix | None:
    a, b, c, d, e, f = m
    det = a * d - b * c
    if abs(det) < 1e-12:
        return None
    return (d / det, -b / det, -c / det, a / det, (c * f - d * e) / det, (b * e - a * f) / det)


def bounds(points: list[Point]) -> Box | None:
    if not points:
        return None
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return min(xs), min(ys), max(xs), max(ys)


def intersect(a: Box | None, b: Box | None) -> Box | None:
    """Two boxes' common part: None is no limit, `EMPTY` what lets nothing show."""
    if a is None:
        return b
    if b is None:
        return a
    box = max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3])
    return box if box[0] < box[2] and box[1] < box[3] else EMPTY


def union(a: Box, b: Box) -> Box:
    if a == EMPTY:
        return b
    if b == EMPTY:
        return a
    return min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3])


def transformed(box: Box, m: Matrix) -> Box | None:
    """The box around `box` mapped by `m`."""
    return bounds(list(rectangle(box, m)[0][i][0] for i in range(4)))


def rectangle(box: Box, m: Matrix) -> Region:
    """A box, mapped by `m` (turned or slanted, it stays four corners)."""
    x0, y0, x1, y1 = box
    corners = ((x0, y0), (x1, y0), (x1, y1), (x0, y1))
    return (tuple((apply(m, x, y),) for x, y in corners),)


def _points(region: Region) -> list[Point]:
    return [p for sub in region for piece in sub for p in piece]


def _mapped(region: Region, m: Matrix) -> Region:
    return tuple(tuple(tuple(apply(m, *p) for p in piece) for piece in sub) for sub in region)


def _upright(region: Region, box: Box) -> bool:
    """Whether a region is exactly `box` (its box): one part, of lines only, every point one of
    the box's corners, each corner among them."""
    if len(region) != 1 or any(len(piece) != 1 for piece in region[0]):
        return False
    x0, y0, x1, y1 = box
    eps = 1e-9 * max(1.0, abs(x1 - x0), abs(y1 - y0))
    corners = set()
    for ((x, y),) in region[0]:
        cx = 0 if abs(x - x0) <= eps else 1 if abs(x - x1) <= eps else None
        cy = 0 if abs(y - y0) <= eps else 1 if abs(y - y1) <= eps else None
        if cx is None or cy is None:
            return False
        corners.add((cx, cy))
    return len(corners) == 4


def narrowed(clip: Clip, region: Region) -> Clip:
    """`clip` with `region` in force too. Two upright rectangles in a row (the page's visible
    area, then each window LibreOffice clips to) are kept as their common part: exact, and a
    page clipped a thousand times stays one rectangle."""
    if clip:
        last = clip[-1]
        around, new = bounds(_points(last)), bounds(_points(region))
        if around and new and _upright(last, around) and _upright(region, new):
            common = intersect(around, new)
            if common is None or common == EMPTY:
                return (*clip[:-1], ())  # (an empty path: nothing shows)
            return (*clip[:-1], rectangle(common, IDENTITY))
    return (*clip, region)


def shown(ctm: Matrix, clip: Clip) -> Shown:
    """What a picture drawn with matrix `ctm` through `clip` (on the page) lets show of it."""
    back = inverse(ctm)
    if back is None:  # drawn flat: nothing shows
        return Shown(EMPTY)
    box: Box | None = UNIT
    within: list[Region] = []
    for region in clip:
        inside = _mapped(region, back)
        around = bounds(_points(inside)) or EMPTY
        box = intersect(box, around)
        if box == EMPTY or box is None:
            return Shown(EMPTY)
        if not _upright(inside, around):
            within.append(_rounded(inside))
    assert box is not None
    # (rounded outwards, so that the same window drawn again is known as the same)
    x0, y0, x1, y1 = box
    box = (math.floor(x0 * 1e9) / 1e9, math.floor(y0 * 1e9) / 1e9,
           math.ceil(x1 * 1e9) / 1e9, math.ceil(y1 * 1e9) / 1e9)  # fmt: skip
    return Shown(intersect(box, UNIT) or EMPTY, tuple(within))


def _rounded(region: Region) -> Region:
    """A region with its points rounded (to a ten-millionth of the picture), so that the same
    window drawn again (a logo on every page) is known as the same."""
    return tuple(
        tuple(tuple((round(x, 7), round(y, 7)) for x, y in piece) for piece in sub)
        for sub in region
    )


# --- the pixels kept -----------------------------------------------------------------------------


def pixel_box(width: int, height: int, box: Box) -> tuple[int, int, int, int]:
    """The pixels (columns x0..x1, rows y0..y1 from the top, ends excluded) of a picture of
    `width` x `height` that `box` of its unit square covers, with a pixel to spare each side."""
    u0, v0, u1, v1 = box
    x0 = max(0, math.floor(u0 * width + 1e-6) - 1)
    x1 = min(width, math.ceil(u1 * width - 1e-6) + 1)
    y0 = max(0, math.floor((1 - v1) * height + 1e-6) - 1)
    y1 = min(height, math.ceil((1 - v0) * height - 1e-6) + 1)
    return x0, y0, x1, y1


def kept(
    width: int, height: int, rect: tuple[int, int, int, int], drawn: list[Shown]
) -> np.ndarray | None:
    """Which pixels of `rect` (of a picture of `width` x `height`) may show where the picture is
    drawn as `drawn` says: True for a pixel kept; None if every pixel of `rect` is."""
    import numpy as np  # noqa: PLC0415 - (see the module's import)

    if not any(s.within or s.covered for s in drawn):
        return None
    x0, y0, x1, y1 = rect
    keep = np.zeros((y1 - y0, x1 - x0), dtype=bool)
    for s in drawn:
        if s.box == EMPTY:
            continue
        # (each drawing within its own box: a picture drawn many times through small windows
        # costs what those windows cover)
        bx0, by0, bx1, by1 = pixel_box(width, height, s.box)
        bx0, by0, bx1, by1 = max(bx0, x0), max(by0, y0), min(bx1, x1), min(by1, y1)
        if bx1 <= bx0 or by1 <= by0:
            continue
        part = np.ones((by1 - by0, bx1 - bx0), dtype=bool)
        for region in s.within:
            part &= _region_pixels(width, height, (bx0, by0, bx1, by1), region)
            if not part.any():
                break
        if s.covered and part.any():
            hidden = np.zeros_like(part)
            for cover in s.covered:
                _cover_pixels(hidden, width, height, (bx0, by0, bx1, by1), cover)
            # (a pixel next to one that shows is kept: a viewer smoothing the picture mixes it in)
            part &= ~hidden | grown(part & ~hidden)
        keep[by0 - y0 : by1 - y0, bx0 - x0 : bx1 - x0] |= part
    return None if keep.all() else keep


def covering(region: Region, m: Matrix) -> Region:
    """A region of a cover (`Cover`) mapped by `m`, its points rounded (see `_rounded`)."""
    return _rounded(_mapped(region, m))


def grown(shows: np.ndarray) -> np.ndarray:
    """The pixels within one (across or corner to corner) of a pixel of `shows`."""

    out = shows.copy()
    out[1:, :] |= shows[:-1, :]
    out[:-1, :] |= shows[1:, :]
    across = out.copy()
    out[:, 1:] |= across[:, :-1]
    out[:, :-1] |= across[:, 1:]
    return out


def _cover_pixels(
    hidden: np.ndarray, width: int, height: int, rect: tuple[int, int, int, int], cover: Cover
) -> None:
    """Set to True the pixels of `hidden` (the pixels `rect` of the picture) that `cover`
    hides: those wholly inside its shape (by its rule) and inside each of its clipping paths
    (read by the even-odd rule), with the flattening's error to spare."""
    import numpy as np  # noqa: PLC0415 - (see the module's import)

    x0, y0, x1, y1 = rect
    inside = None
    box: Box = (float(x0), float(y0), float(x1), float(y1))
    for region, evenodd in ((cover.shape, cover.evenodd), *((c, True) for c in cover.clips)):
        filled = _filled(width, height, box, region, evenodd)
        if filled is None:
            return
        window, part = filled
        box = (float(window[0]), float(window[1]), float(window[2]), float(window[3]))
        if inside is not None:
            part &= inside[window[1] - y0 : window[3] - y0, window[0] - x0 : window[2] - x0]
        if not part.any():
            return
        inside = np.zeros_like(hidden)
        inside[window[1] - y0 : window[3] - y0, window[0] - x0 : window[2] - x0] = part
    if inside is not None:
        hidden |= inside


def _filled(
    width: int, height: int, box: Box, region: Region, evenodd: bool
) -> tuple[tuple[int, int, int, int], np.ndarray] | None:
    """The pixels of `box` (pixels of a picture of `width` x `height`) wholly inside `region` by
    the even-odd or the nonzero rule: the window of them worth looking at (within `box` and the
    region's box) and which are; None if none are, or the region is too large to flatten.

    A pixel's square (shrunk by a thousandth of a pixel: the points were rounded; grown by the
    flattening's error where the region has curves) is wholly inside when no edge crosses it
    (a segment and a square meet unless the square's sides or the segment's line part them)
    and its centre is inside (the winding number of a ray to the right)."""
    import numpy as np  # noqa: PLC0415 - (see the module's import)

    to_pixels = (float(width), 0.0, 0.0, -float(height), 0.0, float(height))
    edges: list[tuple[Point, Point]] = []
    curved = False
    for sub in region:
        curved = curved or any(len(piece) == 3 for piece in sub)
        polygon = _flattened(tuple(tuple(apply(to_pixels, *p) for p in piece) for piece in sub))
        if polygon is None:
            return None
        if len(polygon) > 2:  # (each part closed, as a fill closes it)
            edges += list(zip(polygon, polygon[1:] + polygon[:1], strict=True))
    around = bounds([p for edge in edges for p in edge])
    spare = _TOLERANCE if curved else -1e-3
    if around is None:
        return None
    wx0, wy0 = (
        max(math.floor(box[0]), math.floor(around[0])),
        max(math.floor(box[1]), math.floor(around[1])),
    )
    wx1, wy1 = (
        min(math.ceil(box[2]), math.ceil(around[2])),
        min(math.ceil(box[3]), math.ceil(around[3])),
    )
    if wx1 <= wx0 or wy1 <= wy0:
        return None
    columns, rows = wx1 - wx0, wy1 - wy0
    if len(edges) * (columns + rows) > _MAX_WORK:
        return None  # (too costly to be sure of: covers nothing)
    ys = np.arange(wy0, wy1, dtype=float) + 0.5
    winding = np.zeros((rows, columns + 1), dtype=np.int32)
    crossing = np.zeros((rows, columns), dtype=bool)
    half = 0.5 + spare
    for (ax, ay), (bx, by) in edges:
        if ay != by:  # (a ray to the right from each pixel's centre, upwards +1, downwards -1)
            on = (ys >= min(ay, by)) & (ys < max(ay, by))
            if on.any():
                x = ax + (ys[on] - ay) * ((bx - ax) / (by - ay))
                k = np.clip(np.ceil(x - 0.5 - wx0), 0, columns).astype(int)
                which = np.flatnonzero(on)
                step = 1 if by > ay else -1
                winding[which, 0] += step
                np.subtract.at(winding, (which, k), step)
        # the pixels whose square the edge may cross: within its box, then by its line
        cx0, cx1 = max(wx0, math.floor(min(ax, bx) - half)), min(wx1, math.ceil(max(ax, bx) + half))
        cy0, cy1 = max(wy0, math.floor(min(ay, by) - half)), min(wy1, math.ceil(max(ay, by) + half))
        if cx1 <= cx0 or cy1 <= cy0:
            continue
        px = np.arange(cx0, cx1, dtype=float)[None, :] + 0.5
        py = np.arange(cy0, cy1, dtype=float)[:, None] + 0.5
        across = (np.abs(px - (ax + bx) / 2) < abs(bx - ax) / 2 + half) & (
            np.abs(py - (ay + by) / 2) < abs(by - ay) / 2 + half
        )
        nx, ny = ay - by, bx - ax
        length = math.hypot(nx, ny)
        if length > 0:
            nx, ny = nx / length, ny / length
            across &= np.abs(nx * (px - ax) + ny * (py - ay)) < half * (abs(nx) + abs(ny))
        crossing[cy0 - wy0 : cy1 - wy0, cx0 - wx0 : cx1 - wx0] |= across
    count = np.cumsum(winding, axis=1)[:, :columns]
    inside = (count % 2 == 1) if evenodd else (count != 0)
    return (wx0, wy0, wx1, wy1), inside & ~crossing


def _region_pixels(
    width: int, height: int, rect: tuple[int, int, int, int], region: Region
) -> np.ndarray:
    """The pixels of `rect` within a pixel of what `region` (in the unit square) encloses: on
    each row, from a pixel left of its leftmost point there to a pixel right of its rightmost,
    for each of its parts."""
    import numpy as np  # noqa: PLC0415 - (see the module's import)

    x0, y0, x1, y1 = rect
    rows = np.arange(y0, y1, dtype=float)
    low, high = rows - 1.0, rows + 2.0  # each row's band, with a row to spare each side
    out = np.zeros((y1 - y0, x1 - x0), dtype=bool)
    to_pixels = (float(width), 0.0, 0.0, -float(height), 0.0, float(height))
    for sub in region:
        polygon = _flattened(tuple(tuple(apply(to_pixels, *p) for p in piece) for piece in sub))
        if polygon is None:  # (a curve too large to flatten: the region's box is kept)
            out[:] = True
            return out
        left = np.full(rows.shape, np.inf)
        right = np.full(rows.shape, -np.inf)
        for (ax, ay), (bx, by) in zip(polygon, polygon[1:] + polygon[:1], strict=True):
            if ay > by:
                ax, ay, bx, by = bx, by, ax, ay
            lo, hi = np.maximum(low, ay), np.minimum(high, by)
            meets = lo <= hi
            if not meets.any():
                continue
            if by - ay < 1e-12:
                xa = np.full(rows.shape, min(ax, bx))
                xb = np.full(rows.shape, max(ax, bx))
            else:
                slope = (bx - ax) / (by - ay)
                ends = ax + (lo - ay) * slope, ax + (hi - ay) * slope
                xa, xb = np.minimum(*ends), np.maximum(*ends)
            left = np.where(meets, np.minimum(left, xa), left)
            right = np.where(meets, np.maximum(right, xb), right)
        meets = left <= right
        start = np.clip(np.floor(left[meets] - 1.0) - x0, 0, x1 - x0).astype(int)
        end = np.clip(np.ceil(right[meets] + 1.0) - x0, 0, x1 - x0).astype(int)
        for row, a, b in zip(np.flatnonzero(meets).tolist(), start.tolist(), end.tolist(),
                             strict=True):  # fmt: skip
            out[row, a:b] = True  # (row by row: no array larger than the picture's part)
    return out


def _flattened(sub: Subpath) -> list[Point] | None:
    """A part of a path as a polygon: its curves flattened into lines (Wang's formula gives how
    many, for `_TOLERANCE`); None if a curve would need more than `_MAX_PIECES`."""
    if not sub:
        return []
    points = [sub[0][0]]
    for piece in sub[1:]:
        if len(piece) == 1:
            points.append(piece[0])
            continue
        p0, (p1, p2, p3) = points[-1], piece
        bend = max(
            math.hypot(p0[0] - 2 * p1[0] + p2[0], p0[1] - 2 * p1[1] + p2[1]),
            math.hypot(p1[0] - 2 * p2[0] + p3[0], p1[1] - 2 * p2[1] + p3[1]),
        )
        n = max(1, math.ceil(math.sqrt(0.75 * bend / _TOLERANCE)))
        if n > _MAX_PIECES:
            return None
        for i in range(1, n + 1):
            t = i / n
            s = 1 - t
            a, b, c, d = s * s * s, 3 * s * s * t, 3 * s * t * t, t * t * t
            points.append(
                (a * p0[0] + b * p1[0] + c * p2[0] + d * p3[0],
                 a * p0[1] + b * p1[1] + c * p2[1] + d * p3[1])
            )  # fmt: skip
    return points


def cover(shape: Region, clip: Clip, back: Matrix, evenodd: bool = False) -> Cover:
    """An opaque shape (on the page, filled by the even-odd rule or the nonzero one) drawn
    through `clip`, mapped into a picture's unit square by `back`: what it hides of the picture
    (`Shown.covered`). A clipping path that is an upright rectangle holding the shape whole (the
    page's visible area, most often) is left out: it cuts nothing off."""
    around = bounds(_points(shape))
    clips = []
    for region in clip:
        box = bounds(_points(region))
        if (around is not None and box is not None and _upright(region, box)
                and intersect(box, around) == around):  # fmt: skip
            continue
        clips.append(covering(region, back))
    return Cover(covering(shape, back), evenodd, tuple(clips))
