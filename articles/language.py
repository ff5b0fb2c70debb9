"""Which language a title or summary reads as: French, English, or unsure.

The site publishes in French; a feed item in English is usually a draft nobody translated
yet, and the review page asks for confirmation before publishing one (``not_in_french``).
The test is the oldest and plainest: function words. French text is full of « de », « la »,
« les », « des », « et », « pour », elisions (« l’ », « d’ », « qu’ ») and accents; English text
of "the", "of", "and", "with", "for", "'s". Names, trial acronyms, drugs and Latin (« in vitro »)
belong to neither list, so « L’essai NEJM COMPASS : le rivaroxaban réduit les événements »
reads as French, and "Santé publique France reports a rise in bronchiolitis" as English.

Short texts (fewer than MIN_WORDS words) and texts where neither side clearly wins give None:
no warning rather than a wrong one. Pure: no database, no settings, no model.
"""

import re
import unicodedata

MIN_WORDS = 4
# One side wins when it has at least this many hints and at least twice the other's.
MIN_HINTS = 2
MARGIN = 2


def _word_set(text):
    return frozenset(text.split())


# Words that are common in one language and rare in the other. Left out on purpose: words
# both use ("a", "on", "an", "as", "plus", "me", "son", "if"), English words spelt like French
# ones ("car", "face", "sera", "premier"), and Latin ("in" is kept: French text says « in vitro »
# seldom enough, English says "in" in every other sentence; « et al. » is dropped first).
# Acronyms written in capitals in a text that is not (HER2, IL-6, CAR-T, NOS, UN) are no words.
FRENCH_WORDS = _word_set(
    """
    le la les un une des du de au aux à et ou où est sont été être ont avait fait
    ce cet cette ces sa ses leur leurs notre nos votre vos
    qui que quoi dont lequel laquelle lesquels quand comme si mais donc ni
    pour par sur sous dans avec sans chez entre vers selon contre depuis pendant avant après
    lors grâce parmi auprès jusque malgré
    il elle ils elles nous vous lui se y en ne pas moins très trop peu
    aussi encore déjà toujours jamais tout tous toute toutes même autre autres
    première nouveau nouvelle nouveaux nouvelles
    chaque plusieurs certains certaines aucun aucune
    aujourd'hui c'est n'est
    """
)
ENGLISH_WORDS = _word_set(
    """
    the of and to in for with from by at is are was were be been being has have had
    this that these those which who whom whose what when where why how
    its their our your his her it they we he she them there
    not no nor but or than then so such
    into onto over under after before between among against during without within across about
    may might can could should would will shall does do did
    new more most less least first many much some any each every other
    says said shows show finds find reveals suggests
    """
)
FRENCH_ELISIONS = frozenset(
    {"l", "d", "qu", "n", "s", "c", "j", "m", "t", "jusqu", "lorsqu", "puisqu", "quoiqu"}
)
ENGLISH_ENDINGS = frozenset({"s", "t", "re", "ll", "ve", "d", "m"})  # "Alzheimer's", "don't", "we're"
FRENCH_LETTERS = frozenset("éèêëàâçùûüôîïœ")

APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "‘": "'", "`": "'", "´": "'"})
ADDRESS = re.compile(r"\b(?:https?://|www\.)\S+|\S+@\S+", re.IGNORECASE)
ET_AL = re.compile(r"\bet\s+al\b", re.IGNORECASE)
# Letters and digits, an apostrophe inside: "HER2" is one token (then no word), not "her".
TOKEN = re.compile(r"[^\W_]+(?:'[^\W_]+)?")


def language_of(*texts):
    """What the texts read as, taken together: "fr", "en", or None (too short, or neither clearly)."""
    french = english = words = accented = 0
    for word in _words(" ".join(text or "" for text in texts)):
        words += 1
        if FRENCH_LETTERS.intersection(word):
            accented += 1
        head, apostrophe, tail = word.partition("'")
        if apostrophe and word not in FRENCH_WORDS:
            if head in FRENCH_ELISIONS:
                french += 1
                word = tail
            elif tail in ENGLISH_ENDINGS:
                english += 1
                word = head
        french += word in FRENCH_WORDS
        english += word in ENGLISH_WORDS
    if words < MIN_WORDS:
        return None
    # Accents say French, softly: an English text may name « Hôpital Européen Georges-Pompidou ».
    french += min(accented, 2)
    if french >= MIN_HINTS and french >= MARGIN * english:
        return "fr"
    if english >= MIN_HINTS and english >= MARGIN * french:
        return "en"
    return None


def not_in_french(*texts):
    """Whether the texts read as English: publishing them should be confirmed. Unsure is not."""
    return language_of(*texts) == "en"


def _words(text):
    """The lower-case words of ``text``: addresses, « et al. », numbers and acronyms left out
    (a text all in capitals keeps its words), apostrophes made one."""
    text = unicodedata.normalize("NFKC", text).translate(APOSTROPHES)
    text = ET_AL.sub(" ", ADDRESS.sub(" ", text))
    in_capitals = not any(character.islower() for character in text)
    for token in TOKEN.findall(text):
        if any(character.isdigit() for character in token):
            continue
        if not in_capitals and len(token) > 1 and token.isupper():
            continue
        yield token.lower()
