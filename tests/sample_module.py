"""A module description for tests (the shape of ModuleInput), independent of the demo package."""

SAMPLE_MODULE = {
    'slug': 'safe-angle-grinder',
    'title': 'Safe use of an angle grinder',
    'summary': ('A short hybrid module for metalwork and construction trainees: learn the hazards of the '
                'angle grinder, choose and fit the right disc, protect yourself, and show a workshop '
                'mentor that you can cut and grind safely.'),
    'language': 'en',
    'eqf_level': 3,
    'workload_hours': '4',
    'ects': None,
    'prerequisites': 'None. Basic workshop safety induction recommended.',
    'participation': 'hybrid',
    'assessment_type': ('Online quiz on hazards and disc selection; self-assessment at three stages; '
                        'practical task observed and signed off in person by a workshop mentor.'),
    'quality_assurance': ('Content reviewed by a certified VET trainer and a workplace safety officer; '
                          'practical assessment follows the training provider\'s internal QA procedure.'),
    'outcomes': [
        {'kind': 'knowledge', 'text': 'Explain the main hazards of an angle grinder (kickback, disc burst, '
                                      'sparks, noise, dust) and how each one is controlled.'},
        {'kind': 'knowledge', 'text': 'Choose the right disc for a material and check that its maximum speed '
                                      'is at least the rated speed of the grinder.'},
        {'kind': 'skills', 'text': 'Inspect the grinder, guard and disc before use, and fit a disc safely '
                                   'with the tool unplugged.'},
        {'kind': 'skills', 'text': 'Select and wear the required protective equipment: face shield over '
                                   'safety glasses, hearing protection, gloves and close-fitting clothing.'},
        {'kind': 'skills', 'text': 'Cut and grind a clamped steel workpiece with a stable stance, a two-handed '
                                   'grip and the guard between the disc and the body.'},
        {'kind': 'responsibility', 'text': 'Keep the work area safe for others (sparks, bystanders, fire '
                                           'watch) and take defective equipment out of use and report it.'},
    ],
    'steps': [
        {'title': 'Hazards of the angle grinder', 'estimated_minutes': 20,
         'summary': 'What can go wrong: kickback, disc burst, sparks and fire, noise, dust and vibration.'},
        {'title': 'Choosing and fitting the right disc', 'estimated_minutes': 25,
         'summary': 'Cutting, grinding and flap discs; speed ratings; fitting a disc with the tool unplugged.'},
        {'title': 'Personal protective equipment', 'estimated_minutes': 15,
         'summary': 'Eyes, face, ears, hands and clothing: what to wear and why.'},
        {'title': 'Safe cutting and grinding technique', 'estimated_minutes': 30,
         'summary': 'Clamping, stance, grip, guard position and the direction of sparks.'},
    ],
}
