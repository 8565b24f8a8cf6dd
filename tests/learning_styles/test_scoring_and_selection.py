"""Pure scoring and routing: hand-checked profiles, ties, multimodal answers, fallbacks and overrides."""

import pytest

from lms_ext.learning_styles import questions, scoring, selection

ITEMS = questions.DEFAULT_ITEMS
ALL_FORMATS = ['video', 'audio', 'text', 'workbook', 'hands_on']  # the trainer's order


def _answers(**chosen):
    return {key: value if isinstance(value, list) else [value] for key, value in chosen.items()}


def test_default_set_has_one_option_per_modality_in_every_preference_question():
    preference = [i for i in ITEMS if i['kind'] == 'preference']
    assert 8 <= len(preference) <= 12
    for item in preference:
        covered = {m for o in item['options'] for m in o['modalities']}
        assert covered == set(scoring.MODALITIES), item['key']
    assert {i['key'] for i in ITEMS if i['kind'] == 'context'} >= {'device', 'connection', 'place', 'reading',
                                                                  'captions'}


def test_scores_are_shares_of_what_was_possible():
    # 9 preference questions; 'online' also lets video count for auditory, so auditory had 9 chances too.
    profile = scoring.score(ITEMS, _answers(new_machine='watch', directions='map', remember='pictures',
                                            fault='call', teach='tell', online='video'))
    assert profile.scores == {'visual': round(4 / 9, 4), 'auditory': round(3 / 9, 4), 'read_write': 0.0,
                              'kinesthetic': 0.0}
    assert profile.top == ('visual',)  # 3/9 is below 80 % of 4/9


def test_ties_and_multimodal_profiles_keep_every_strong_modality_in_fixed_order():
    profile = scoring.score(ITEMS, _answers(new_machine=['read', 'try'], remember=['notes', 'done']))
    assert profile.scores['read_write'] == profile.scores['kinesthetic'] == round(2 / 9, 4)
    assert profile.top == ('read_write', 'kinesthetic')
    # several options of one modality in one question count as one point, not two
    double = scoring.score(ITEMS, _answers(online=['video', 'audio']))
    assert double.scores['auditory'] == round(1 / 9, 4) and double.scores['visual'] == round(1 / 9, 4)


def test_context_answers_and_empty_answers():
    profile = scoring.score(ITEMS, _answers(connection='metered', place=['quiet', 'noisy'], reading='hard'))
    assert profile.context == {'slow_link': True, 'no_sound': True, 'reading_hard': True}
    assert scoring.score(ITEMS, {}).top == ()


@pytest.mark.parametrize(('kwargs', 'expected'), [
    ({}, ('video', 'default')),  # no profile: the trainer's order
    ({'low_bandwidth': True}, ('text', 'low_bandwidth')),  # no profile, slow link: first light format
    ({'scores': {'kinesthetic': 1.0}, 'top': ('kinesthetic',)}, ('hands_on', 'profile')),
    ({'scores': {'read_write': 1.0}, 'top': ('read_write',)}, ('text', 'profile')),
    ({'scores': {'visual': 1.0}, 'top': ('visual',)}, ('video', 'profile')),
    # visual learner on mobile data: video waits, the next best match opens
    ({'scores': {'visual': 1.0, 'read_write': 0.5}, 'top': ('visual',), 'context': {'slow_link': True}},
     ('text', 'context')),
    # auditory learner without sound: audio waits; captioned video is the best remaining match
    ({'scores': {'auditory': 1.0}, 'top': ('auditory',), 'context': {'no_sound': True}}, ('video', 'context')),
    # an explicit choice beats everything; an earlier choice beats the profile
    ({'scores': {'visual': 1.0}, 'top': ('visual',), 'requested': 'workbook', 'previous': 'audio'},
     ('workbook', 'chosen')),
    ({'scores': {'visual': 1.0}, 'top': ('visual',), 'previous': 'audio'}, ('audio', 'previous_choice')),
    ({'requested': 'podcast'}, ('video', 'default')),  # a format the unit does not have is ignored
])
def test_routing(kwargs, expected):
    choice = selection.choose(ALL_FORMATS, **kwargs)
    assert (choice.format, choice.reason) == expected


def test_routing_falls_back_to_what_the_unit_has():
    assert selection.choose(['text', 'workbook'], scores={'visual': 1.0}, top=('visual',)).format == 'text'
    assert selection.choose(['video'], low_bandwidth=True).format == 'video'  # nothing lighter exists
    assert selection.choose([]) is None


def test_matched_flag_and_the_modality_named_in_the_reason():
    # mean affinity: audio (1.0) beats video ((0.9 + 1.0) / 2) for a mostly auditory learner
    choice = selection.choose(ALL_FORMATS, scores={'auditory': 1.0, 'visual': 0.9}, top=('auditory', 'visual'))
    assert (choice.format, choice.modality, choice.matched) == ('audio', 'auditory', True)
    # equal visual and auditory: video and audio tie at 1.0, the trainer's order decides
    choice = selection.choose(ALL_FORMATS, scores={'auditory': 1.0, 'visual': 1.0}, top=('visual', 'auditory'))
    assert (choice.format, choice.modality) == ('video', 'visual')
    assert selection.choose(ALL_FORMATS, requested='text', top=('visual',)).matched is False
    assert selection.choose(ALL_FORMATS).matched is None
