"""Synthetic articles in the site's markdown format, for demos and benchmarks.

``generate(count, seed)`` yields ``(file name, text)`` pairs; the same seed gives
the same files, and the first N files do not depend on how many follow. The
files vary the way the archive does: tags, dates over several years, with and
without image, importance or source, extra commentary and sections, tags as a
list or as comma-separated text, dates in UTC or with an offset. Each file's
values are handed to the format's one writer (``markdown_format.writer.compose``).
"""

import datetime
import random

from django.utils import timezone

from .markdown_format.writer import compose, french_date, permalink_path, utc_timestamp
from .models import Article, ImageCredit

COUNTRIES = (
    "France",
    "Belgique",
    "Suisse",
    "Canada",
    "Royaume-Uni",
    "États-Unis",
    "Allemagne",
    "Italie",
    "Espagne",
    "Japon",
    "Pays-Bas",
    "Suède",
)
KINDS = (
    "Actualité",
    "Étude clinique",
    "Recommandation",
    "Congrès",
    "Dispositif médical",
    "Essai randomisé",
    "Revue systématique",
    "Réglementation",
)
SOURCES = (
    ("Interventional News", "interventionalnews.com"),
    ("Vascular News", "vascularnews.com"),
    ("Cardiovascular News", "cardiovascularnews.com"),
    ("Radiology Business", "radiologybusiness.com"),
    ("The Lancet", "www.thelancet.com"),
    ("Haute Autorité de santé", "www.has-sante.fr"),
    ("CIRSE", "www.cirse.org"),
)
TOPICS = (
    "selective internal radiation therapy",
    "transarterial chemoembolisation",
    "microwave ablation",
    "cryoablation",
    "prostate artery embolisation",
    "genicular artery embolisation",
    "mechanical thrombectomy",
    "venous stenting",
    "uterine fibroid embolisation",
    "histotripsy",
    "portal vein embolisation",
    "carotid stenting",
)
ACTORS = (
    "NICE",
    "FDA",
    "HAS",
    "CIRSE",
    "EMA",
    "Terumo",
    "Boston Scientific",
    "Medtronic",
    "A French registry",
    "A multicentre team",
    "Cochrane reviewers",
    "The NHS",
)
VERBS = (
    "publishes guidance on",
    "reports outcomes of",
    "approves",
    "launches a trial of",
    "reviews the evidence for",
    "updates its recommendations on",
    "questions the cost of",
    "expands access to",
)
WORDS = tuple(
    [
        "patients",
        "outcomes",
        "imaging",
        "procedure",
        "catheter",
        "evidence",
        "survival",
        "safety",
        "cohort",
        "follow-up",
        "trial",
        "dose",
        "embolic",
        "registry",
        "liver",
        "tumour",
        "lesion",
        "metastasis",
        "artery",
        "clinical",
        "guidance",
        "approval",
        "device",
        "response",
        "rate",
        "complication",
        "efficacy",
    ]
)
COMMENTARY = (
    "Notre avis : une étape attendue, mais les données à long terme manquent encore.",
    "À retenir : le suivi médian reste court et la population très sélectionnée.",
    "Pour les équipes françaises, la question du remboursement reste ouverte.",
)
# The byline: most articles are signed by one of these people, some by two, some by nobody
# (an imported or ingested article). Chosen from the article's number, not drawn from the
# random stream, so that adding them left every other value of a seed's files as it was.
PEOPLE = (
    "Anne Leroy",
    "Marc Dubois",
    "Claire Fontaine",
    "Julien Morel",
    "Sophie Garnier",
    "Thomas Lefèvre",
    "Camille Rousseau",
    "Nicolas Bernard",
    "Élodie Marchand",
    "Hugo Lambert",
    "Isabelle Chevalier",
    "Antoine Girard",
    "Léa Perrin",
    "Mathieu Faure",
    "Pauline Mercier",
    "Romain Blanc",
    "Chloé Guérin",
    "Vincent Robin",
    "Manon Henry",
    "Olivier Roussel",
)
IMPORTANCE = ("", "", "", "", "1", "2", "2", "3", "4", "haute", "top", "normale")
START = datetime.datetime(2019, 1, 1, tzinfo=datetime.UTC)
SPAN_SECONDS = 7 * 365 * 24 * 3600
MAX_DRAWS = 1000  # an article drawn again while its address is taken (generate), at most


def generate(count, seed=1):
    """``count`` files as (name, text). Two never claim the same address: a title cut at the slug's
    length loses its cohort number, and from about 50,000 articles two of the same day met (one
    imported as an update of the other, or refused); such an article is drawn again."""
    rng = random.Random(seed)
    taken = set()
    for number in range(count):
        name, text, addresses = make_article(rng, number)
        for _ in range(MAX_DRAWS):
            if taken.isdisjoint(addresses):
                break
            name, text, addresses = make_article(rng, number)
        else:
            raise ValueError(f"no free address for article {number} in {MAX_DRAWS} draws")
        taken |= addresses
        yield name, text


def byline(number):
    """Five articles in eight signed by one person, one by two, two by nobody."""
    share = number % 8
    if share >= 6:
        return []
    first = PEOPLE[number * 7 % len(PEOPLE)]
    return [first, PEOPLE[(number * 7 + 3) % len(PEOPLE)]] if share == 5 else [first]


def make_article(rng, number):
    source, host = rng.choice(SOURCES)
    topic = rng.choice(TOPICS)
    title = f"{rng.choice(ACTORS)} {rng.choice(VERBS)} {topic} in a cohort of {number + 12} patients"
    when = START + datetime.timedelta(seconds=rng.randrange(SPAN_SECONDS))
    slug = Article.slug_for(title)
    day = timezone.localdate(when)
    source_url = f"https://{host}/{when:%Y/%m}/{slug}/" if rng.random() < 0.95 else ""
    has_image = rng.random() < 0.8
    image_url = f"https://{host}/wp-content/uploads/{when:%Y/%m}/{slug[:40]}.jpg" if has_image else ""
    credit = (
        ImageCredit.join_credit(
            ImageCredit.ARTICLE_IMAGE_CREDIT,
            ImageCredit.ARTICLE_IMAGE_RIGHTS,
            source_url or f"https://{host}/",
        )
        if has_image
        else ""
    )
    sentence = " ".join(rng.choice(WORDS) for _ in range(rng.randint(30, 80))).capitalize()
    summary = f"{title}. {sentence} [&#8230;] The post {title} appeared first on {source} ."
    tags = [rng.choice(COUNTRIES), rng.choice(KINDS), f"{source} — Latest"]
    if rng.random() < 0.4:
        tags.append(topic.capitalize())
    tags = list(dict.fromkeys(tags))
    if rng.random() < 0.2:
        date = when.astimezone(datetime.timezone(datetime.timedelta(hours=2))).isoformat()
    else:
        date = utc_timestamp(when)
    front_matter = {
        "title": title,
        "date": date,
        "publishedDate": french_date(day),
        "summary": summary,
        "importance": rng.choice(IMPORTANCE),
        "sourceUrl": source_url,
        "tags": ", ".join(tags) if rng.random() < 0.1 else tags,
        "permalink": permalink_path(f"{when:%Y-%m-%d}-{slug}") if rng.random() < 0.95 else "",
        "imageUrl": image_url,
        "imageCredit": credit,
        "authors": byline(number),
    }
    blocks = []
    for _ in range(rng.choice((0, 0, 1, 2))):
        blocks.append(" ".join(rng.choice(WORDS) for _ in range(rng.randint(30, 120))).capitalize() + ".")
    if rng.random() < 0.3:
        blocks.append(rng.choice(COMMENTARY))
    if rng.random() < 0.1:
        blocks += ["## Pour aller plus loin", f"- [{source}](https://{host}/)\n- {rng.choice(KINDS)}"]
    text = compose(
        front_matter,
        image_url=image_url,
        alt_text=title,
        credit_line=credit,
        summary=summary,
        body="\n\n".join(blocks),
        source_url=source_url,
    )
    # The addresses the import may give it: its permalink (its day in UTC), or, without one, the
    # address its title and its day in Paris make (Article.permalink_for).
    addresses = {f"{when:%Y-%m-%d}-{slug}", Article.permalink_for(slug, when)}
    return f"{number:07d}-{slug[:60]}.md", text, addresses
