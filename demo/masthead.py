"""The demo's publication: its identity (name, tagline, a logo and share image drawn by Pillow,
publisher, contact and legal details) and its six pages, written for it in French and English.

The publisher, its address and its registration are illustrative, like the stories' hosts:
the domain ends in ``.example`` and the registration number is not one.
"""

from io import BytesIO

import reversion
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw, ImageOps

from publication.models import SiteIdentity, SitePage

from . import pictures

NAME = "Le Fil Santé"
COLOUR = (16, 104, 124)  # the interventional radiology teal of the illustrations
Role = SitePage.Role

IDENTITY = {
    "name": NAME,
    "tagline": "La veille médicale, chaque article relié à sa source",
    "tagline_en": "Medical news, each article linked to its source",
    "description": (
        "Le Fil Santé est une veille d’actualité médicale en français : chaque jour, la rédaction "
        "choisit des études, des recommandations et des alertes, les résume et renvoie à leur source."
    ),
    "description_en": (
        "Le Fil Santé is a French-language medical news watch: every day the newsroom picks studies, "
        "guidelines and alerts, summarises them and links to their source."
    ),
    "contact_email": "redaction@lefilsante.example",
    "legal_name": "Le Fil Santé SAS (société fictive, pour la démonstration)",
    "legal_address": "12 rue de l’Exemple\n75011 Paris\nFrance",
    "legal_details": (
        "SAS au capital de 10 000 €, RCS Paris 000 000 000 (numéro fictif).\n"
        "Directrice de la publication : Claire Moreau.\n"
        "Hébergeur : Hébergeur Exemple, 1 avenue du Serveur, 69000 Lyon."
    ),
}

# role: (French title, address, text; English title, address, text)
PAGES = {
    Role.ABOUT: (
        "À propos",
        "a-propos",
        """Le Fil Santé est une **veille d’actualité médicale** destinée aux professionnels de santé
et aux lecteurs curieux de médecine. Chaque jour, la rédaction lit les revues, les agences
sanitaires et la presse spécialisée, choisit ce qui compte et le résume en quelques lignes.

## Ce que nous faisons

- Nous **résumons** une étude, une recommandation ou une alerte, en disant d’où elle vient.
- Nous **renvoyons toujours à la source** : l’article original, la revue, l’agence.
- Nous **datons** chaque article et signalons ses mises à jour.

## Ce que nous ne faisons pas

Nous ne donnons pas de conseil médical individuel : nos articles informent, ils ne remplacent
pas l’avis d’un professionnel de santé.

## La rédaction

La rédaction est dirigée par Claire Moreau, rédactrice en chef ; Hugo Bernard y écrit.
Lisez notre [politique éditoriale](/politique-editoriale/) et notre
[politique de correction](/politique-de-correction/).
""",
        "About us",
        "about",
        """Le Fil Santé is a **medical news watch** for health professionals and for readers
curious about medicine. Every day the newsroom reads journals, health agencies and the
specialist press, picks what matters and sums it up in a few lines.

## What we do

- We **summarise** a study, a guideline or an alert, and say where it comes from.
- We **always link to the source**: the original article, the journal, the agency.
- We **date** every article and show its updates.

## What we do not do

We give no individual medical advice: our articles inform, they do not replace the advice
of a health professional.

## The newsroom

The newsroom is led by Claire Moreau, editor-in-chief; Hugo Bernard writes for it.
Read our [editorial policy](/en/editorial-policy/) and our
[corrections policy](/en/corrections-policy/).
""",
    ),
    Role.EDITORIAL_POLICY: (
        "Politique éditoriale",
        "politique-editoriale",
        """## Le choix des sujets

Nous retenons les publications qui peuvent changer une pratique ou l’information du public :
essais randomisés, méta-analyses, recommandations des sociétés savantes et de la HAS, alertes
de l’ANSM et des agences européennes. Un communiqué de presse seul ne suffit pas : nous
cherchons l’étude qu’il annonce.

## Les sources

Chaque article nomme sa source et y renvoie par un lien. Quand une étude n’a pas encore été
relue par des pairs (prépublication), nous le disons dans le résumé.

## L’indépendance

La rédaction choisit seule ses sujets. Nous ne publions ni contenu sponsorisé ni publicité
déguisée ; les webinaires et annonces commerciales reçus par nos flux sont écartés.

## Les images

Nos illustrations sont dessinées par la rédaction ou créditées à leur auteur, avec leurs droits.
""",
        "Editorial policy",
        "editorial-policy",
        """## Choosing stories

We pick publications that may change practice or what the public knows: randomised trials,
meta-analyses, guidelines from learned societies and the French health authority (HAS), alerts
from the ANSM and European agencies. A press release alone is not enough: we look for the study
it announces.

## Sources

Every article names its source and links to it. When a study has not yet been peer reviewed
(a preprint), the summary says so.

## Independence

The newsroom alone chooses its stories. We publish no sponsored content and no disguised
advertising; webinars and commercial announcements arriving through our feeds are set aside.

## Images

Our illustrations are drawn by the newsroom or credited to their author, with their rights.
""",
    ),
    Role.CORRECTIONS_POLICY: (
        "Politique de correction",
        "politique-de-correction",
        """Une erreur signalée est vérifiée dans la journée ouvrée.

- Une **faute de frappe** est corrigée sans mention.
- Une **erreur de fait** (un chiffre, un nom, une conclusion d’étude) est corrigée et une note
  datée, en tête de l’article, dit ce qui a changé.
- Un article dont la source a été **rétractée** reste en ligne avec une note qui le dit, ou est
  retiré avec un avis expliquant pourquoi.

Pour signaler une erreur, écrivez à la rédaction depuis la page [Contact](/contact/).
""",
        "Corrections policy",
        "corrections-policy",
        """A reported error is checked within one working day.

- A **typo** is corrected without a note.
- An **error of fact** (a figure, a name, a study's conclusion) is corrected, and a dated note
  at the top of the article says what changed.
- An article whose source has been **retracted** stays online with a note saying so, or is
  withdrawn with a notice explaining why.

To report an error, write to the newsroom from the [Contact](/en/contact-us/) page.
""",
    ),
    Role.LEGAL: (
        "Mentions légales",
        "mentions-legales",
        """Le site Le Fil Santé est édité par la société dont les coordonnées figurent ci-dessous.

Les résumés sont écrits par la rédaction ; les études et articles cités restent la propriété
de leurs auteurs et éditeurs. Le site ne dépose aucun cookie de mesure d’audience ou de publicité.
""",
        "Legal notice",
        "legal-notice",
        """The Le Fil Santé site is published by the company whose details are given below.

Summaries are written by the newsroom; the studies and articles cited remain the property of
their authors and publishers. The site sets no audience-measurement or advertising cookie.
""",
    ),
    Role.CONTACT: (
        "Contact",
        "contact",
        """La rédaction lit tous les messages : signalement d’erreur, proposition d’étude à suivre,
question sur un article. Nous ne répondons pas aux questions médicales personnelles : parlez-en
à votre médecin.
""",
        "Contact us",
        "contact-us",
        """The newsroom reads every message: an error to report, a study worth following, a question
about an article. We do not answer personal medical questions: ask your doctor.
""",
    ),
    Role.CONFLICTS_OF_INTEREST: (
        "Liens d’intérêts",
        "liens-d-interets",
        """Les membres de la rédaction déclarent leurs liens avec l’industrie de santé, mis à jour
chaque année.

| Personne | Fonction | Liens déclarés |
| --- | --- | --- |
| Claire Moreau | rédactrice en chef | aucun |
| Hugo Bernard | journaliste | aucun |

Un membre de la rédaction n’écrit pas sur un produit ou une entreprise avec lesquels il a un lien.
""",
        "Conflicts of interest",
        "conflicts-of-interest",
        """Members of the newsroom declare their ties with the health industry, updated every year.

| Person | Role | Declared ties |
| --- | --- | --- |
| Claire Moreau | editor-in-chief | none |
| Hugo Bernard | journalist | none |

No member of the newsroom writes about a product or a company they have ties with.
""",
    ),
}


def draw_logo(size=256):
    """The PNG bytes of the logo: a cross drawn as a pulse line on a teal rounded square."""
    scale = 4  # drawn larger, then reduced: smooth edges
    big = size * scale
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=big // 5, fill=(*COLOUR, 255))
    white, arm, middle = (255, 255, 255, 255), big // 9, big // 2
    draw.rectangle((middle - arm, big // 5, middle + arm, big - big // 5), fill=white)
    draw.rectangle((big // 5, middle - arm, big - big // 5, middle + arm), fill=white)
    pulse = [
        (big * 0.08, middle),
        (big * 0.3, middle),
        (big * 0.4, middle - big * 0.22),
        (big * 0.52, middle + big * 0.24),
        (big * 0.62, middle - big * 0.1),
        (big * 0.7, middle),
        (big * 0.92, middle),
    ]
    draw.line(pulse, fill=(*COLOUR, 255), width=big // 28, joint="curve")
    buffer = BytesIO()
    image.resize((size, size), Image.Resampling.LANCZOS).save(buffer, format="PNG")
    return buffer.getvalue()


def draw_share_image():
    """The JPEG bytes of the image link previews show for a page without its own: 1200 × 630."""
    size = (1200, 630)
    shade = Image.linear_gradient("L").rotate(90).resize(size)
    light = tuple(min(255, c + 120) for c in COLOUR)
    image = ImageOps.colorize(shade, black=COLOUR, white=light).convert("RGBA")
    logo = Image.open(BytesIO(draw_logo(220)))
    image.alpha_composite(logo, ((size[0] - logo.width) // 2, 120))
    pictures.write_name(image, NAME)
    buffer = BytesIO()
    image.convert("RGB").save(buffer, format="JPEG", quality=88)
    return buffer.getvalue()


def make_publication(written, editor):
    """Store the identity and the six pages, published, each with its first version saved by
    ``editor``; the files written go into ``written``."""
    identity = SiteIdentity(**IDENTITY)
    identity.logo = SimpleUploadedFile("le-fil-sante.png", draw_logo())
    identity.share_image = SimpleUploadedFile("le-fil-sante-partage.jpg", draw_share_image())
    identity.full_clean()
    identity.save()
    written += [(identity.logo.name, None), (identity.share_image.name, None)]
    for role, (title, slug, body, title_en, slug_en, body_en) in PAGES.items():
        page = SitePage(
            role=role,
            status=SitePage.Status.PUBLISHED,
            title=title,
            slug=slug,
            body=body,
            title_en=title_en,
            slug_en=slug_en,
            body_en=body_en,
        )
        page.full_clean()
        with reversion.create_revision():
            page.save()
            reversion.set_user(editor)
            reversion.set_comment("Première version")
    return identity
