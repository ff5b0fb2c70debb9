"""The demo's feeds: the sources the curator watches, and what their last runs brought for review.

Two of the main feed's items cite a study or a report that an item of the second feed cites too:
the review page shows them as one card each, the story's other source under « Aussi chez ».

Illustrative, like ``stories``: the host ends in ``.example`` and nothing is fetched from it.
"""

from dataclasses import dataclass

from .stories import RI

# The feed the curator watches, and what its last run brought, waiting for review.
FEED = {
    "name": "Radiologie interventionnelle Europe",
    "feed_url": "https://www.ri-europe.example/feed/",
    "tags": ("Radiologie interventionnelle", "Europe"),
}


# A digest that retells some of the same studies, in English.
ECHO = {
    "name": "IR Digest",
    "feed_url": "https://www.ir-digest.example/feed/",
    "home": "https://www.ir-digest.example",
    "tags": ("Radiologie interventionnelle",),
}
CRYOABLATION_STUDY = "https://doi.org/10.5555/demo.cryo.2026.400"
PPH_REPORT = "https://www.perinatalite.example/rapports/embolisation-post-partum-2026"


@dataclass(frozen=True)
class FeedItem:
    title: str
    summary: str
    path: str
    hours: float  # how long before now the feed published it
    cites: str = ""  # the study or report it links to, which other feeds may cite too
    home: str = ""  # the site of its feed, when not the main one

    @property
    def url(self):
        return f"{self.home}/{self.path}" if self.home else RI.url(self.path)


FEED_ITEMS = (
    FeedItem(
        "Cryoablation des petites tumeurs du rein : des résultats à dix ans",
        "Une série de 400 patients traités par cryoablation percutanée montre un contrôle local "
        "durable. La fonction rénale est préservée chez la plupart d’entre eux.",
        "cryoablation-tumeurs-rein-dix-ans",
        5,
        CRYOABLATION_STUDY,
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
        PPH_REPORT,
    ),
    FeedItem(
        "Biopsies osseuses guidées par scanner : une check-list pour réduire les complications",
        "Une société savante propose une liste de vérifications avant chaque biopsie osseuse. "
        "Elle cible les erreurs de côté et les saignements.",
        "biopsies-osseuses-check-list",
        30,
    ),
)

ECHO_ITEMS = (
    FeedItem(
        "Renal cryoablation holds up at ten years",
        "Local control stayed durable in a series of 400 patients with small renal tumours, and "
        "most of them kept their kidney function.",
        "news/renal-cryoablation-ten-years",
        7,
        CRYOABLATION_STUDY,
        ECHO["home"],
    ),
    FeedItem(
        "France maps its round-the-clock embolisation teams for postpartum haemorrhage",
        "Nine in ten level-3 maternity units can call on an embolisation team at any hour, a "
        "national report finds; some regions are still left without one.",
        "news/france-pph-embolisation-map",
        16,
        PPH_REPORT,
        ECHO["home"],
    ),
)
