"""Pure: the geometry of the small progression chart per outcome (SVG user units). No Flask, no database.

Stages run left to right, levels 1..4 bottom to top. The retrospective start ("where I now think I
started") sits on the first stage's column as a hollow ring; the mentor's level on an extra column at the
right once it exists.
"""

WIDTH, HEIGHT = 320, 132
LEFT, RIGHT, TOP, BOTTOM = 104, 18, 12, 26
LEVEL_COUNT = 4


def _y(level: int) -> float:
    return round(TOP + (LEVEL_COUNT - level) * (HEIGHT - TOP - BOTTOM) / (LEVEL_COUNT - 1), 1)


def progression(stage_count: int, levels: list[int | None], *, start: int | None = None,
                mentor: int | None = None) -> dict:
    """Coordinates for one outcome: `levels` has one entry per stage (None: not answered)."""
    columns = stage_count + (1 if mentor is not None else 0)
    span = WIDTH - LEFT - RIGHT
    xs = [round(LEFT + (span / 2 if columns == 1 else i * span / (columns - 1)), 1) for i in range(columns)]
    points = [{'x': xs[i], 'y': _y(level), 'level': level, 'stage': i + 1}
              for i, level in enumerate(levels) if level is not None]
    return {
        'width': WIDTH, 'height': HEIGHT, 'left': LEFT, 'right': WIDTH - RIGHT, 'axis_y': HEIGHT - BOTTOM + 16,
        'rows': [{'level': level, 'y': _y(level)} for level in range(1, LEVEL_COUNT + 1)],
        'columns': [{'x': xs[i], 'label': str(i + 1)} for i in range(stage_count)],
        'points': points, 'line': ' '.join(f"{p['x']},{p['y']}" for p in points),
        'start': {'x': xs[0], 'y': _y(start)} if start is not None and xs else None,
        'mentor': {'x': xs[-1], 'y': _y(mentor)} if mentor is not None else None,
    }
