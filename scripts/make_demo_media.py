"""Regenerate every media asset of the demo module "Safe use of an angle grinder".

Usage:
    .venv/bin/python scripts/make_demo_media.py          # write all assets, then check module.yaml
    .venv/bin/python scripts/make_demo_media.py --check  # only check module.yaml against the assets

Writes into lms_ext/demo/package/assets/, per unit: a narration (Ogg Opus, espeak-ng), a slide video (WebM,
VP9 + Opus, 640x360), a poster (JPEG), English and Dutch captions (WebVTT) whose cues follow the narration
sentence by sentence; and one shared A4 workbook (PDF) for the whole module.

Needs on the machine (tools for authors, not runtime dependencies of the app):
    apt-get install -y ffmpeg espeak-ng fonts-dejavu-core
    .venv/bin/pip install fpdf2        # brings Pillow too
    PyYAML for the module.yaml check (skipped with a note if it is missing)
"""

import argparse
import array
import shutil
import subprocess
import sys
import tempfile
import textwrap
import wave
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / 'lms_ext' / 'demo' / 'package'
ASSETS = PACKAGE / 'assets'
FONT_DIR = Path('/usr/share/fonts/truetype/dejavu')
FONT = FONT_DIR / 'DejaVuSans.ttf'
FONT_BOLD = FONT_DIR / 'DejaVuSans-Bold.ttf'

WORKBOOK = 'angle-grinder-workbook.pdf'
MODULE_TITLE = 'Safe use of an angle grinder'

# Narration: espeak-ng voice and pacing, and the silences put between sentences (seconds).
VOICE, SPEED = 'en-gb', 160
LEAD_IN, CUE_GAP, SLIDE_GAP, TAIL = 0.5, 0.35, 0.6, 0.8
RATE = 22050  # espeak-ng writes 16-bit mono at this rate
CAPTION_WIDTH = 46  # characters per caption line, two lines at most

# Slides
WIDTH, HEIGHT = 640, 360
NAVY, YELLOW, WHITE, GREY = (24, 38, 56), (255, 204, 0), (255, 255, 255), (170, 182, 196)


@dataclass(frozen=True)
class Slide:
    heading: str
    lines: tuple[str, ...]
    cues: tuple[tuple[str, str], ...]  # (English sentence, Dutch caption), one caption cue each


@dataclass(frozen=True)
class Unit:
    number: int
    name: str  # file stem
    title: str
    colour: tuple[int, int, int]
    slides: tuple[Slide, ...]


@dataclass
class Timing:
    duration: float = 0.0
    cues: list[tuple[float, float, str, str]] = field(default_factory=list)  # start, end, en, nl
    slide_starts: list[float] = field(default_factory=list)


UNITS: tuple[Unit, ...] = (
    Unit(1, 'unit1-hazards', 'Hazards of the angle grinder', (122, 28, 28), (
        Slide('Hazards of the angle grinder', ('A very useful tool', 'Dangerous if used wrongly'), (
            ('An angle grinder is a very useful tool.',
             'Een haakse slijper is een heel handige machine.'),
            ('Used the wrong way, it is also very dangerous.',
             'Verkeerd gebruikt is hij ook heel gevaarlijk.'),
        )),
        Slide('Kickback', ('The disc jams or snags', 'The grinder jumps back at you', 'Two hands, stay out of line'), (
            ('Kickback happens when the disc jams or snags.',
             'Terugslag ontstaat als de schijf vastloopt of blijft haken.'),
            ('The grinder jumps back at you with great force.',
             'De slijper springt dan met grote kracht naar je toe.'),
            ('Hold it with both hands, and stay out of line with the disc.',
             'Houd hem met twee handen vast en blijf uit de lijn van de schijf.'),
        )),
        Slide('Disc burst', ('Damaged or too slow disc', 'Guard in place', 'Face shield on'), (
            ("A damaged disc, or a disc rated below the grinder's speed, can burst.",
             'Een beschadigde schijf, of een schijf voor een lager toerental dan de slijper, kan breken.'),
            ('The guard and a face shield stop the pieces.',
             'De beschermkap en een gelaatsscherm houden de stukken tegen.'),
        )),
        Slide('More hazards', ('Sparks start fires', 'Noise harms hearing', 'Dust harms lungs',
                               'Vibration harms hands'), (
            ('Sparks can start a fire far from where you work.',
             'Vonken kunnen ver van je werkplek brand veroorzaken.'),
            ('Noise damages your hearing, dust harms your lungs, and vibration harms your hands.',
             'Lawaai beschadigt je gehoor, stof je longen en trillingen je handen.'),
        )),
        Slide('Every hazard has a control', ('Learn the controls', 'before you switch on'), (
            ('Every hazard has a control. Learn them before you switch on.',
             'Voor elk gevaar is er een maatregel. Leer ze voordat je de machine aanzet.'),
        )),
    )),
    Unit(2, 'unit2-discs', 'Choosing and fitting the right disc', (20, 83, 45), (
        Slide('Choosing and fitting the right disc', ('Cutting disc: cutting only', 'Grinding disc: grinding',
                                                      'Flap disc: finishing'), (
            ('A thin cutting disc is for cutting only. Never grind with its side.',
             'Een dunne doorslijpschijf is alleen om door te slijpen. Slijp nooit met de zijkant.'),
            ('To grind, use a grinding disc or a flap disc.',
             'Gebruik om te slijpen een afbraamschijf of een lamellenschijf.'),
        )),
        Slide('Read the label', ('Right material', 'Max. speed ≥ grinder speed', 'Right size, not expired'), (
            ('Read the label. The disc must suit the material you work on.',
             'Lees het etiket. De schijf moet passen bij het materiaal waarop je werkt.'),
            ("Its maximum speed must be at least the speed on the grinder's plate.",
             'Het maximale toerental moet minstens zo hoog zijn als het toerental op het typeplaatje.'),
            ('Check the size, and the use-by date.',
             'Controleer de maat en de uiterste gebruiksdatum.'),
        )),
        Slide('Check the disc', ('No cracks, no chips', 'Not wet, not dropped'), (
            ('Never use a disc that is cracked, chipped, wet or has been dropped.',
             'Gebruik nooit een schijf die gebarsten, beschadigd, nat of gevallen is.'),
        )),
        Slide('Fit it unplugged', ('Unplug first', 'Right flanges, use the key', 'Set the guard, test run'), (
            ('Unplug the grinder, or remove the battery, before you change a disc.',
             'Haal de stekker of de accu eruit voordat je een schijf wisselt.'),
            ('Fit the flanges the right way, and tighten them with the key.',
             'Monteer de flenzen op de juiste manier en draai ze vast met de sleutel.'),
            ('Set the guard.',
             'Stel de beschermkap af.'),
            ('Then run the grinder for one minute, with everyone out of line with the disc.',
             'Laat de slijper dan een minuut draaien, met iedereen uit de lijn van de schijf.'),
        )),
    )),
    Unit(3, 'unit3-ppe', 'Personal protective equipment', (28, 62, 120), (
        Slide('Personal protective equipment', ('Your last line of defence', 'Every time, every cut'), (
            ('Protective equipment is your last line of defence.',
             'Persoonlijke beschermingsmiddelen zijn je laatste verdediging.'),
            ('Wear it every time, even for one short cut.',
             'Draag ze altijd, ook voor één korte snede.'),
        )),
        Slide('Eyes and face', ('Safety glasses', 'plus a full face shield'), (
            ('Wear safety glasses, with a full face shield over them.',
             'Draag een veiligheidsbril met een volledig gelaatsscherm eroverheen.'),
            ('Sparks and bits of disc hit your face first.',
             'Vonken en stukjes schijf raken als eerste je gezicht.'),
        )),
        Slide('Ears and lungs', ('Ear plugs or ear muffs', 'A mask for dust and fume'), (
            ('A grinder is very loud. Wear ear plugs or ear muffs.',
             'Een slijper maakt veel lawaai. Draag oordopjes of oorkappen.'),
            ('If there is dust or fume, wear the mask that the task needs.',
             'Bij stof of dampen draag je het masker dat bij de klus hoort.'),
        )),
        Slide('Hands, body and feet', ('Close-fitting leather gloves', 'Flame-resistant clothes',
                                       'Nothing loose, safety boots'), (
            ('Wear close-fitting leather gloves and safety boots.',
             'Draag goed passende leren handschoenen en veiligheidsschoenen.'),
            ('Wear flame-resistant work clothes with nothing loose.',
             'Draag vlamvertragende werkkleding zonder loshangende delen.'),
            ('Tie back long hair, and take off rings and chains.',
             'Bind lang haar vast en doe ringen en kettingen af.'),
        )),
    )),
    Unit(4, 'unit4-technique', 'Safe cutting and grinding technique', (92, 52, 12), (
        Slide('Safe cutting and grinding', ('Clamp the workpiece', 'Never hold it by hand or foot'), (
            ('First, clamp the workpiece firmly. Never hold it with your hand or foot.',
             'Klem eerst het werkstuk stevig vast. Houd het nooit vast met je hand of voet.'),
        )),
        Slide('Stance and grip', ('Feet apart, stand firm', 'Both hands on the grinder',
                                  'Guard between disc and you'), (
            ('Stand firmly, with your feet apart.',
             'Sta stevig, met je voeten uit elkaar.'),
            ('Hold the grinder with both hands, and keep the guard between the disc and your body.',
             'Houd de slijper met twee handen vast en houd de beschermkap tussen de schijf en je lichaam.'),
        )),
        Slide('Cut and grind', ('Full speed before contact', 'Do not force or twist', 'Grind at a shallow angle'), (
            ('Let the disc reach full speed before it touches the work.',
             'Laat de schijf op volle snelheid komen voordat hij het werkstuk raakt.'),
            ('Do not force it, and do not twist the disc in the cut.',
             'Forceer niets en draai de schijf niet in de snede.'),
            ('To grind, hold the disc at a shallow angle.',
             'Houd de schijf bij het slijpen onder een kleine hoek.'),
        )),
        Slide('Sparks and fire', ('Sparks away from people', 'Nothing that can burn nearby',
                                  'Watch for fire afterwards'), (
            ('Aim the sparks away from people and anything that can burn.',
             'Richt de vonken weg van mensen en van alles wat kan branden.'),
            ('Keep an extinguisher close, and watch for fire after you finish.',
             'Houd een blusser bij de hand en let na afloop op brand.'),
        )),
        Slide('When you stop', ('Wait until the disc stops', 'Then unplug'), (
            ('When you finish, wait until the disc stops, then unplug the grinder.',
             'Als je klaar bent, wacht je tot de schijf stilstaat. Haal daarna de stekker eruit.'),
        )),
    )),
)


# ---------------------------------------------------------------- helpers

def run(*cmd: str) -> None:
    subprocess.run(cmd, check=True, capture_output=True)


def need_tools() -> None:
    missing = [tool for tool in ('ffmpeg', 'ffprobe', 'espeak-ng') if shutil.which(tool) is None]
    missing += [str(font) for font in (FONT, FONT_BOLD) if not font.exists()]
    if missing:
        sys.exit(f'Missing: {", ".join(missing)} (apt-get install -y ffmpeg espeak-ng fonts-dejavu-core)')


def probe_duration(path: Path) -> float:
    out = subprocess.run(['ffprobe', '-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0',
                          str(path)], check=True, capture_output=True, text=True).stdout
    return float(out.strip())


def speak(text: str, tmp: Path) -> array.array:
    """One sentence as 16-bit samples, leading and trailing silence cut off."""
    wav = tmp / 'cue.wav'
    run('espeak-ng', '-v', VOICE, '-s', str(SPEED), '-w', str(wav), text)
    with wave.open(str(wav)) as w:
        assert (w.getframerate(), w.getnchannels(), w.getsampwidth()) == (RATE, 1, 2)
        samples = array.array('h', w.readframes(w.getnframes()))
    loud = [i for i, s in enumerate(samples) if abs(s) > 300]
    pad = int(0.03 * RATE)
    return samples[max(loud[0] - pad, 0):loud[-1] + pad]


def silence(seconds: float) -> array.array:
    return array.array('h', bytes(2 * round(seconds * RATE)))


# ---------------------------------------------------------------- narration and captions

def narrate(unit: Unit, tmp: Path) -> Timing:
    """Speak every cue into tmp/narration.wav and return where each cue and slide starts."""
    timing, audio = Timing(), silence(LEAD_IN)
    for index, slide in enumerate(unit.slides):
        if index:
            audio += silence(SLIDE_GAP - CUE_GAP)
        timing.slide_starts.append(len(audio) / RATE)
        for en, nl in slide.cues:
            start = len(audio) / RATE
            audio += speak(en, tmp)
            timing.cues.append((start, len(audio) / RATE, en, nl))
            audio += silence(CUE_GAP)
    audio += silence(TAIL - CUE_GAP)
    timing.duration = len(audio) / RATE
    with wave.open(str(tmp / 'narration.wav'), 'wb') as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(audio.tobytes())
    return timing


def vtt_time(seconds: float) -> str:
    ms = round(seconds * 1000)
    return f'{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d}.{ms % 1000:03d}'


def write_vtt(path: Path, timing: Timing, language: str) -> None:
    blocks = ['WEBVTT']
    for number, (start, end, en, nl) in enumerate(timing.cues, 1):
        lines = textwrap.wrap(en if language == 'en' else nl, CAPTION_WIDTH)
        assert len(lines) <= 2, f'caption cue longer than two lines: {lines}'
        text = '\n'.join(lines)
        # Captions stay up through half of the pause that follows, so they never overlap.
        blocks.append(f'{number}\n{vtt_time(start)} --> {vtt_time(end + CUE_GAP / 2)}\n{text}')
    path.write_text('\n\n'.join(blocks) + '\n', encoding='utf-8')


# ---------------------------------------------------------------- slides and video

def render_slide(unit: Unit, slide: Slide, index: int, path: Path) -> None:
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new('RGB', (WIDTH, HEIGHT), unit.colour if index == 0 else NAVY)
    draw = ImageDraw.Draw(image)
    small, body = ImageFont.truetype(str(FONT), 18), ImageFont.truetype(str(FONT), 30)
    draw.rectangle((0, 0, WIDTH, 10), fill=YELLOW)
    draw.text((30, 26), f'Unit {unit.number} of {len(UNITS)} · {unit.title}', font=small, fill=GREY)
    size = 40 if index == 0 else 44
    heading_font = ImageFont.truetype(str(FONT_BOLD), size)
    while size > 26 and any(heading_font.getlength(line) > WIDTH - 60 for line in textwrap.wrap(slide.heading, 24)):
        size -= 2
        heading_font = ImageFont.truetype(str(FONT_BOLD), size)
    y = 70
    for line in textwrap.wrap(slide.heading, 24):
        draw.text((30, y), line, font=heading_font, fill=YELLOW)
        y += size + 10
    y += 16
    for line in slide.lines:
        assert body.getlength(line) <= WIDTH - 90, f'slide line too long: {line!r}'
        draw.ellipse((34, y + 12, 46, y + 24), fill=YELLOW)
        draw.text((62, y), line, font=body, fill=WHITE)
        y += 42
    assert y <= HEIGHT - 40, f'slide too full: {slide.heading!r}'
    draw.text((30, HEIGHT - 32), f'microVET · {MODULE_TITLE}', font=small, fill=GREY)
    image.save(path)


def make_unit(unit: Unit, tmp: Path) -> float:
    timing = narrate(unit, tmp)
    slides = []
    for index, slide in enumerate(unit.slides):
        png = tmp / f'slide{index}.png'
        render_slide(unit, slide, index, png)
        slides.append(png)
    # Each slide is shown from just before its first sentence until the next slide comes.
    starts = [0.0] + [s - SLIDE_GAP / 2 for s in timing.slide_starts[1:]] + [timing.duration]
    listing = []
    for png, start, end in zip(slides, starts, starts[1:], strict=False):
        listing += [f"file '{png}'", f'duration {end - start:.3f}']
    listing.append(f"file '{slides[-1]}'")  # the concat demuxer needs the last one twice
    (tmp / 'slides.txt').write_text('\n'.join(listing) + '\n')

    out = ASSETS / unit.name
    exact = ('-fflags', '+bitexact', '-map_metadata', '-1')
    run('ffmpeg', '-y', '-v', 'error', '-i', str(tmp / 'narration.wav'), '-c:a', 'libopus', '-b:a', '24k',
        '-ac', '1', *exact, f'{out}.ogg')
    run('ffmpeg', '-y', '-v', 'error', '-f', 'concat', '-safe', '0', '-i', str(tmp / 'slides.txt'),
        '-i', str(tmp / 'narration.wav'), '-map', '0:v', '-map', '1:a', '-vf', 'fps=10,format=yuv420p',
        '-c:v', 'libvpx-vp9', '-b:v', '0', '-crf', '38', '-g', '300', '-deadline', 'good', '-cpu-used', '4',
        '-row-mt', '1', '-threads', '1', '-c:a', 'libopus', '-b:a', '24k', '-ac', '1',
        '-t', f'{timing.duration:.3f}', *exact, f'{out}.webm')

    from PIL import Image

    Image.open(slides[0]).save(ASSETS / f'{unit.name}-poster.jpg', quality=80, optimize=True)
    write_vtt(Path(f'{out}.en.vtt'), timing, 'en')
    write_vtt(Path(f'{out}.nl.vtt'), timing, 'nl')
    return timing.duration


# ---------------------------------------------------------------- workbook

WORKBOOK_UNITS = (
    {
        'key_points': (
            'Kickback: the disc jams or snags and the grinder jumps back at you. Control: clamp the work, hold '
            'the grinder with both hands, stand out of line with the disc, do not let the cut close on the disc.',
            'Disc burst: a damaged disc, or one rated below the speed of the grinder, can break apart. Control: '
            'the right disc, checked before use, with the guard in place and a face shield on.',
            'Sparks and fire: sparks fly far and can smoulder for a long time. Control: clear or cover anything '
            'that can burn, keep an extinguisher close and watch for fire during and after the work.',
            'Noise: a grinder is usually much louder than 85 dB(A). Wear hearing protection every time.',
            'Dust and fume: metal dust, paint and coatings, and silica dust from stone and concrete. Control: '
            'extraction or water, and the right mask.',
            'Vibration: long use can damage nerves and blood vessels in the hands. Control: limit the time, take '
            'breaks, report tingling or numb fingers.',
        ),
        'questions': (
            'What is kickback? Name two things you do to prevent it.',
            'Give two reasons why a disc can burst.',
            'What do you do with things that can burn near your work area?',
            'Which hazard do you think people ignore most often at work? Why?',
        ),
        'table': (('Hazard', 'What can happen to me or others', 'How I control it'),
                  [('Kickback', '', ''), ('Disc burst', '', ''), ('Sparks / fire', '', ''),
                   ('Noise', '', ''), ('Dust / fume', '', ''), ('Vibration', '', '')]),
    },
    {
        'key_points': (
            'Cutting discs are thin: use them for cutting only, never for grinding with the side of the disc.',
            'Grinding discs are thicker and made for grinding. Flap discs are for smoothing and finishing.',
            "Read the label: the material (steel, stainless steel, stone), the size and the maximum speed. The "
            "maximum speed of the disc must be at least the speed on the grinder's rating plate.",
            'Resin-bonded discs have a use-by date, often on the metal centre ring. Do not use them after it.',
            'Thin resin-bonded discs give no reliable ring test. Check them by eye: no cracks, chips or damp, '
            'and never use a disc that has been dropped.',
            'Unplug the grinder (or remove the battery) before you change a disc. Use the right flanges and the '
            'key. Set the guard, then run the grinder for one minute with everyone out of line with the disc.',
        ),
        'questions': (
            'Your grinder is rated 11 500 rpm. A disc is marked 80 m/s and 12 200 rpm. May you use it? Why?',
            'Why must you never grind with the side of a cutting disc?',
            'Where do you find the use-by date of a disc?',
            'What is the first thing you do before you change a disc?',
        ),
        'table': (('Disc on my grinder', 'My answer'),
                  [('Grinder rated speed (rating plate)', '            rpm'),
                   ('Disc maximum speed (label)', '            rpm'),
                   ('Disc diameter and type', ''), ('Material the disc is for', ''),
                   ('Use-by date', ''), ('Safe to use? (yes / no)', '')]),
    },
    {
        'key_points': (
            'Protective equipment is the last line of defence. It does not replace the guard, clamping or a good '
            'stance, but you wear it every time, even for one short cut.',
            'Eyes and face: safety glasses with side protection, and a full face shield over them.',
            'Ears: ear plugs or ear muffs. Fit them properly before you switch on.',
            'Lungs: when there is dust or fume, the mask that the task and the risk assessment ask for.',
            'Hands and body: close-fitting leather gloves, flame-resistant work clothes (no loose sleeves, no '
            'synthetic fabric that melts), and safety boots.',
            'Tie back long hair. Take off rings, chains and watches.',
        ),
        'questions': (
            'Why is a face shield worn over safety glasses, and not instead of them?',
            'Why are close-fitting gloves better than loose ones on a grinder?',
            'Name one piece of clothing that you should not wear when grinding, and why.',
            'Check your own PPE. What is worn out or missing, and who do you tell?',
        ),
        'table': (('Body part', 'What I wear', 'Checked (OK / replace)'),
                  [('Eyes', '', ''), ('Face', '', ''), ('Ears', '', ''), ('Lungs', '', ''),
                   ('Hands', '', ''), ('Body', '', ''), ('Feet', '', '')]),
    },
    {
        'key_points': (
            'Clamp the workpiece in a vice or with clamps. Never hold it with your hand or foot.',
            'Support long pieces on both sides so the cut opens and does not pinch the disc.',
            'Stand firmly with your feet apart. Hold the grinder with both hands, side handle fitted.',
            'Keep the guard between the disc and your body. Never stand in line with the disc.',
            'Let the disc reach full speed before it touches the work. Do not force it, do not twist it in a '
            'cut. Grind with the disc at a shallow angle, as the disc maker advises.',
            'Aim sparks away from people and anything that can burn. Keep an extinguisher close and watch for '
            'fire after you finish.',
            'When you finish, wait until the disc stops, then put the grinder down and unplug it.',
        ),
        'questions': (
            'Why must the cut open, and not close, as you cut through a long bar?',
            'Where must the guard be when you cut?',
            'Where do you aim the sparks in your own workplace?',
            'What do you do when you see a cracked guard or a damaged cable?',
        ),
        'table': (('Put these steps in order (1-6)', 'Order'),
                  [('Switch on and let the disc reach full speed', ''), ('Clamp the workpiece', ''),
                   ('Put on your PPE', ''), ('Check the grinder, guard and disc', ''),
                   ('Make the cut without forcing it', ''), ('Wait for the disc to stop, then unplug', '')]),
    },
)

PRE_USE_CHECKS = (
    'Grinder: housing not cracked, side handle fitted and tight',
    'Cable and plug undamaged (or battery undamaged)',
    'Switch works and does not stick in the ON position',
    'Guard fitted, not damaged, set between the disc and my body',
    'Right disc for the job and the material',
    "Disc maximum speed at least the grinder's rated speed",
    'Disc not cracked, chipped, wet or dropped; not past its use-by date',
    'Disc fitted with the tool unplugged, right flanges, tightened with the key',
    'Workpiece clamped; long pieces supported',
    'No flammable material in the spark area; extinguisher at hand',
    'Bystanders warned or screened off',
    'PPE on: glasses, face shield, hearing protection, gloves, clothing, boots',
)


def make_workbook(path: Path) -> int:
    from fpdf import FPDF, FontFace
    from fpdf.enums import XPos, YPos

    class Workbook(FPDF):
        def footer(self):
            self.set_y(-14)
            self.set_font('DejaVu', '', 8)
            self.set_text_color(110)
            self.cell(0, 8, f'{MODULE_TITLE} · workbook · page {self.page_no()} of {{nb}}', align='C')

    pdf = Workbook(format='A4')
    pdf.set_creation_date(datetime(2025, 1, 1, tzinfo=UTC))  # a fixed date: reproducible output
    pdf.set_title(f'{MODULE_TITLE}: workbook')
    pdf.set_author('microVET modules')
    pdf.add_font('DejaVu', '', str(FONT))
    pdf.add_font('DejaVu', 'B', str(FONT_BOLD))
    pdf.set_margins(18, 16, 18)
    pdf.set_auto_page_break(True, margin=18)
    nl = {'new_x': XPos.LMARGIN, 'new_y': YPos.NEXT}

    def band(title: str, subtitle: str) -> None:
        pdf.set_fill_color(*NAVY)
        pdf.rect(0, 0, 210, 30, 'F')
        pdf.set_fill_color(*YELLOW)
        pdf.rect(0, 30, 210, 2, 'F')
        pdf.set_xy(18, 7)
        pdf.set_text_color(*YELLOW)
        pdf.set_font('DejaVu', 'B', 17)
        pdf.cell(0, 9, title, **nl)
        pdf.set_text_color(*WHITE)
        pdf.set_font('DejaVu', '', 10)
        pdf.cell(0, 7, subtitle, **nl)
        pdf.set_text_color(0)
        pdf.set_y(38)

    def heading(text: str) -> None:
        pdf.ln(2)
        pdf.set_font('DejaVu', 'B', 12)
        pdf.cell(0, 7, text, **nl)
        pdf.set_font('DejaVu', '', 10)

    def bullets(items) -> None:
        pdf.set_font('DejaVu', '', 10)
        for item in items:
            pdf.set_x(20)
            pdf.cell(5, 5, '•')
            lead, colon, rest = item.partition(': ')
            if colon and len(lead) < 20:  # 'Kickback: ...' -> the term in bold
                item = f'**{lead}:** {rest}'
            pdf.multi_cell(0, 5, item, align='L', markdown=True, **nl)
            pdf.ln(0.8)

    def blank_lines(count: int) -> None:
        for _ in range(count):
            pdf.ln(6.2)
            pdf.line(24, pdf.get_y(), 192, pdf.get_y())
        pdf.ln(2.5)

    def table(head, rows, widths, row_height=7.5) -> None:
        pdf.set_font('DejaVu', '', 10)
        pdf.set_draw_color(120)
        pdf.set_fill_color(*WHITE)
        style = FontFace(emphasis='BOLD', fill_color=(225, 230, 238))
        with pdf.table(col_widths=widths, line_height=row_height, text_align='LEFT', headings_style=style) as grid:
            header = grid.row()
            for text in head:
                header.cell(text)
            for values in rows:
                row = grid.row()
                for text in values:
                    row.cell(text)
        pdf.set_draw_color(0)

    # Page 1: cover
    pdf.add_page()
    band(MODULE_TITLE, 'Workbook · EQF level 3 · about 4 hours · for metalwork and construction apprentices')
    pdf.set_font('DejaVu', '', 11)
    pdf.multi_cell(0, 6, 'This workbook goes with the four units of the module. Work through a unit online '
                   '(video, audio or reading), then fill in its page here. Bring the workbook to your workshop '
                   'mentor for the hands-on tasks and the final practical assessment.', align='L', **nl)
    heading('What is in this workbook')
    bullets((
        'Page 2: Unit 1, Hazards of the angle grinder',
        'Page 3: Unit 2, Choosing and fitting the right disc',
        'Page 4: Unit 3, Personal protective equipment',
        'Page 5: Unit 4, Safe cutting and grinding technique',
        'Page 6: Pre-use checklist and mentor sign-off',
    ))
    heading('How to use it')
    bullets((
        'Read the key points. They are the short version of the unit.',
        'Answer the questions in your own words. Short answers are fine.',
        'Fill in the table on each page at your own workplace, with your own grinder.',
        'Use the pre-use checklist on page 6 every time you use a grinder.',
    ))
    heading('About you')
    pdf.ln(2)
    for label in ('Name', 'Group / class', 'Workshop mentor', 'Date started'):
        pdf.set_font('DejaVu', '', 10.5)
        pdf.cell(45, 10, label + ':')
        pdf.line(63, pdf.get_y() + 8, 192, pdf.get_y() + 8)
        pdf.ln(11)
    pdf.ln(4)
    pdf.set_fill_color(255, 243, 191)
    pdf.set_font('DejaVu', 'B', 10.5)
    pdf.multi_cell(0, 6, 'Stop rule: if anything on the grinder, the disc or your protective equipment is damaged '
                   'or missing, do not use the grinder. Take it out of use, label it and tell your mentor.',
                   fill=True, border=1, padding=3, align='L', **nl)

    # Pages 2-5: one per unit
    for unit, page in zip(UNITS, WORKBOOK_UNITS, strict=True):
        pdf.add_page()
        band(f'Unit {unit.number}: {unit.title}', 'Key points · questions · a table to fill in at work')
        heading('Key points')
        bullets(page['key_points'])
        heading('Questions')
        pdf.set_font('DejaVu', '', 10.5)
        for number, question in enumerate(page['questions'], 1):
            pdf.multi_cell(0, 5.5, f'{number}. {question}', align='L', **nl)
            blank_lines(2)
        head, rows = page['table']
        heading('Fill in at work')
        widths = (32, 70, 60) if len(head) == 3 else (100, 62)
        table(head, rows, widths)
        assert pdf.page_no() == unit.number + 1, f'unit {unit.number} does not fit on one page'

    # Page 6: pre-use checklist and sign-off
    pdf.add_page()
    band('Pre-use checklist', 'Every time, before you switch on. One tick per check.')
    table(('Check', 'OK', 'Not OK'), [(check, '', '') for check in PRE_USE_CHECKS], (128, 17, 17), 8.5)
    pdf.ln(3)
    pdf.set_font('DejaVu', 'B', 10)
    pdf.multi_cell(0, 5.5, 'One "Not OK" means: do not use the grinder. Unplug it, label it "Do not use", take it '
                   'out of use and report it to your mentor.', align='L', **nl)
    heading('Practical assessment: mentor sign-off')
    pdf.set_font('DejaVu', '', 10)
    pdf.multi_cell(0, 5.5, 'The learner checked the grinder and disc, fitted a disc with the tool unplugged, wore '
                   'the right PPE and made straight cuts and a ground edge on a clamped steel bar, with the '
                   'guard between the disc and the body and sparks aimed safely.', align='L', **nl)
    pdf.ln(2)
    for label in ('Result (competent / not yet)', 'Mentor name', 'Signature', 'Date'):
        pdf.cell(60, 9, label + ':')
        pdf.line(78, pdf.get_y() + 7, 192, pdf.get_y() + 7)
        pdf.ln(10)
    assert pdf.page_no() == 6, 'the checklist page overflowed'
    pdf.output(str(path))
    return pdf.page_no()


# ---------------------------------------------------------------- module.yaml check

def check_module_yaml() -> list[str]:
    """Compare module.yaml with the assets: files exist, durations match, transcripts hold the narration."""
    try:
        import yaml
    except ImportError:
        return ['PyYAML is not installed: module.yaml not checked']
    if not (PACKAGE / 'module.yaml').is_file():
        return ['module.yaml does not exist yet']
    problems = []
    module = yaml.safe_load((PACKAGE / 'module.yaml').read_text(encoding='utf-8'))['module']
    units = {u.title: u for u in UNITS}
    for step in module['steps']:
        unit = units.get(step['title'])
        for variant in step.get('variants', []):
            files = [variant.get('file'), variant.get('poster')]
            files += [track['file'] for track in variant.get('captions', [])]
            for name in filter(None, files):
                if not (PACKAGE / name).is_file():
                    problems.append(f'{step["title"]}: {name} is missing')
            if variant['format'] in ('video', 'audio') and (PACKAGE / variant['file']).is_file():
                real = probe_duration(PACKAGE / variant['file'])
                if abs(real - variant['duration_seconds']) > 1:
                    problems.append(f'{variant["file"]}: duration_seconds {variant["duration_seconds"]}, '
                                    f'real {real:.1f}')
                transcript = ' '.join(variant['transcript'].replace('*', '').split())
                for slide in unit.slides if unit else ():
                    for en, _nl in slide.cues:
                        if en not in transcript:
                            problems.append(f'{variant["file"]}: transcript lacks {en!r}')
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--check', action='store_true', help='only check module.yaml against the assets')
    parser.add_argument('--workbook-only', action='store_true', help='only rebuild the PDF workbook')
    args = parser.parse_args()
    if not args.check:
        need_tools()
        ASSETS.mkdir(parents=True, exist_ok=True)
        for unit in UNITS if not args.workbook_only else ():
            with tempfile.TemporaryDirectory() as tmp:
                length = make_unit(unit, Path(tmp))
            print(f'{unit.name}: {length:.2f} s (duration_seconds: {round(length)})')
        pages = make_workbook(ASSETS / WORKBOOK)
        print(f'{WORKBOOK}: {pages} pages')
        total = sum(p.stat().st_size for p in ASSETS.iterdir())
        print(f'assets: {total / 1024:.0f} KB')
    problems = check_module_yaml()
    for problem in problems:
        print('module.yaml:', problem)
    sys.exit(1 if any(not p.startswith('PyYAML') for p in problems) else 0)


if __name__ == '__main__':
    main()
