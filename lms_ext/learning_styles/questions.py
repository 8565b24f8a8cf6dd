"""The default questionnaire (pure data), copied into the database on first use; trainers can edit it.

Text: microVET modules contributors, licensed under CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/).
Written for vocational learners; not derived from VARK or the Felder–Soloman index. Each preference
question has one option per modality; several may be chosen. Context questions change routing only.
"""

LICENSE = 'CC BY 4.0 — microVET modules contributors'
V, A, R, K = 'visual', 'auditory', 'read_write', 'kinesthetic'


def N_(text: str) -> str:
    """Marks a string for the translation catalogue; it is translated when copied into the database."""
    return text


def _pref(key, prompt, *options):
    return {'key': key, 'kind': 'preference', 'multiple': True, 'prompt': prompt,
            'options': [{'key': k, 'label': label, 'modalities': list(mods)} for k, label, mods in options]}


def _ctx(key, prompt, *options, multiple=False):
    return {'key': key, 'kind': 'context', 'multiple': multiple, 'prompt': prompt,
            'options': [{'key': k, 'label': label, 'context': ctx} for k, label, ctx in options]}


DEFAULT_ITEMS = [
    _pref('new_machine', N_('You are about to use a machine you have never used before. What do you do first?'),
          ('watch', N_('Watch someone use it, or a video of it'), [V]),
          ('ask', N_('Ask a colleague to talk me through it'), [A]),
          ('read', N_('Read the manual or the safety sheet'), [R]),
          ('try', N_('Try it carefully, with someone next to me'), [K])),
    _pref('directions', N_('You have to pick up parts at a supplier you have never visited. What helps most?'),
          ('map', N_('A map or a sketch'), [V]),
          ('told', N_('Someone telling me the way'), [A]),
          ('written', N_('Written directions with street names'), [R]),
          ('together', N_('Driving there together once'), [K])),
    _pref('remember', N_('What helps you remember a work procedure a week later?'),
          ('pictures', N_('Photos or a diagram of the steps'), [V]),
          ('talked', N_('Having talked it through with someone'), [A]),
          ('notes', N_('My own notes or a checklist'), [R]),
          ('done', N_('Having done it myself a few times'), [K])),
    _pref('fault', N_('A tool starts making a strange noise. How do you find out what is wrong?'),
          ('look', N_('Look closely and compare with a picture of the parts'), [V]),
          ('call', N_('Call someone and describe the sound'), [A]),
          ('lookup', N_('Look it up in the manual or online'), [R]),
          ('test', N_('Check it step by step, one part at a time'), [K])),
    _pref('teach', N_('A new apprentice starts. How would you rather explain a task to them?'),
          ('draw', N_('Draw it or show a photo'), [V]),
          ('tell', N_('Tell them while they listen'), [A]),
          ('write', N_('Write the steps down for them'), [R]),
          ('show', N_('Do it together with them'), [K])),
    _pref('online', N_('In an online lesson, what do you open first?'),
          ('video', N_('The video'), [V, A]),
          ('audio', N_('A recording I can listen to while doing something else'), [A]),
          ('text', N_('The text'), [R]),
          ('exercise', N_('The practical exercise'), [K])),
    _pref('test_prep', N_('Before a test, how do you prepare?'),
          ('diagrams', N_('Go over diagrams and colour-marked notes'), [V]),
          ('discuss', N_('Discuss the questions with others'), [A]),
          ('rewrite', N_('Read and rewrite my notes'), [R]),
          ('practise', N_('Practise the real tasks'), [K])),
    _pref('free_time', N_('You want to learn to fix something at home, for example a bike. You…'),
          ('clip', N_('watch a clip that shows it'), [V]),
          ('phone', N_('phone someone who knows how'), [A]),
          ('guide', N_('follow a written guide'), [R]),
          ('tinker', N_('start and learn from what happens'), [K])),
    _pref('feedback', N_('Which feedback on your work helps you most?'),
          ('marked', N_('A photo or drawing with marks on it'), [V]),
          ('spoken', N_('A talk about what went well and what did not'), [A]),
          ('comments', N_('Written comments'), [R]),
          ('shown', N_('Being shown how to do it better'), [K])),
    _ctx('device', N_('Which device will you mostly use for this course?'),
         ('phone', N_('A phone'), {'device': 'phone'}), ('tablet', N_('A tablet'), {'device': 'tablet'}),
         ('computer', N_('A laptop or computer'), {'device': 'computer'})),
    _ctx('connection', N_('How is the internet where you usually study?'),
         ('good', N_('Good and unlimited'), {'slow_link': False}),
         ('metered', N_('Mobile data that I pay for'), {'slow_link': True}),
         ('slow', N_('Slow, or it often breaks'), {'slow_link': True})),
    _ctx('place', N_('Where do you usually study? (choose all that apply)'),
         ('quiet', N_('A quiet room'), {}),
         ('noisy', N_('A noisy workshop or building site'), {'no_sound': True}),
         ('shared', N_('On the move or in a shared space, without headphones'), {'no_sound': True}), multiple=True),
    _ctx('reading', N_('How easy is it for you to read longer texts in the language of this course?'),
         ('easy', N_('Easy'), {'reading_hard': False}), ('ok', N_('It is fine'), {'reading_hard': False}),
         ('hard', N_('Hard, I prefer to watch or listen'), {'reading_hard': True})),
    _ctx('captions', N_('Do you want captions on videos?'),
         ('always', N_('Yes, always'), {'captions': 'always'}), ('sometimes', N_('Sometimes'), {'captions': 'auto'}),
         ('no', N_('No'), {'captions': 'off'})),
]
