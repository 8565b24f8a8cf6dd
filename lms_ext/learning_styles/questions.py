"""The default questionnaire (pure data), copied into the database on first use; trainers can edit it.

Text: microVET modules contributors, licensed under CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/).
Written for vocational learners; not derived from VARK or the Felder–Soloman index. Each preference
question has one option per modality; several may be chosen. Context questions change routing only.
"""

LICENSE = 'CC BY 4.0 — microVET modules contributors'
V, A, R, K = 'visual', 'auditory', 'read_write', 'kinesthetic'


def _pref(key, prompt, *options):
    return {'key': key, 'kind': 'preference', 'multiple': True, 'prompt': prompt,
            'options': [{'key': k, 'label': label, 'modalities': list(mods)} for k, label, mods in options]}


def _ctx(key, prompt, *options, multiple=False):
    return {'key': key, 'kind': 'context', 'multiple': multiple, 'prompt': prompt,
            'options': [{'key': k, 'label': label, 'context': ctx} for k, label, ctx in options]}


DEFAULT_ITEMS = [
    _pref('new_machine', 'You are about to use a machine you have never used before. What do you do first?',
          ('watch', 'Watch someone use it, or a video of it', [V]),
          ('ask', 'Ask a colleague to talk me through it', [A]),
          ('read', 'Read the manual or the safety sheet', [R]),
          ('try', 'Try it carefully, with someone next to me', [K])),
    _pref('directions', 'You have to pick up parts at a supplier you have never visited. What helps most?',
          ('map', 'A map or a sketch', [V]),
          ('told', 'Someone telling me the way', [A]),
          ('written', 'Written directions with street names', [R]),
          ('together', 'Driving there together once', [K])),
    _pref('remember', 'What helps you remember a work procedure a week later?',
          ('pictures', 'Photos or a diagram of the steps', [V]),
          ('talked', 'Having talked it through with someone', [A]),
          ('notes', 'My own notes or a checklist', [R]),
          ('done', 'Having done it myself a few times', [K])),
    _pref('fault', 'A tool starts making a strange noise. How do you find out what is wrong?',
          ('look', 'Look closely and compare with a picture of the parts', [V]),
          ('call', 'Call someone and describe the sound', [A]),
          ('lookup', 'Look it up in the manual or online', [R]),
          ('test', 'Check it step by step, one part at a time', [K])),
    _pref('teach', 'A new apprentice starts. How would you rather explain a task to them?',
          ('draw', 'Draw it or show a photo', [V]),
          ('tell', 'Tell them while they listen', [A]),
          ('write', 'Write the steps down for them', [R]),
          ('show', 'Do it together with them', [K])),
    _pref('online', 'In an online lesson, what do you open first?',
          ('video', 'The video', [V, A]),
          ('audio', 'A recording I can listen to while doing something else', [A]),
          ('text', 'The text', [R]),
          ('exercise', 'The practical exercise', [K])),
    _pref('test_prep', 'Before a test, how do you prepare?',
          ('diagrams', 'Go over diagrams and colour-marked notes', [V]),
          ('discuss', 'Discuss the questions with others', [A]),
          ('rewrite', 'Read and rewrite my notes', [R]),
          ('practise', 'Practise the real tasks', [K])),
    _pref('free_time', 'You want to learn to fix something at home, for example a bike. You…',
          ('clip', 'watch a clip that shows it', [V]),
          ('phone', 'phone someone who knows how', [A]),
          ('guide', 'follow a written guide', [R]),
          ('tinker', 'start and learn from what happens', [K])),
    _pref('feedback', 'Which feedback on your work helps you most?',
          ('marked', 'A photo or drawing with marks on it', [V]),
          ('spoken', 'A talk about what went well and what did not', [A]),
          ('comments', 'Written comments', [R]),
          ('shown', 'Being shown how to do it better', [K])),
    _ctx('device', 'Which device will you mostly use for this course?',
         ('phone', 'A phone', {'device': 'phone'}), ('tablet', 'A tablet', {'device': 'tablet'}),
         ('computer', 'A laptop or computer', {'device': 'computer'})),
    _ctx('connection', 'How is the internet where you usually study?',
         ('good', 'Good and unlimited', {'slow_link': False}),
         ('metered', 'Mobile data that I pay for', {'slow_link': True}),
         ('slow', 'Slow, or it often breaks', {'slow_link': True})),
    _ctx('place', 'Where do you usually study? (choose all that apply)',
         ('quiet', 'A quiet room', {}),
         ('noisy', 'A noisy workshop or building site', {'no_sound': True}),
         ('shared', 'On the move or in a shared space, without headphones', {'no_sound': True}), multiple=True),
    _ctx('reading', 'How easy is it for you to read longer texts in the language of this course?',
         ('easy', 'Easy', {'reading_hard': False}), ('ok', 'It is fine', {'reading_hard': False}),
         ('hard', 'Hard, I prefer to watch or listen', {'reading_hard': True})),
    _ctx('captions', 'Do you want captions on videos?',
         ('always', 'Yes, always', {'captions': 'always'}), ('sometimes', 'Sometimes', {'captions': 'auto'}),
         ('no', 'No', {'captions': 'off'})),
]
