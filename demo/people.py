"""The demo's people: two journalists with accounts, two outside medical reviewers without,
their drawn portraits, the bylines of the demo's stories and their medical reviews.

Every person here is invented for the demo, as are their addresses (hosts ending in ``.example``).
"""

import datetime
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile

from articles.models import ArticleAuthor
from people.models import Person

from . import pictures
from .stories import AUTHOR, EDITOR


@dataclass(frozen=True)
class Profile:
    slug: str
    name: str
    honorific: str
    credentials: str
    bio: str
    colour: tuple
    account: str | None = None  # the demo account it belongs to (demo.loading.ACCOUNTS), if any
    orcid: str = ""
    rpps: str = ""
    website: str = ""


PROFILES = (
    Profile(
        "claire-moreau",
        "Claire Moreau",
        "",
        "Rédactrice en chef, journaliste santé",
        "Claire Moreau dirige la rédaction. Journaliste scientifique depuis quinze ans, elle suit "
        "la cancérologie et les politiques de santé publique.",
        (120, 52, 88),
        account=EDITOR,
        website="https://redaction.example/claire-moreau",
    ),
    Profile(
        "hugo-bernard",
        "Hugo Bernard",
        "",
        "Journaliste santé",
        "Hugo Bernard couvre la cardiologie, la neurologie et la prévention. Il a rejoint la "
        "rédaction après un master de journalisme scientifique.",
        (40, 92, 130),
        account=AUTHOR,
    ),
    Profile(
        "anne-leroy",
        "Anne Leroy",
        "Dr",
        "Radiologue interventionnelle, relectrice médicale",
        "Radiologue interventionnelle en centre hospitalier universitaire, Anne Leroy relit pour la "
        "rédaction les articles d’imagerie et de radiologie interventionnelle. Elle ne perçoit aucune "
        "rémunération de l’industrie.",
        (16, 104, 124),
        orcid="https://orcid.org/0000-0002-1825-0097",
        rpps="https://annuaire.sante.example/rpps/10001234567",
        website="https://chu-exemple.example/radiologie/anne-leroy",
    ),
    Profile(
        "karim-haddad",
        "Karim Haddad",
        "Pr",
        "Cardiologue, relecteur médical",
        "Professeur de cardiologie, Karim Haddad relit pour la rédaction les articles de cardiologie.",
        (160, 36, 58),
        rpps="https://annuaire.sante.example/rpps/10007654321",
    ),
)

# Stories signed by a second person besides their writer, by the start of their title.
CO_SIGNED = {"Fibrillation atriale": "hugo-bernard"}
# Medical reviews, by the start of the story's title: (reviewer, days after publication,
# the next review's day from the load, when the editors chose one sooner than the setting's).
REVIEWS = {
    "AVC : la thrombectomie": ("anne-leroy", 0.5, None),
    "Arthrose du genou": ("anne-leroy", 1, None),
    "Rétrécissement aortique": ("karim-haddad", 1, -2),  # due: the editors asked for one within weeks
}


def make_people(users, written):
    """The profiles, their portraits uploaded as the admin uploads a photo; by slug."""
    people = {}
    for profile in PROFILES:
        person = Person(
            slug=profile.slug,
            name=profile.name,
            honorific=profile.honorific,
            credentials=profile.credentials,
            bio=profile.bio,
            orcid=profile.orcid,
            rpps=profile.rpps,
            website=profile.website,
            user=users[profile.account] if profile.account else None,
        )
        person.image = SimpleUploadedFile(
            f"{profile.slug}.jpg", pictures.portrait(profile.name, profile.colour)
        )
        person.full_clean()
        person.save()  # the post_save receiver of articles.images makes the renditions
        written.append((person.image.name, person.image_width))
        people[profile.slug] = person
    return people


def sign_and_review(stories_and_articles, people, now):
    """Bylines on every story written by a demo account, and the medical reviews."""
    by_account = {profile.account: people[profile.slug] for profile in PROFILES if profile.account}
    bylines = []
    for story, article in stories_and_articles:
        signers = [by_account[story.author]] if story.author else []
        signers += [people[slug] for start, slug in CO_SIGNED.items() if story.title.startswith(start)]
        bylines += [
            ArticleAuthor(article=article, person=person, position=position)
            for position, person in enumerate(signers, start=1)
        ]
        for start, (slug, days_after, next_review_in) in REVIEWS.items():
            if story.title.startswith(start):
                article.reviewed_by = people[slug]
                article.reviewed_on = (article.published_at + datetime.timedelta(days=days_after)).date()
                if next_review_in is not None:
                    article.next_review_on = (now + datetime.timedelta(days=next_review_in)).date()
                article.save()
    ArticleAuthor.objects.bulk_create(bylines)
