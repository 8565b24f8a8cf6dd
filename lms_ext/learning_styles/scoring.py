"""Pure: questionnaire answers → a score per modality and a routing context.

A multimodal profile is normal: every modality whose score is within 80 % of the highest counts as a
preference. Scores are shares of what was possible (0..1), so a question set with more items for one
modality does not favour it.
"""

from dataclasses import dataclass, field

MODALITIES = ('visual', 'auditory', 'read_write', 'kinesthetic')
TOP_SHARE = 0.8


@dataclass(frozen=True)
class Profile:
    scores: dict[str, float]
    context: dict[str, object] = field(default_factory=dict)

    @property
    def top(self) -> tuple[str, ...]:
        """The preferred modalities, strongest first (ties keep the fixed MODALITIES order)."""
        best = max(self.scores.values(), default=0)
        if best <= 0:
            return ()
        ranked = sorted(MODALITIES, key=lambda m: (-self.scores.get(m, 0), MODALITIES.index(m)))
        return tuple(m for m in ranked if self.scores.get(m, 0) >= TOP_SHARE * best)


def score(items: list[dict], answers: dict[str, list[str]]) -> Profile:
    """`items`: [{key, kind, options: [{key, modalities?, context?}]}]; `answers`: item key → chosen option keys."""
    raw = dict.fromkeys(MODALITIES, 0.0)
    possible = dict.fromkeys(MODALITIES, 0)
    context: dict[str, object] = {}
    for item in items:
        chosen = set(answers.get(item['key'], []))
        options = item['options']
        if item['kind'] == 'preference':
            for modality in {m for option in options for m in option.get('modalities', [])}:
                possible[modality] += 1
            for option in options:
                if option['key'] in chosen:
                    for modality in option.get('modalities', []):
                        # one point per question at most, shared when several options of one modality are chosen
                        raw[modality] += 1 / sum(1 for o in options if o['key'] in chosen
                                                 and modality in o.get('modalities', []))
        else:
            for option in options:
                if option['key'] in chosen:
                    context.update(option.get('context', {}))
    scores = {m: round(raw[m] / possible[m], 4) if possible[m] else 0.0 for m in MODALITIES}
    return Profile(scores=scores, context=context)
