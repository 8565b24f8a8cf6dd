"""Pure: which format of a unit to open first, and why.

Order of precedence: the format the learner just picked, the format they picked earlier in this
module, their questionnaire profile (adjusted by their context: slow link, no sound, reading), a
slow-connection setting without a profile, and finally the trainer's order.
"""

from dataclasses import dataclass

# Which modalities each format serves (mirrors content.formats; kept here so this module stays pure).
FORMAT_MODALITIES = {
    'video': ('visual', 'auditory'),
    'audio': ('auditory',),
    'text': ('read_write',),
    'workbook': ('read_write', 'kinesthetic'),
    'hands_on': ('kinesthetic',),
}
HEAVY = {'video', 'audio'}


@dataclass(frozen=True)
class Choice:
    format: str
    reason: str  # chosen, previous_choice, profile, context, low_bandwidth, default
    modality: str | None = None  # the preference that made the profile pick this format
    matched: bool | None = None  # does the format serve one of the learner's top modalities (None: no profile)


def _penalty(fmt: str, context: dict) -> float:
    factor = 1.0
    if context.get('slow_link') and fmt == 'video':
        factor *= 0.2  # on mobile data or a weak link, video waits until the learner taps it
    if context.get('no_sound') and fmt in ('audio', 'video'):
        factor *= 0.5 if fmt == 'video' else 0.1  # video still works with captions
    if context.get('reading_hard') and fmt in ('text', 'workbook'):
        factor *= 0.5
    return factor


def choose(formats: list[str], *, scores: dict | None = None, top: tuple[str, ...] = (), context: dict | None = None,
           requested: str | None = None, previous: str | None = None, low_bandwidth: bool = False) -> Choice | None:
    """`formats`: the unit's formats in the trainer's order."""
    if not formats:
        return None
    context = dict(context or {})
    if low_bandwidth:
        context['slow_link'] = True

    def matched(fmt: str) -> bool | None:
        return bool(set(FORMAT_MODALITIES.get(fmt, ())) & set(top)) if top else None

    if requested in formats:
        return Choice(requested, 'chosen', matched=matched(requested))
    if previous in formats:
        return Choice(previous, 'previous_choice', matched=matched(previous))
    if scores and top:
        def affinity(fmt: str) -> float:
            # the mean over the modalities the format serves: a format that serves only what the learner
            # prefers beats one that serves it half (a pure hands-on learner gets the task before the workbook)
            served = FORMAT_MODALITIES.get(fmt, ())
            return sum(scores.get(m, 0) for m in served) / len(served) if served else 0

        ranked = sorted(formats, key=lambda f: (-affinity(f) * _penalty(f, context), formats.index(f)))
        best = ranked[0]
        by_taste = sorted(formats, key=lambda f: (-affinity(f), formats.index(f)))[0]
        modality = max(FORMAT_MODALITIES.get(best, ()), key=lambda m: scores.get(m, 0), default=None)
        return Choice(best, 'profile' if best == by_taste else 'context', modality, matched(best))
    if context.get('slow_link'):
        light = [f for f in formats if f not in HEAVY]
        if light:
            return Choice(light[0], 'low_bandwidth')
    return Choice(formats[0], 'default')
