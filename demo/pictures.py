"""The demo's illustrations, drawn by Pillow: free of rights, and never fetched from anywhere.

Each picture is a gradient in its topic's colour, a motif standing for the topic (cells,
a heart trace, a network of neurons, a catheter in its vessels, a crowd) laid out by a
random generator seeded with the article's title, so that the same story always gets
the same picture, and the topic's name written in the font Pillow ships.
"""

import functools
import math
import random
import unicodedata
from dataclasses import dataclass
from io import BytesIO

from PIL import Image, ImageDraw, ImageFont, ImageOps

SIZE = (1200, 675)  # drawn at this size, then stored smaller: the edges come out smooth
STORED_SIZE = (960, 540)  # wide enough for an article's page; fewer renditions to make


@dataclass(frozen=True)
class Topic:
    name: str
    colour: tuple
    motif: str  # the name of a drawing function below
    description: str  # what the motif shows, for the alternative text


TOPICS = {
    topic.name: topic
    for topic in (
        Topic("Oncologie", (48, 62, 140), "cells", "des cellules"),
        Topic("Cardiologie", (160, 36, 58), "heart_trace", "un tracé d’électrocardiogramme"),
        Topic("Neurologie", (92, 54, 134), "neurons", "un réseau de neurones"),
        Topic("Radiologie interventionnelle", (16, 104, 124), "catheter", "un cathéter dans un vaisseau"),
        Topic("Santé publique", (34, 112, 70), "crowd", "une foule stylisée"),
    )
}
DEFAULT_TOPIC = Topic("Actualité médicale", (60, 72, 88), "cells", "des formes abstraites")


def topic_for(tags):
    """The first of ``tags`` that has a picture of its own, or the default one."""
    return next((TOPICS[tag] for tag in tags if tag in TOPICS), DEFAULT_TOPIC)


def alt_text(topic):
    return f"Illustration générée : {topic.description} sur fond coloré, avec le mot « {topic.name} »"


# The same story always gets the same picture: a process that loads the demo again (the tests do,
# dozens of times) draws each one once.
@functools.lru_cache(maxsize=128)
def draw(title, topic):
    """The JPEG bytes of the picture for a story titled ``title`` on ``topic``."""
    rng = random.Random(title)
    width, height = SIZE
    light = tuple(min(255, c + 110) for c in topic.colour)
    across, down = Image.linear_gradient("L").rotate(90).resize(SIZE), Image.linear_gradient("L").resize(SIZE)
    shade = Image.blend(across, down, rng.uniform(0.3, 0.7))
    if rng.random() < 0.5:
        shade = ImageOps.mirror(shade)
    image = ImageOps.colorize(shade, black=topic.colour, white=light).convert("RGBA")
    layer = Image.new("RGBA", SIZE, (0, 0, 0, 0))
    MOTIFS[topic.motif](ImageDraw.Draw(layer), rng, width, height)
    image = Image.alpha_composite(image, layer)
    write_name(image, topic.name)
    buffer = BytesIO()
    image.convert("RGB").resize(STORED_SIZE, Image.Resampling.LANCZOS).save(buffer, format="JPEG", quality=88)
    return buffer.getvalue()


def write_name(image, name):
    """The topic's name, centred near the bottom (cards crop the sides), white on a darker band,
    in Pillow's own font.

    That font (the same on every machine, so pictures never depend on the fonts installed)
    has no accented letters: an accent is drawn by hand over its base letter.
    """
    font = ImageFont.load_default(size=58)
    white, padding = (255, 255, 255, 255), 28
    width = ImageDraw.Draw(image).textlength(strip_accents(name), font=font)
    x, baseline = (image.width - width) / 2, image.height - 70
    band = Image.new("RGBA", image.size, (0, 0, 0, 0))
    ImageDraw.Draw(band).rounded_rectangle(
        (x - padding, baseline - 62 - padding / 2, x + width + padding, baseline + 14 + padding / 2),
        radius=16,
        fill=(0, 0, 0, 100),
    )
    image.alpha_composite(band)
    draw = ImageDraw.Draw(image)
    for letter in name:
        base, *marks = unicodedata.normalize("NFD", letter)
        draw.text((x, baseline), base, font=font, fill=white, anchor="ls")
        left, top, right, _bottom = font.getbbox(base, anchor="ls")  # top is above the baseline: < 0
        for mark in marks:
            if mark in ACCENTS:
                ACCENTS[mark](draw, x + (left + right) / 2, baseline + top, white)
        x += draw.textlength(base, font=font)


def strip_accents(text):
    return "".join(
        letter for letter in unicodedata.normalize("NFD", text) if not unicodedata.combining(letter)
    )


def acute(draw, middle, top, fill):
    draw.line([(middle - 4, top - 5), (middle + 5, top - 16)], fill=fill, width=4)


def grave(draw, middle, top, fill):
    draw.line([(middle + 4, top - 5), (middle - 5, top - 16)], fill=fill, width=4)


def circumflex(draw, middle, top, fill):
    draw.line([(middle - 8, top - 5), (middle, top - 15), (middle + 8, top - 5)], fill=fill, width=4)


ACCENTS = {"\u0301": acute, "\u0300": grave, "\u0302": circumflex}


def cells(draw, rng, width, height):
    for _ in range(14):
        x, y, r = rng.uniform(0, width), rng.uniform(0, height * 0.8), rng.uniform(30, 110)
        draw.ellipse(
            (x - r, y - r, x + r, y + r), fill=(255, 255, 255, 50), outline=(255, 255, 255, 150), width=4
        )
        n = r * rng.uniform(0.25, 0.4)
        dx, dy = rng.uniform(-r / 3, r / 3), rng.uniform(-r / 3, r / 3)
        draw.ellipse((x + dx - n, y + dy - n, x + dx + n, y + dy + n), fill=(255, 255, 255, 120))


def heart_trace(draw, rng, width, height):
    base = height * rng.uniform(0.38, 0.5)
    points, x = [], 0.0
    while x < width:
        beat = rng.uniform(200, 260)
        points += [(x, base), (x + beat * 0.3, base), (x + beat * 0.36, base - 30)]
        points += [(x + beat * 0.42, base), (x + beat * 0.48, base + 40), (x + beat * 0.54, base - 190)]
        points += [(x + beat * 0.6, base + 70), (x + beat * 0.66, base), (x + beat * 0.8, base - 45)]
        points += [(x + beat * 0.9, base)]
        x += beat
    draw.line(points, fill=(255, 255, 255, 90), width=22, joint="curve")
    draw.line(points, fill=(255, 255, 255, 230), width=7, joint="curve")
    for row in range(0, height, 45):
        draw.line([(0, row), (width, row)], fill=(255, 255, 255, 22), width=1)


def neurons(draw, rng, width, height):
    nodes = [(rng.uniform(0, width), rng.uniform(0, height * 0.8)) for _ in range(26)]
    for a in nodes:
        for b in sorted(nodes, key=lambda b: math.dist(a, b))[1:4]:
            draw.line([a, b], fill=(255, 255, 255, 110), width=3)
    for x, y in nodes:
        r = rng.uniform(7, 18)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=(255, 255, 255, 210))


def catheter(draw, rng, width, height):
    phase = rng.uniform(0, math.tau)
    vessel = [(x, height * 0.42 + 120 * math.sin(x / 190 + phase)) for x in range(-20, width + 40, 20)]
    for _ in range(4):
        x, y = vessel[rng.randrange(4, len(vessel) - 4)]
        side, bend = rng.choice((-1, 1)), rng.uniform(0.004, 0.01)
        branch = [(x + t, y + side * (bend * t * t + 0.4 * t)) for t in range(0, 320, 16)]
        draw.line(branch, fill=(255, 255, 255, 60), width=28, joint="curve")
    draw.line(vessel, fill=(255, 255, 255, 70), width=70, joint="curve")
    tip = rng.randrange(len(vessel) // 2, len(vessel) - 6)
    draw.line(vessel[: tip + 1], fill=(255, 255, 255, 235), width=8, joint="curve")
    x, y = vessel[tip]
    draw.ellipse((x - 14, y - 14, x + 14, y + 14), fill=(255, 255, 255, 255))


def crowd(draw, rng, width, height):
    step = 70
    for row, y in enumerate(range(40, int(height * 0.78), step)):
        for x in range(40 + (row % 2) * step // 2, width, step):
            alpha = 230 if rng.random() < 0.12 else 80
            draw.ellipse((x - 11, y - 24, x + 11, y - 2), fill=(255, 255, 255, alpha))
            draw.rounded_rectangle((x - 19, y + 2, x + 19, y + 34), radius=14, fill=(255, 255, 255, alpha))


MOTIFS = {
    "cells": cells,
    "heart_trace": heart_trace,
    "neurons": neurons,
    "catheter": catheter,
    "crowd": crowd,
}


PORTRAIT_SIZE = (600, 600)


def portrait(name, colour):
    """The JPEG bytes of a person's drawn portrait: a head and shoulders in a lighter shade on
    their colour, their initials on the shoulders, so that no photograph of anyone is ever needed."""
    rng = random.Random(name)
    width, height = PORTRAIT_SIZE
    light = tuple(min(255, c + 120) for c in colour)
    shade = Image.linear_gradient("L").resize(PORTRAIT_SIZE)
    image = ImageOps.colorize(shade, black=colour, white=tuple(min(255, c + 50) for c in colour)).convert(
        "RGBA"
    )
    layer = Image.new("RGBA", PORTRAIT_SIZE, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    middle = width / 2 + rng.uniform(-20, 20)
    draw.ellipse((middle - 190, height * 0.62, middle + 190, height * 1.25), fill=(*light, 235))
    draw.ellipse((middle - 105, height * 0.2, middle + 105, height * 0.2 + 230), fill=(*light, 255))
    image = Image.alpha_composite(image, layer)
    initials = "".join(part[0] for part in strip_accents(name).split()[-2:]).upper()
    # On the shoulders, where a round crop of the portrait keeps them.
    font = ImageFont.load_default(size=72)
    ImageDraw.Draw(image).text((middle, height * 0.9), initials, font=font, fill=(*colour, 255), anchor="ms")
    buffer = BytesIO()
    image.convert("RGB").save(buffer, format="JPEG", quality=88)
    return buffer.getvalue()
