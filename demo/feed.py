"""The demo's feeds: the sources the curator watches, their rules, and what their last run brought
for review (and what a rule held back).

Two sources tell some stories twice, as a real veille's do: the kidney cryoablation study
(by its trial number) and the bone biopsy check-list (a syndicated headline) wait as one
card each on the review page, and the press feed's write-up of the stroke registry (by its
DOI), published already, joined that article's coverage (« Aussi couvert par »).

Illustrative, like ``stories``: the hosts end in ``.example`` and nothing is fetched from them.
"""

from dataclasses import dataclass

from articles.models import Article
from intake.models import Rule

from .stories import HOPITAUX, RI, STROKE_REGISTRY_DOI

# The feed the curator watches, and what its last run brought, waiting for review.
FEED = {
    "name": "Radiologie interventionnelle Europe",
    "feed_url": "https://www.ri-europe.example/feed/",
    "tags": ("Radiologie interventionnelle", "Europe"),
}
# A general medical press feed, whose items partly tell the same stories.
PRESS_FEED = {
    "name": "Le Quotidien des hôpitaux",
    "feed_url": "https://www.quotidien-hopitaux.example/rss",
    "tags": ("France",),
}
CRYOABLATION_TRIAL = "NCT09876543"


@dataclass(frozen=True)
class FeedItem:
    title: str
    summary: str
    path: str
    hours: float  # how long before now the feed published it
    publisher: object = RI

    @property
    def url(self):
        return self.publisher.url(self.path)


FEED_ITEMS = (
    FeedItem(
        "Cryoablation des petites tumeurs du rein : des résultats à dix ans",
        "Une série de 400 patients traités par cryoablation percutanée montre un contrôle local "
        f"durable (essai {CRYOABLATION_TRIAL}). La fonction rénale est préservée chez la plupart "
        "d’entre eux.",
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

PRESS_ITEMS = (
    FeedItem(
        "Cancer du rein : la cryoablation tient ses promesses à dix ans",
        f"Dix ans après le traitement, le contrôle local reste supérieur à 90 % dans l’essai "
        f"{CRYOABLATION_TRIAL}. Une alternative à la chirurgie pour les patients fragiles.",
        "cancer-rein-cryoablation-dix-ans",
        3,
        HOPITAUX,
    ),
    FeedItem(
        "BIOPSIES OSSEUSES GUIDÉES PAR SCANNER — une check-list pour réduire les complications",
        "Reprise de la recommandation de la société savante, avec l’avis d’un radiologue de CHU.",
        "biopsies-osseuses-check-list-scanner",
        26,
        HOPITAUX,
    ),
    FeedItem(
        "Thrombectomie tardive : 6 000 patients confirment le bénéfice",
        "Le registre européen, publié cette semaine, conforte les filières de nuit "
        f'(<a href="https://doi.org/{STROKE_REGISTRY_DOI}">l’article</a>).',
        "thrombectomie-tardive-registre-europeen",
        12,
        HOPITAUX,
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
