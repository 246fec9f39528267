"""Where the words go: contour labels and legends placed where they cover no data.

matplotlib's own choices do not see what the course draws: `clabel` puts a label wherever its
contour is long enough, also under a descent path drawn afterwards, and `legend(loc="best")`
ignores a one-point line such as a path's start marker. Here every line, marker and scatter point
on the Axes is an obstacle, measured in inches (so that "near" means the same in x and y), and
a label or legend goes where it touches none. Sizes are measured when the helper runs, before
the figure's layout engine resizes the Axes a little; the clearances below leave room for that.
"""
import weakref

import numpy as np
from matplotlib.collections import PathCollection
from matplotlib.lines import Line2D
from matplotlib.path import Path
from matplotlib.transforms import IdentityTransform

LABEL_FONTSIZE = 9                   # points; contour labels and legends (8 was hard to read)
STEP = 0.01                          # inches between the sample points of a drawn line
GAP = 0.04                           # inches kept free around a label or a legend
CELL = 0.02                          # inches: the grid on which contour labels look for room
LEGEND_SPOTS = ("upper right", "upper left", "lower left", "lower right",
                "upper center", "lower center", "center right", "center left")

# ContourSet -> how its labels are made, so that plot_parameter_path can move them off a path drawn
# later. Only weak references: an entry must not keep its figure alive.
_labelled = weakref.WeakKeyDictionary()


def labels_of(entry):
    """The labels of one entry of _labelled that still exist."""
    return [text for text in (ref() for ref in entry["texts"]) if text is not None]


def axes_inches(ax):
    """(width, height) of the Axes in inches, as it is now (an equal aspect shrinks the box: apply it)."""
    ax.apply_aspect()
    return ax.bbox.width / ax.figure.dpi, ax.bbox.height / ax.figure.dpi


def to_inches(ax, transform, points):
    """Points given in `transform`'s coordinates -> inches from the Axes' lower left corner."""
    fraction = ax.transAxes.inverted().transform(transform.transform(np.asarray(points, dtype=float)))
    return fraction * axes_inches(ax)


def clip_segments(start, end, low, high):
    """The parts of the segments start[i] -> end[i] inside the box [low, high] (Liang-Barsky)."""
    step = end - start
    t0, t1 = np.zeros(len(step)), np.ones(len(step))
    for k in range(2):
        moving = step[:, k] != 0
        with np.errstate(divide="ignore", invalid="ignore"):
            ta, tb = (low[k] - start[:, k]) / step[:, k], (high[k] - start[:, k]) / step[:, k]
        t0 = np.maximum(t0, np.where(moving, np.minimum(ta, tb), -np.inf))
        t1 = np.minimum(t1, np.where(moving, np.maximum(ta, tb), np.inf))
        outside = ~moving & ((start[:, k] < low[k]) | (start[:, k] > high[k]))
        t1 = np.where(outside, -1.0, t1)
    kept = t0 <= t1
    return start[kept] + step[kept] * t0[kept, None], start[kept] + step[kept] * t1[kept, None]


def sample_polyline(points, low, high):
    """Points every STEP inches along the visible part of a polyline (rows of inches; NaN rows break it)."""
    start, end = points[:-1], points[1:]
    finite = np.all(np.isfinite(start), axis=1) & np.all(np.isfinite(end), axis=1)
    start, end = clip_segments(start[finite], end[finite], low, high)
    counts = np.maximum(1, np.ceil(np.hypot(*(end - start).T) / STEP).astype(int))
    segment = np.repeat(np.arange(len(start)), counts)
    t = (np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)) / np.repeat(counts, counts)
    return np.vstack([start[segment] + (end - start)[segment] * t[:, None], end])


def obstacles(ax, patches=(), lines=True):
    """(points, radii) in inches of what is drawn on the Axes: lines sampled along their length
    (unless `lines` is False), markers, scatter points, the labels placed here, and the given
    patches (bars) sampled over their area. Only what lies in view (with a small margin) counts."""
    width, height = axes_inches(ax)
    low, high = np.array([-0.2, -0.2]), np.array([width + 0.2, height + 0.2])
    points, radii = [np.empty((0, 2))], [np.empty(0)]

    def add(found, radius):
        found = found[np.all((found >= low) & (found <= high), axis=1)]
        points.append(found)
        radii.append(np.full(len(found), radius))

    ax.get_xlim(), ax.get_ylim()                           # settles any pending autoscaling
    for artist in ax.get_children():
        if isinstance(artist, Line2D) and artist.get_visible() and lines:
            xy = to_inches(ax, artist.get_transform(), artist.get_xydata())
            if artist.get_linestyle() not in ("None", "", " ", "none") and len(xy) > 1:
                add(sample_polyline(xy, low, high), artist.get_linewidth() / 144)     # points -> inches, halved
            if artist.get_marker() not in (None, "None", "", " ", "none"):
                add(xy[np.all(np.isfinite(xy), axis=1)], artist.get_markersize() / 144 + 0.02)
        elif isinstance(artist, PathCollection) and artist.get_visible() and len(artist.get_offsets()):
            sizes = artist.get_sizes()                       # scatter sizes are areas in points^2
            add(to_inches(ax, artist.get_offset_transform(), artist.get_offsets()),
                np.sqrt(sizes.max() if len(sizes) else 36.0) / 144)
    for entry in [entry for entry in _labelled.values() if entry["ax"]() is ax]:
        for text in [text for text in labels_of(entry) if text in ax.texts]:
            add(box_samples(ax, text.get_window_extent(renderer_of(ax))), 0.0)
    for patch in patches:
        add(box_samples(ax, patch.get_window_extent(renderer_of(ax))), 0.0)
    return np.vstack(points), np.concatenate(radii)


def box_samples(ax, box):
    """A grid of points every STEP inches over a display-space bounding box, in inches."""
    (x0, y0), (x1, y1) = to_inches(ax, IdentityTransform(), [[box.x0, box.y0], [box.x1, box.y1]])
    xs = np.linspace(x0, x1, max(2, int(np.ceil((x1 - x0) / STEP)) + 1))
    ys = np.linspace(y0, y1, max(2, int(np.ceil((y1 - y0) / STEP)) + 1))
    return np.column_stack([np.repeat(xs, len(ys)), np.tile(ys, len(xs))])


def renderer_of(ax):
    """The canvas's renderer, to measure text, or None for a canvas that has none."""
    canvas = ax.figure.canvas
    return canvas.get_renderer() if hasattr(canvas, "get_renderer") else None


# ---------------------------------------------------------------- contour labels

def level_text(value):
    """A contour level as a label: 3 significant digits, thousands written out (1,510, not 1.51e+03)."""
    return f"{value:,.0f}" if 1e3 <= abs(value) < 1e6 else f"{value:.3g}"


def label_contours(ax, contours, *, count=4, minimum=None):
    """Label about `count` of the contour levels, each where its line is farthest from `minimum`
    (data coordinates: where descent paths end) while clear of everything drawn on the Axes and of
    the other labels. A level with no such place stays unlabelled. Returns the labels (Text)."""
    if count <= 0:
        return []
    _labelled[contours] = {"ax": weakref.ref(ax), "count": count, "minimum": minimum, "texts": []}
    return relabel_contours(ax, contours)


def relabel_contours(ax, contours=None):
    """Place again the labels of `contours` (of every ContourSet labelled here and still drawn on
    `ax` when None), away from what is drawn now: plot_parameter_path calls this after a path."""
    sets = [contours] if contours is not None else \
        [each for each in list(_labelled) if _labelled[each]["ax"]() is ax and each in ax.collections]
    for each in sets:
        entry = _labelled[each]
        for text in labels_of(entry):
            if text in ax.texts:                        # not already gone with ax.clear()
                text.remove()
        entry["texts"] = []
        entry["texts"] = [weakref.ref(text) for text in _place_labels(ax, each, entry)]
    return [text for each in sets for text in labels_of(_labelled[each])]


def _place_labels(ax, contours, entry):
    width, height = axes_inches(ax)
    (x_low, x_high), (y_low, y_high) = ax.get_xlim(), ax.get_ylim()
    per_inch = np.array([width / (x_high - x_low), height / (y_high - y_low)])    # inches per data unit
    shape = (int(np.ceil(width / CELL)) + 1, int(np.ceil(height / CELL)) + 1)
    drawn = occupied(*obstacles(ax), shape)
    minimum = entry["minimum"]
    centre = (to_inches(ax, ax.transData, [minimum])[0] if minimum is not None
              else np.array([width / 2, height / 2]))
    box = (np.zeros(2), np.array([width, height]))
    lines = {}                                             # level index -> points every STEP inches, in view
    for index, path in enumerate(contours.get_paths()):
        pieces = [sample_polyline(to_inches(ax, ax.transData, piece), *box) for piece in pieces_of(path)]
        pieces = [piece for piece in pieces if len(piece) >= 3]
        if pieces:
            lines[index] = pieces
    # the levels to label: `count` spread evenly over the visible ones (not the lowest ring nor the
    # highest corner), then the others in case one of those has no free place
    visible = sorted(lines)
    spread = [visible[round(k)] for k in np.linspace(0, len(visible) - 1, entry["count"] + 2)[1:-1]] \
        if len(visible) > 2 else visible
    order = list(dict.fromkeys(spread + visible[::-1]))
    every_line = occupied(np.vstack([piece for pieces in lines.values() for piece in pieces]), 0.0, shape) \
        if lines else np.zeros(shape, dtype=bool)
    placed, texts = [], []
    for index in order:
        if len(placed) >= entry["count"]:
            break
        text = level_text(contours.levels[index])
        half_length = 0.3 * LABEL_FONTSIZE * len(text) / 72 + GAP      # about 0.6 em per character
        half_height = 0.6 * LABEL_FONTSIZE / 72 + GAP / 2
        # best where no other level's line passes under the label; else over them (the label's
        # white box hides them), but never over anything else that is drawn
        own = binary_grow(occupied(np.vstack(lines[index]), 0.0, shape))
        for blocked in (drawn | (every_line & ~own), drawn):
            best = _best_spot(lines[index], centre, (width, height), half_length, half_height, blocked,
                              [(spot, length) for _, spot, length in placed])
            if best is not None:
                break
        if best is None:
            continue
        spot, direction = best
        placed.append((index, spot, half_length))
        data_direction = direction / per_inch
        texts.append(ax.text(*(np.array([x_low, y_low]) + spot / per_inch), text, fontsize=LABEL_FONTSIZE,
                             color="0.15", ha="center", va="center", rotation_mode="anchor",
                             rotation=np.degrees(np.arctan2(data_direction[1], data_direction[0])),
                             transform_rotates_text=True, zorder=3,
                             bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none",
                                   "alpha": 0.85}))
    return texts


def occupied(points, radii, shape):
    """A grid of CELL-inch cells (x index, y index): True where a point, grown by its radius, lies."""
    grid = np.zeros(shape, dtype=bool)
    cells = np.floor(points / CELL).astype(int)
    reach = np.ceil(np.broadcast_to(radii, len(points)) / CELL).astype(int)
    for r in np.unique(reach):
        chosen = cells[reach == r]
        for dx in range(-r, r + 1):
            for dy in range(-r, r + 1):
                if dx * dx + dy * dy <= r * r:
                    x, y = chosen[:, 0] + dx, chosen[:, 1] + dy
                    inside = (x >= 0) & (x < shape[0]) & (y >= 0) & (y < shape[1])
                    grid[x[inside], y[inside]] = True
    return grid


def binary_grow(grid):
    """The cells of `grid` and their eight neighbours."""
    grown = grid.copy()
    for dx in (-1, 0, 1):
        for dy in (-1, 0, 1):
            grown |= np.roll(np.roll(grid, dx, axis=0), dy, axis=1)
    return grown


def pieces_of(path):
    """The connected pieces of a contour's Path, as arrays of vertices (closed rings closed again)."""
    vertices, codes = path.vertices, path.codes
    if codes is None:
        return [vertices]
    starts = np.flatnonzero(codes == Path.MOVETO)
    pieces = []
    for piece, piece_codes in zip(np.split(vertices, starts[1:]), np.split(codes, starts[1:])):
        closed = piece_codes[-1] == Path.CLOSEPOLY
        piece = piece[piece_codes != Path.CLOSEPOLY]
        pieces.append(np.vstack([piece, piece[:1]]) if closed and len(piece) else piece)
    return pieces


def _best_spot(pieces, centre, size, half_length, half_height, blocked, placed):
    """The point of the level's line farthest from `centre` where a label fits: inside the Axes,
    on no True cell of `blocked`, away from the labels already placed, and no steeper than 45
    degrees if any such point exists. (point, unit tangent) or None."""
    spots = np.vstack([piece[::5] for piece in pieces])                 # a candidate every 0.05 inch
    tangents = np.vstack([np.gradient(piece, axis=0)[::5] for piece in pieces])
    norms = np.hypot(*tangents.T)
    keep = norms > 0
    spots, tangents = spots[keep], tangents[keep] / norms[keep, None]
    tangents[tangents[:, 0] < 0] *= -1                  # text reads left to right, never upside down
    cos, sin = np.abs(tangents[:, 0]), np.abs(tangents[:, 1])
    reach_x, reach_y = cos * half_length + sin * half_height, sin * half_length + cos * half_height
    fits = ((spots[:, 0] >= reach_x) & (spots[:, 0] <= size[0] - reach_x)
            & (spots[:, 1] >= reach_y) & (spots[:, 1] <= size[1] - reach_y))
    for spot, length in placed:
        fits &= np.hypot(*(spots - spot).T) >= length + half_length
    order = np.lexsort((-np.hypot(*(spots - centre).T), sin > np.sqrt(0.5)))    # flat first, then far first
    candidates = order[fits[order]]
    if not len(candidates):
        return None
    # the cells under the label: a rectangle along the line at each candidate, tried 200 at a time
    along = np.arange(-half_length, half_length + CELL / 2, CELL)
    across = np.arange(-half_height, half_height + CELL / 2, CELL)
    a, c = (grid.ravel() for grid in np.meshgrid(along, across))
    for chunk in np.array_split(candidates, int(np.ceil(len(candidates) / 200))):
        normals = np.column_stack([-tangents[chunk, 1], tangents[chunk, 0]])
        under = (spots[chunk, None, :] + a[None, :, None] * tangents[chunk, None, :]
                 + c[None, :, None] * normals[:, None, :])                              # (M, P, 2)
        cells = np.clip(np.floor(under / CELL).astype(int), 0, np.array(blocked.shape) - 1)
        clear = ~blocked[cells[..., 0], cells[..., 1]].any(axis=1)
        if clear.any():
            first = chunk[np.argmax(clear)]
            return spots[first], tangents[first]
    return None


# ---------------------------------------------------------------- legends

def place_legend(ax, *, patches=(), lines=True, outside=True, **kwargs):
    """ax.legend(**kwargs) in the first corner or edge where it covers nothing drawn: lines and
    markers (`lines`), scatter points, contour labels, the given `patches` (bars). If there is no
    such place: outside the Axes on the right (`outside`), else where matplotlib's "best" puts
    it. Returns the Legend."""
    kwargs.setdefault("fontsize", LABEL_FONTSIZE)
    legend = ax.legend(loc=LEGEND_SPOTS[0], **kwargs)
    renderer = renderer_of(ax)
    if renderer is None:                                  # a canvas that cannot measure: let matplotlib guess
        legend.set_loc("best")
        return legend
    width, height = axes_inches(ax)
    box = legend.get_window_extent(renderer)
    box_width, box_height = 1.15 * box.width / ax.figure.dpi + GAP, 1.15 * box.height / ax.figure.dpi + GAP
    pad = legend.borderaxespad * legend.prop.get_size_in_points() / 72
    blocked, radius = obstacles(ax, patches, lines)
    for spot in LEGEND_SPOTS:
        x0 = {"left": pad, "right": width - pad - box_width}.get(spot.split()[-1], (width - box_width) / 2)
        y0 = {"lower": pad, "upper": height - pad - box_height}.get(spot.split()[0], (height - box_height) / 2)
        inside = ((blocked[:, 0] + radius > x0) & (blocked[:, 0] - radius < x0 + box_width)
                  & (blocked[:, 1] + radius > y0) & (blocked[:, 1] - radius < y0 + box_height))
        if not inside.any():
            legend.set_loc(spot)
            return legend
    if not outside:
        legend.set_loc("best")
        return legend
    return ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0, **kwargs)
