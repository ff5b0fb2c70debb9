"""The demo's feed: the source the curator watches, its rules, and what its last run brought for
review (and what a rule held back).

Illustrative, like ``stories``: the host ends in ``.example`` and nothing is fetched from it.
"""

from dataclasses import dataclass

from articles.models import Article
from intake.models import Rule

from .stories import RI

# The feed the curator watches, and what its last run brought, waiting for review.
FEED = {
    "name": "Radiologie interventionnelle Europe",
    "feed_url": "https://www.ri-europe.example/feed/",
    "tags": ("Radiologie interventionnelle", "Europe"),
}


@dataclass(frozen=True)
class FeedItem:
    title: str
    summary: str
    path: str
    hours: float  # how long before now the feed published it

    @property
    def url(self):
        return RI.url(self.path)


FEED_ITEMS = (
    FeedItem(
        "Cryoablation des petites tumeurs du rein : des résultats à dix ans",
        "Une série de 400 patients traités par cryoablation percutanée montre un contrôle local "
        "durable. La fonction rénale est préservée chez la plupart d’entre eux.",
        "cryoablation-tumeurs-rein-dix-ans",
        5,
    ),
    FeedItem(
        "Varicocèle : l’embolisation comparée à la chirurgie chez l’adolescent",
        "Une étude rétrospective ne trouve pas de différence de récidive entre embolisation et "
        "chirurgie. L’embolisation évite une anesthésie générale.",
        "varicocele-embolisation-adolescent",
        9,
    ),
    FeedItem(
        "Hémorragie du post-partum : les centres d’embolisation mieux répartis",
        "Une cartographie montre que 90 % des maternités de niveau 3 ont accès à une équipe "
        "d’embolisation jour et nuit. Des zones blanches persistent.",
        "hemorragie-post-partum-embolisation-carte",
        20,
    ),
    FeedItem(
        "Biopsies osseuses guidées par scanner : une check-list pour réduire les complications",
        "Une société savante propose une liste de vérifications avant chaque biopsie osseuse. "
        "Elle cible les erreurs de côté et les saignements.",
        "biopsies-osseuses-check-list",
        30,
    ),
)

# The curator's rules (intake.rules): one for every source, one for this feed alone.
GLOBAL_RULE = {"action": Rule.Action.BLOCK, "pattern": "webinaire, contenu sponsorisé"}
SOURCE_RULE = {
    "action": Rule.Action.IMPORTANCE,
    "pattern": "hémorragie du post-partum",
    "field": Rule.Field.TITLE,
    "importance": Article.Importance.HIGH,
}

# In the same feed, what the global rule blocks: listed under *Blocked items*, never in review.
BLOCKED_ITEMS = (
    FeedItem(
        "Webinaire : l’embolisation prostatique en pratique, avec notre partenaire",
        "Contenu sponsorisé. Inscrivez-vous à la séance en ligne de jeudi, animée par un fabricant "
        "de microcathéters.",
        "webinaire-embolisation-prostatique-partenaire",
        12,
    ),
)
