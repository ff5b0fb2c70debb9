"""What the demo holds: stories written for it, in French, as the newsroom would curate them.

Every story, publisher and address here is illustrative: the stories are invented for the
demo, the publishers' hosts end in ``.example`` (a name reserved for examples, RFC 2606) and
nothing is ever fetched from them. ``days`` place a story relative to the moment the demo is
loaded (negative: in the past), so that the demo never goes stale.
"""

from dataclasses import dataclass

PUBLISHED, DRAFT, REVIEW = "published", "draft", "review"
EDITOR, AUTHOR = "editor", "author"


@dataclass(frozen=True)
class Publisher:
    name: str
    site: str

    def url(self, path):
        return f"{self.site}/{path}"


ONCO = Publisher("Revue d’oncologie clinique", "https://www.revue-oncologie.example")
CARDIO = Publisher("Cardio Hebdo", "https://www.cardio-hebdo.example")
NEURO = Publisher("Neurologie Actualités", "https://neuro-actualites.example")
RI = Publisher("Radiologie interventionnelle Europe", "https://www.ri-europe.example")
BSP = Publisher("Bulletin de santé publique", "https://bulletin-sante-publique.example")
HOPITAUX = Publisher("Le Quotidien des hôpitaux", "https://www.quotidien-hopitaux.example")

# The stroke registry's DOI (10.5555 is Crossref's prefix for examples): the demo's published story
# that the press feed covers too (demo.feed), shown with « Aussi couvert par ».
STROKE_REGISTRY_DOI = "10.5555/demo.2026.avc24"
# A study the demo's epilepsy story reports, which its journal has since retracted (SOURCE_UPDATES).
SEEG_STUDY_DOI = "10.5555/demo.2025.seeg"


@dataclass(frozen=True)
class Story:
    title: str
    summary: str
    body: str
    tags: tuple
    publisher: Publisher
    path: str  # the story's address on its publisher's site
    days: float  # publication moment, in days from now (negative: in the past)
    importance: int | None = None
    status: str = PUBLISHED  # the status it is written in; ``moves`` may take it further
    author: str | None = EDITOR
    # (workflow transition, who makes it[, the note written with it]), in order: the notes make
    # the article's thread (articles.notes), a note being required to send a story back.
    moves: tuple = ()
    planned_in: int | None = None  # the planning date, in days from today
    expires_in: float | None = None  # the expiry moment, in days from now

    @property
    def url(self):
        return self.publisher.url(self.path)


STORIES = (
    Story(
        "Cancer du poumon : le dépistage par scanner faible dose ouvert dans douze régions",
        "Les fumeurs et anciens fumeurs de 50 à 74 ans pourront bénéficier d’un scanner thoracique "
        "à faible dose tous les deux ans. Le programme pilote, évalué pendant trois ans, doit "
        "préparer un dépistage organisé à l’échelle nationale.",
        "Le dépistage s’adresse aux personnes ayant fumé au moins vingt paquets-années. "
        "Le scanner est lu par deux radiologues, et tout nodule suspect est discuté en réunion "
        "de concertation pluridisciplinaire.\n\n"
        "Ce qu’il faut retenir :\n\n"
        "- un scanner tous les deux ans, sans injection ;\n"
        "- une aide au sevrage tabagique proposée à chaque participant ;\n"
        "- une évaluation publiée à l’issue des trois ans.\n\n"
        "Les sociétés savantes saluent une étape attendue depuis les grands essais européens.",
        ("Oncologie", "Santé publique", "France"),
        ONCO,
        # As a newsletter's link arrives: readers are sent there without its tracking parameters.
        "depistage-cancer-poumon-scanner-faible-dose?utm_source=newsletter&utm_medium=email",
        -0.8,
        importance=4,
        author=AUTHOR,
        status=REVIEW,
        moves=(("publish", EDITOR),),
    ),
    Story(
        "AVC : la thrombectomie jusqu’à 24 heures confirmée par un registre européen",
        "Chez les patients sélectionnés par l’imagerie de perfusion, retirer le caillot jusqu’à "
        "24 heures après les premiers symptômes améliore l’autonomie à trois mois. Le registre "
        "porte sur plus de 6 000 patients traités dans 14 pays.",
        "Les résultats confirment, hors essai, ce que les études randomisées avaient montré. "
        "Le bénéfice dépend de l’organisation : transfert rapide vers un centre de thrombectomie "
        "et accès à l’IRM ou au scanner de perfusion.\n\n"
        "Les auteurs appellent à étendre les filières de nuit et de week-end.\n\n"
        f"Référence : [doi:{STROKE_REGISTRY_DOI}](https://doi.org/{STROKE_REGISTRY_DOI}).",
        ("Neurologie", "Radiologie interventionnelle", "Europe"),
        NEURO,
        "avc-thrombectomie-24-heures-registre",
        -1.9,
        importance=3,
    ),
    Story(
        "Insuffisance cardiaque : la télésurveillance réduit d’un quart les réhospitalisations",
        "Un suivi quotidien du poids et des symptômes, transmis à une infirmière spécialisée, "
        "diminue les réhospitalisations à un an. L’étude a suivi 1 800 patients après une "
        "première décompensation.",
        "Les patients télésurveillés ont été réhospitalisés 26 % moins souvent que les autres. "
        "La mortalité n’a pas différé de façon significative.\n\n"
        "Le dispositif reste sous-utilisé : moins d’un patient éligible sur cinq en bénéficie.",
        ("Cardiologie", "France"),
        CARDIO,
        "insuffisance-cardiaque-telesurveillance-rehospitalisations",
        -2.7,
        importance=3,
        author=AUTHOR,
    ),
    Story(
        "Arthrose du genou : l’embolisation des artères géniculées tient deux ans",
        "Chez des patients dont la douleur résistait aux traitements médicaux, l’embolisation "
        "a réduit la douleur de moitié, et l’effet persiste à deux ans. La technique ne "
        "remplace pas la prothèse mais peut la retarder.",
        "L’intervention, sous anesthésie locale, consiste à boucher de petites artères "
        "responsables de l’inflammation de la membrane synoviale.\n\n"
        "Un essai randomisé contre procédure simulée est en cours pour confirmer ces résultats.",
        ("Radiologie interventionnelle", "Europe"),
        RI,
        "embolisation-arteres-geniculees-deux-ans",
        -3.6,
    ),
    Story(
        "Grippe : la vaccination des plus de 65 ans progresse légèrement",
        "La couverture vaccinale des personnes de 65 ans et plus atteint 56 %, deux points de "
        "plus que l’an dernier. Elle reste loin de l’objectif de 75 % fixé par l’Organisation "
        "mondiale de la santé.",
        "La vaccination en pharmacie représente désormais près d’un acte sur deux. "
        "Les soignants restent moins vaccinés que leurs patients âgés.\n\n"
        "La campagne se poursuit jusqu’à la fin de l’hiver.",
        ("Santé publique", "France"),
        BSP,
        "grippe-couverture-vaccinale-65-ans",
        -4.4,
        author=AUTHOR,
    ),
    Story(
        "Mélanome : une double immunothérapie avant chirurgie réduit les rechutes",
        "Administrer deux cycles d’immunothérapie avant l’opération d’un mélanome de stade III "
        "diminue le risque de rechute à deux ans. Les effets indésirables graves concernent un "
        "patient sur cinq.",
        "L’essai de phase III a inclus 420 patients dans neuf pays européens. "
        "La réponse observée sur la pièce opératoire permet d’adapter le traitement qui suit.\n\n"
        "Les recommandations devraient être revues dans l’année.",
        ("Oncologie", "Europe"),
        ONCO,
        "melanome-immunotherapie-neoadjuvante",
        -5.3,
    ),
    Story(
        "Congrès : les inscriptions aux Journées de radiologie interventionnelle ferment bientôt",
        "Les Journées réuniront radiologues, angiologues et infirmiers autour de l’embolisation, "
        "de l’oncologie interventionnelle et de la douleur. Les inscriptions à tarif réduit "
        "ferment dans quelques jours.",
        "Le programme fait une large place aux ateliers sur simulateur. "
        "Les internes bénéficient d’une inscription gratuite.\n\n"
        "Cette annonce disparaîtra du site à la clôture des inscriptions.",
        ("Radiologie interventionnelle", "France"),
        RI,
        "journees-radiologie-interventionnelle-inscriptions",
        -6.1,
        expires_in=4.2,
    ),
    Story(
        "Fibrillation atriale : l’ablation par champ pulsé gagne du terrain",
        "L’ablation par électroporation représente déjà un tiers des procédures dans les centres "
        "européens interrogés. Plus rapide, elle épargnerait mieux les tissus voisins du cœur.",
        "Les données de sécurité à long terme restent limitées. "
        "Les rythmologues insistent sur la formation des équipes.\n\n"
        "Le coût des cathéters freine encore sa diffusion.",
        ("Cardiologie", "Europe"),
        CARDIO,
        "fibrillation-atriale-ablation-champ-pulse",
        -8.2,
    ),
    Story(
        "Alzheimer : un test sanguin évalué en consultation mémoire",
        "Un dosage sanguin de protéines associées à la maladie d’Alzheimer est évalué dans "
        "vingt consultations mémoire. Il pourrait éviter une ponction lombaire à une partie "
        "des patients.",
        "Le test ne pose pas le diagnostic seul : il oriente vers les examens complémentaires. "
        "Son intérêt sera mesuré sur 2 000 patients.\n\n"
        "Les résultats sont attendus dans deux ans.",
        ("Neurologie", "France"),
        NEURO,
        "alzheimer-test-sanguin-consultation-memoire",
        -9.0,
        author=AUTHOR,
    ),
    Story(
        "Cancer du sein : la radiothérapie en cinq séances devient la norme",
        "Après une chirurgie conservatrice, cinq séances de radiothérapie donnent le même contrôle "
        "local que les schémas de trois à cinq semaines. Les centres français l’adoptent "
        "progressivement.",
        "Les schémas courts réduisent la fatigue liée aux trajets et libèrent du temps machine. "
        "Ils ne conviennent pas à toutes les patientes : l’âge et le stade comptent.\n\n"
        "Une enquête nationale mesurera leur diffusion l’an prochain.",
        ("Oncologie", "France"),
        ONCO,
        "cancer-sein-radiotherapie-cinq-seances",
        -10.7,
        importance=3,
    ),
    Story(
        "Hypertension : une campagne en pharmacie dépiste un adulte sur dix",
        "Pendant un mois, les pharmacies participantes ont mesuré la tension de 40 000 adultes. "
        "Un sur dix avait une hypertension ignorée et a été orienté vers son médecin.",
        "La campagne visait les adultes de 40 ans et plus sans traitement. "
        "Les pharmaciens ont été formés à la mesure selon les recommandations.\n\n"
        "L’opération doit être renouvelée chaque printemps.",
        ("Cardiologie", "Santé publique", "France"),
        BSP,
        "hypertension-depistage-pharmacie",
        -12.3,
        author=AUTHOR,
    ),
    Story(
        "Tumeurs du foie : la radioembolisation évaluée avant greffe",
        "Une étude multicentrique évalue la radioembolisation pour contrôler un carcinome "
        "hépatocellulaire en attendant une greffe. L’objectif : limiter les sorties de liste "
        "d’attente.",
        "Des microsphères chargées d’yttrium 90 sont injectées dans les artères de la tumeur. "
        "Le traitement se fait en une ou deux séances.\n\n"
        "Les premiers résultats seront présentés au prochain congrès européen.",
        ("Radiologie interventionnelle", "Oncologie", "Europe"),
        RI,
        "radioembolisation-carcinome-attente-greffe",
        -14.1,
    ),
    Story(
        "Migraine : les anticorps anti-CGRP remboursés plus largement",
        "Les patients ayant au moins huit jours de migraine par mois malgré deux traitements de "
        "fond pourront désormais être remboursés. Jusqu’ici, le seuil était de quatre échecs.",
        "Ces anticorps s’injectent une fois par mois. "
        "La prescription initiale reste réservée aux neurologues.\n\n"
        "Les associations de patients saluent une mesure attendue.",
        ("Neurologie", "France"),
        NEURO,
        "migraine-anticorps-anti-cgrp-remboursement",
        -15.4,
    ),
    Story(
        "Antibiorésistance : l’Europe se fixe de nouveaux objectifs",
        "Les pays européens s’engagent à réduire de 20 % la consommation d’antibiotiques d’ici "
        "la fin de la décennie. Les infections à bactéries résistantes causent plus de "
        "35 000 décès par an en Europe.",
        "Les objectifs portent aussi sur la part des antibiotiques à spectre étroit. "
        "Chaque pays publiera un plan d’action.\n\n"
        "La France part d’une consommation supérieure à la moyenne européenne.",
        ("Santé publique", "Europe"),
        BSP,
        "antibioresistance-objectifs-europeens",
        -17.2,
    ),
    Story(
        "Embolie pulmonaire : la thrombolyse par cathéter face au traitement standard",
        "Un essai compare, chez les patients à risque intermédiaire, la thrombolyse délivrée par "
        "cathéter à l’anticoagulation seule. Les premiers patients ont été inclus ce mois-ci.",
        "La technique délivre de faibles doses de thrombolytique au contact du caillot. "
        "Elle pourrait réduire le risque de saignement.\n\n"
        "Quarante centres européens participent à l’essai.",
        ("Radiologie interventionnelle", "Cardiologie", "Europe"),
        RI,
        "embolie-pulmonaire-thrombolyse-catheter-essai",
        -18.6,
    ),
    Story(
        "Cancer colorectal : le kit de dépistage disponible en pharmacie",
        "Les personnes de 50 à 74 ans peuvent retirer leur test immunologique en pharmacie, sans "
        "passer par leur médecin. La participation au dépistage plafonne sous 35 %.",
        "Le test se fait à domicile et s’envoie par la poste. "
        "Un résultat positif conduit à une coloscopie.\n\n"
        "Une commande en ligne est aussi possible.",
        ("Oncologie", "Santé publique", "France"),
        BSP,
        "cancer-colorectal-kit-depistage-pharmacie",
        -20.4,
        author=AUTHOR,
    ),
    Story(
        "Sclérose en plaques : un registre suit 10 000 patients traités",
        "Un registre national suit l’efficacité et la tolérance des traitements de fond chez "
        "10 000 patients. Ses premières données portent sur les arrêts de traitement après 60 ans.",
        "Arrêter un traitement de fond après plusieurs années sans poussée semble possible chez "
        "certains patients âgés. Le registre précisera lesquels.\n\n"
        "Les neurologues participants saisissent les données à chaque consultation.",
        ("Neurologie", "France"),
        NEURO,
        "sclerose-en-plaques-registre-national",
        -22.5,
    ),
    Story(
        "Rétrécissement aortique : la valve percutanée chez les patients à faible risque",
        "À cinq ans, la valve implantée par voie percutanée fait jeu égal avec la chirurgie chez "
        "les patients à faible risque opératoire. La durabilité des prothèses reste surveillée.",
        "Le choix se discute en équipe cardiologique, selon l’âge et l’anatomie. "
        "Les patients récupèrent plus vite après une procédure percutanée.\n\n"
        "Les données à dix ans sont attendues.",
        ("Cardiologie", "Europe"),
        CARDIO,
        "valve-aortique-percutanee-faible-risque",
        -24.3,
    ),
    Story(
        "Santé mentale des étudiants : les consultations gratuites prolongées",
        "Le dispositif qui offre huit séances gratuites avec un psychologue aux étudiants est "
        "prolongé de trois ans. Plus de 100 000 étudiants y ont eu recours.",
        "Les séances sont accessibles sur orientation d’un service de santé universitaire ou "
        "d’un médecin généraliste.\n\n"
        "Les délais d’attente restent longs dans les grandes villes universitaires.",
        ("Santé publique", "France"),
        HOPITAUX,
        "sante-mentale-etudiants-consultations-prolongees",
        -26.2,
    ),
    Story(
        "Fibromes utérins : l’embolisation, une alternative encore peu proposée",
        "L’embolisation des fibromes évite l’hystérectomie à de nombreuses patientes, mais moins "
        "d’une sur dix se la voit proposer. Les radiologues plaident pour une information "
        "systématique.",
        "L’intervention se fait par une artère du poignet ou de l’aine, avec une hospitalisation "
        "courte.\n\n"
        "Les gynécologues et radiologues interventionnels publient une recommandation commune.",
        ("Radiologie interventionnelle", "France"),
        RI,
        "fibromes-uterins-embolisation-information",
        -28.3,
        author=AUTHOR,
    ),
    Story(
        "Épilepsie : la chirurgie guidée par stéréo-EEG gagne en précision",
        "Les électrodes implantées en profondeur localisent mieux la zone à l’origine des crises. "
        "Deux patients opérés sur trois n’ont plus de crise à deux ans.",
        "La chirurgie s’adresse aux épilepsies résistantes aux médicaments. "
        "Son délai d’accès dépasse encore dix ans en moyenne.\n\n"
        "Les centres experts appellent à adresser les patients plus tôt.\n\n"
        f"Référence : [doi:{SEEG_STUDY_DOI}](https://doi.org/{SEEG_STUDY_DOI}).",
        ("Neurologie", "Europe"),
        NEURO,
        "epilepsie-chirurgie-stereo-eeg",
        -31.0,
    ),
    Story(
        "Cancer de la prostate : l’IRM avant biopsie limite les surdiagnostics",
        "Réaliser une IRM avant toute biopsie réduit de 40 % le diagnostic de cancers peu "
        "agressifs, sans manquer davantage de cancers graves. La pratique se généralise.",
        "Les biopsies sont ciblées sur les zones suspectes à l’IRM. "
        "Moins de patients subissent des traitements inutiles.\n\n"
        "L’accès à l’IRM reste inégal selon les territoires.",
        ("Oncologie", "Europe"),
        ONCO,
        "prostate-irm-avant-biopsie",
        -35.4,
    ),
    # Scheduled: published, their publication time still to come.
    Story(
        "Cancer du pancréas : les résultats d’un essai de chimiothérapie avant chirurgie",
        "Les résultats d’un essai français comparant une chimiothérapie avant et après chirurgie "
        "du cancer du pancréas sont présentés cette semaine. Près de 300 patients ont été inclus.",
        "La chimiothérapie première pourrait permettre d’opérer davantage de patients dans de "
        "bonnes conditions.\n\n"
        "Cet article paraîtra à la levée de l’embargo.",
        ("Oncologie", "France"),
        ONCO,
        "pancreas-chimiotherapie-neoadjuvante-essai",
        2.3,
        author=AUTHOR,
        status=REVIEW,
        moves=(("publish", EDITOR),),
    ),
    Story(
        "Vaccination HPV au collège : le bilan de la deuxième campagne",
        "La deuxième campagne de vaccination contre les papillomavirus dans les collèges a touché "
        "davantage de garçons. Le bilan détaillé sera publié la semaine prochaine.",
        "La vaccination, gratuite, est proposée aux élèves de cinquième avec l’accord des parents.\n\n"
        "Le bilan détaillera la participation par académie.",
        ("Santé publique", "France"),
        BSP,
        "vaccination-hpv-college-bilan",
        8.4,
        status=REVIEW,
        moves=(("publish", EDITOR),),
    ),
    # Not on the public site: the editors' work in progress.
    Story(
        "Obésité : ce que l’on sait des traitements injectables à long terme",
        "Les analogues du GLP-1 font perdre 15 % du poids en moyenne. Leurs effets après "
        "plusieurs années restent à préciser.",
        "Une étude de suivi a montré une reprise de poids à l’arrêt du traitement.\n\n"
        "À compléter : les données de tolérance.",
        ("Santé publique", "Europe"),
        HOPITAUX,
        "obesite-traitements-injectables-long-terme",
        -0.3,
        status=DRAFT,
        author=AUTHOR,
        moves=(
            ("submit", AUTHOR),
            (
                "send_back",
                EDITOR,
                "Merci de citer l’étude d’origine (revue, date de publication) plutôt que le communiqué, "
                "et de préciser la durée du suivi. Le titre peut être raccourci.",
            ),
        ),
        planned_in=7,
    ),
    Story(
        "Dengue : des cas autochtones signalés plus tard dans la saison",
        "Des cas de dengue contractés sur place ont été signalés jusqu’en novembre dans le sud de "
        "la France. La surveillance renforcée est prolongée.",
        "Le moustique tigre est désormais implanté dans la majorité des départements.\n\n"
        "Les autorités rappellent les gestes de prévention.",
        ("Santé publique", "France"),
        BSP,
        "dengue-cas-autochtones-fin-de-saison",
        -0.2,
        status=DRAFT,
        author=AUTHOR,
        moves=(
            ("submit", AUTHOR),
            (
                "send_back",
                EDITOR,
                "Jusqu’à quelle date les cas ont-ils été signalés ? Il faut la source : "
                "Santé publique France.",
            ),
            (
                "submit",
                AUTHOR,
                "J’ai ajouté le lien vers le bulletin de Santé publique France du 28 novembre, "
                "qui donne les dates des derniers cas.",
            ),
        ),
        planned_in=3,
    ),
    Story(
        "Douleur chronique : la neurostimulation médullaire réévaluée",
        "Une revue des essais publiés réévalue la neurostimulation médullaire dans les douleurs "
        "chroniques après chirurgie du dos.",
        "Plan : les indications, les résultats des essais, l’avis des centres de la douleur.",
        ("Neurologie",),
        NEURO,
        "neurostimulation-medullaire-reevaluation",
        -0.1,
        status=DRAFT,
        author=AUTHOR,
        planned_in=5,
    ),
    Story(
        "Dossier : l’intelligence artificielle en imagerie, promesses et limites",
        "Détection des nodules, tri des urgences, comptes rendus : ce que l’intelligence "
        "artificielle change déjà pour les radiologues, et ce qu’elle ne fait pas.",
        "Entretiens à mener avec deux radiologues et un physicien médical.",
        ("Radiologie interventionnelle", "Europe"),
        RI,
        "dossier-intelligence-artificielle-imagerie",
        -0.1,
        status=DRAFT,
        planned_in=12,
    ),
    Story(
        "Rappel de lots : des tubulures de perfusion retirées par précaution",
        "Un fabricant rappelle plusieurs lots de tubulures de perfusion après des signalements de "
        "fuites. Aucun effet grave n’a été rapporté.",
        "Les établissements concernés ont été prévenus directement.\n\nRetiré du site : le rappel est clos.",
        ("Santé publique", "France"),
        HOPITAUX,
        "rappel-lots-tubulures-perfusion",
        -13.5,
        moves=(("unpublish", EDITOR),),
    ),
    Story(
        "Congrès européen de cardiologie : les temps forts",
        "Insuffisance cardiaque, prévention et imagerie ont dominé le congrès européen de "
        "cardiologie. Notre sélection des études présentées.",
        "Les études marquantes, en bref, avec les liens vers leurs publications.",
        ("Cardiologie", "Europe"),
        CARDIO,
        "congres-europeen-cardiologie-temps-forts",
        -58.0,
        moves=(("archive", EDITOR),),
    ),
)

# The public notes editors wrote on published stories (articles.corrections): by the story's title,
# (kind, days from now, text), shown on their pages with « Mis à jour le … ».
NOTES = {
    "Insuffisance cardiaque : la télésurveillance réduit d’un quart les réhospitalisations": (
        (
            "correction",
            -1.5,
            "Une version précédente de cet article indiquait que l’étude avait suivi 8\u00a0100 patients : "
            "elle en a suivi 1\u00a0800. La baisse des réhospitalisations (26\u00a0%) est inchangée.",
        ),
    ),
    "Grippe : la vaccination des plus de 65 ans progresse légèrement": (
        (
            "update",
            -1.0,
            "Santé publique France a publié les chiffres de la mi-saison : la couverture atteint "
            "désormais 58\u00a0% chez les 65 ans et plus.",
        ),
    ),
}

# Stories an editor took off the site leaving a public notice: their address answers 410 with it.
WITHDRAWALS = {
    "Rappel de lots : des tubulures de perfusion retirées par précaution": (
        "Le rappel est clos : les lots concernés ont été remplacés et l’information n’est plus "
        "d’actualité. L’avis du fabricant reste disponible auprès des établissements."
    ),
}

# What the sources' checks found (manage.py check_links and check_retractions), set as they would
# have: the demo fetches nothing. A source whose page answers 404 since ``days`` (readers get its
# archived copy; the editors' « Source dead » queue lists it)…
DEAD_SOURCES = {
    "Cancer de la prostate : l’IRM avant biopsie limite les surdiagnostics": (404, -6.0),
}
# …and notices Crossref records against a cited study: (title, cited DOI, kind, notice DOI, days).
# A retraction is shown to readers at once; a correction waits for an editor.
SOURCE_UPDATES = (
    (
        "Épilepsie : la chirurgie guidée par stéréo-EEG gagne en précision",
        SEEG_STUDY_DOI,
        "retraction",
        "10.5555/demo.2026.seeg-retraction",
        -3.0,
    ),
    (
        "AVC : la thrombectomie jusqu’à 24 heures confirmée par un registre européen",
        STROKE_REGISTRY_DOI,
        "correction",
        "10.5555/demo.2026.avc24-erratum",
        -2.0,
    ),
)
# Published stories whose title an editor made more precise afterwards: old title → new title. Their
# address stays the first title's; their change form offers « Changer l’adresse » (the old one
# would then redirect).
RETITLED = {
    "Antibiorésistance : l’Europe se fixe de nouveaux objectifs": (
        "Antibiorésistance : l’Europe vise 20 % d’antibiotiques en moins d’ici 2030"
    ),
}
