"""The language check the review page asks before publishing an item that is not in French.

French titles and summaries as the newsroom writes them (trial acronyms, drugs and English
names in the middle), English ones as feeds bring them (a French name in the middle), titles
in capitals, and texts too short or too mixed to tell, which give no warning.
"""

import pytest

from articles.language import language_of, not_in_french

FRENCH = [
    "L’essai NEJM COMPASS : le rivaroxaban à faible dose réduit les événements cardiovasculaires",
    "Cancer du sein HER2+ : le trastuzumab deruxtecan prolonge la survie sans progression",
    "Immunothérapie : les résultats de KEYNOTE-189 confirmés à cinq ans",
    "Des cellules tumorales cultivées in vitro répondent à la molécule",
    "Chez les patients atteints de coronaropathie stable, l’association du rivaroxaban et de l’aspirine "
    "diminue de 24 % le risque d’infarctus, d’AVC ou de décès cardiovasculaire.",
    "Pourquoi l'ANSM suspend-elle les dispositifs de perfusion d'un fabricant ?",  # a plain apostrophe
    "Radiologie interventionnelle : qu’attendre de l’embolisation des artères géniculées ?",
    "Cryoablation rénale : résultats à dix ans",  # few little words: the accents tell
    "L’European Society of Cardiology publie ses recommandations 2024 sur la fibrillation atriale",
]
ENGLISH = [
    "Rivaroxaban with or without aspirin in stable cardiovascular disease",
    "FDA approves first CAR-T therapy for solid tumours",
    "Santé publique France reports a rise in bronchiolitis cases among infants",
    "Surgeons at Hôpital Européen Georges-Pompidou report the first robotic valve repair in France",
    "Patients with stable coronary artery disease who received rivaroxaban plus aspirin had fewer "
    "cardiovascular events than those on aspirin alone, but more major bleeding (Eikelboom et al.).",
    "Why the new ESMO guidelines matter for patients with HER2-low breast cancer",
    "It’s time to rethink how we screen for lung cancer, say researchers",
]
CAPITALS = {
    "ALERTE DE L’ANSM SUR LES DISPOSITIFS DE PERFUSION": "fr",
    "ÉTUDE COMPASS : LE RIVAROXABAN RÉDUIT LES ÉVÉNEMENTS CARDIOVASCULAIRES": "fr",
    "FDA APPROVES THE FIRST DRUG FOR ALZHEIMER'S DISEASE": "en",
    "BREAKING: WHO DECLARES THE END OF THE MPOX EMERGENCY": "en",
}
TOO_SHORT = ["", "Grippe", "Oncologie : nouveautés", "COVID-19 update", "Tumour lysis syndrome", "Le point"]
UNSURE = [
    "Pembrolizumab, nivolumab, ipilimumab, atezolizumab, durvalumab",  # names only
    "KEYNOTE-189 · CheckMate 227 · IMpower150 · PACIFIC · ADAURA 2024",
    "https://www.nejm.org/doi/full/10.1056/NEJMoa1709118 https://doi.org/10.1016/S0140-6736",
]


@pytest.mark.parametrize("text", FRENCH)
def test_french_titles_and_summaries_read_as_french(text):
    assert language_of(text) == "fr"
    assert not not_in_french(text)


@pytest.mark.parametrize("text", ENGLISH)
def test_english_titles_and_summaries_read_as_english(text):
    assert language_of(text) == "en"
    assert not_in_french(text)


@pytest.mark.parametrize(("text", "language"), CAPITALS.items())
def test_titles_in_capitals_are_read_all_the_same(text, language):
    assert language_of(text) == language


@pytest.mark.parametrize("text", TOO_SHORT)
def test_a_text_of_a_few_words_gives_no_answer_and_no_warning(text):
    assert language_of(text) is None
    assert not not_in_french(text)


@pytest.mark.parametrize("text", UNSURE)
def test_names_numbers_and_addresses_alone_give_no_answer(text):
    assert language_of(text) is None


def test_acronyms_in_capitals_are_no_words():
    """« UN » and « DES » (diethylstilbestrol) are French words in lower case only."""
    assert language_of("The UN says DES daughters face a higher cancer risk") == "en"
    assert language_of("LES FILLES DES DES : UN RISQUE DE CANCER PLUS ÉLEVÉ") == "fr"  # all capitals


def test_a_french_title_quoting_english_never_asks_for_confirmation():
    title = "Essai DESTINY-Breast04 : le trastuzumab deruxtecan, « a new standard of care » selon les auteurs"

    assert language_of(title) != "en"
    assert not not_in_french(title)


def test_a_short_english_title_is_told_by_its_summary():
    title = "Lecanemab slows decline"
    summary = "The antibody slowed cognitive decline by 27% over 18 months in early Alzheimer’s disease."

    assert language_of(title) is None
    assert language_of(title, summary) == "en"
    assert language_of(None, "") is None  # an item without a summary


def test_a_french_title_over_an_english_summary_left_untranslated_is_unsure_or_english():
    title = "Lecanemab : un ralentissement du déclin cognitif"
    summary = "The antibody slowed cognitive decline by 27% over 18 months in early Alzheimer’s disease."

    assert language_of(title) == "fr"
    assert language_of(title, summary) in (None, "en")
