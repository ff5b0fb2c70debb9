"""What makes two articles one story: the keys read from an article's text and links.

Two articles that share a key tell the same story (``articles.grouping`` groups them):

- ``doi:10.1056/nejmoa2302392``, however it is written (``https://doi.org/10.…``,
  ``doi:10.…``, ``DOI: 10.…``, in a journal's address), in lower case;
- ``pmid:37212345``, from a PubMed address or ``PMID: 37212345``;
- ``trial:NCT04567890``, and EudraCT, ISRCTN and EU CT numbers;
- ``link:<normalised address>``, a primary source the article points to: its own
  source link, or a link in its text to another site than its publisher's (the
  publisher's own pages, its « appeared first on » footer, home pages and sharing
  links are not a story's source);
- ``title:<normalised title>``: a syndicated copy keeps its headline, give or take
  case, accents and punctuation. A title of fewer than five words is too common to tell,
  and two items of one site that share a headline are no copies (``grouping``).

Nothing here touches the database; this is the recipe that ``rebuild_story_keys``
runs again when it changes.
"""

import html
import re
import unicodedata
from urllib.parse import unquote, urlsplit

from .normalize import normalize_url

KEY_LENGTH = 300
# Keys stored for one article at most (intake.parsing keeps as many cited addresses and identifiers).
MAX_KEYS = 50

# A DOI stops at a closing bracket: « [doi:10.1/x](https://doi.org/10.1/x) », a Markdown link, is
# one DOI twice, not « 10.1/x](https://doi.org/10.1/x ».
DOI = re.compile(r"\b10\.\d{4,9}/[^\s\"'<>?#\]]+", re.IGNORECASE)
# What a DOI found in a sentence or an address may be followed by without being part of it.
DOI_PUNCTUATION = ".,;:!)]}»"
DOI_PAGES = ("/full", "/abstract", "/abs", "/pdf", "/epdf", "/fulltext", "/html", "/summary")
PMID = re.compile(
    r"(?:pubmed\.ncbi\.nlm\.nih\.gov/|ncbi\.nlm\.nih\.gov/pubmed/|\bPMID\s*:?\s*)(\d{1,9})\b",
    re.IGNORECASE,
)
TRIALS = (
    re.compile(r"\b(NCT\d{8})\b", re.IGNORECASE),
    re.compile(r"\b(ISRCTN)\s?(\d{8})\b", re.IGNORECASE),
    # EU CT numbers (2023-503456-12-00) before EudraCT's (2004-000232-99), which they contain.
    re.compile(r"\b(20\d{2}-5\d{5}-\d{2}-\d{2})\b"),
    re.compile(r"\b((?:19|20)\d{2}-\d{6}-\d{2})\b(?!-\d)"),
)
URL = re.compile(r"https?://[^\s\"'<>()\[\]]+", re.IGNORECASE)
URL_PUNCTUATION = ".,;:!?»"

# Sites whose links say "share this", "follow us" or "read the identifier's page", never
# which study a story is about (identifiers are read from the address as keys of their own).
NOT_SOURCES = frozenset(
    {
        "facebook.com",
        "twitter.com",
        "x.com",
        "t.co",
        "linkedin.com",
        "instagram.com",
        "youtube.com",
        "pinterest.com",
        "reddit.com",
        "wa.me",
        "whatsapp.com",
        "telegram.me",
        "bsky.app",
        "mastodon.social",
        "feedburner.com",
        "doi.org",
        "dx.doi.org",
        "pubmed.ncbi.nlm.nih.gov",
        "ncbi.nlm.nih.gov",
        "www.ncbi.nlm.nih.gov",
        "clinicaltrials.gov",
        "isrctn.com",
        "clinicaltrialsregister.eu",
        "euclinicaltrials.eu",
        "creativecommons.org",
        "gravatar.com",
        "wordpress.com",
        "wp.me",
    }
)
# Second-level names under which each site has a name of its own (ansm.sante.gouv.fr's site is
# sante.gouv.fr, a hospital's is chu-x.fr): enough for the hosts medical news comes from.
SECOND_LEVEL = frozenset(
    {"co.uk", "ac.uk", "org.uk", "nhs.uk", "gov.uk", "gouv.fr", "com.au", "org.au", "co.jp", "com.br"}
)
TITLE_MIN_WORDS = 5
TITLE = "title:"


def keys_for(*, title="", texts=(), links=(), source_url=""):
    """The story keys of an article: its ``title``, the ``texts`` it says (summary, body, what its
    source cited), the ``links`` in them and its ``source_url``. A set of strings."""
    texts = [html.unescape(text) for text in texts if text]
    links = [*links, *(url for text in texts for url in urls_in(text))]
    identifiers = identifiers_in([title, *texts, *links, source_url])
    own_site = site_of(source_url)
    primary = [normalize_url(source_url)] if is_primary(source_url, "") else []
    primary += [normalize_url(url) for url in links if is_primary(url, own_site)]
    keys = [key_of_title(title), *(f"link:{url}" for url in primary if url), *identifiers]
    # In the order the article says them, the first MAX_KEYS: each is a row, and a text that cites
    # thousands of studies (or a feed pretending to) tells no one story anyway.
    unique = dict.fromkeys(key[:KEY_LENGTH] for key in keys if key)
    return set(list(unique)[:MAX_KEYS])


def identifiers_in(texts):
    """The DOI, PMID and trial keys said anywhere in ``texts`` (sentences or addresses), once
    each, in the order of ``texts`` (DOIs, then PMIDs, then trials within one)."""
    found = {}
    for text in texts:
        if not text:
            continue
        text = unquote(text) if "%2" in text or "%3" in text else text
        for match in DOI.finditer(text):
            doi = doi_without_tail(match.group(0))
            if "/" in doi[3:]:
                found[f"doi:{doi.lower()}"] = None
        found.update((f"pmid:{int(match.group(1))}", None) for match in PMID.finditer(text))
        for pattern in TRIALS:
            found.update(
                (f"trial:{''.join(match.groups()).upper()}", None) for match in pattern.finditer(text)
            )
    return list(found)


def doi_without_tail(doi):
    """``doi`` without the punctuation of the sentence around it or a journal's page name after it
    (« 10.1056/NEJMoa2400001). », ``…/NEJMoa2400001/full``); a closing parenthesis that closes
    one of its own stays (10.1016/S0140-6736(23)01234-5). One pass from the end, each character
    looked at once: a hostile tail of thousands of brackets costs what its length does."""
    end, opened, closed = len(doi), doi.count("("), doi.count(")")
    lowered = doi.lower()
    while end:
        char = doi[end - 1]
        if char in DOI_PUNCTUATION and char != ")":
            end -= 1
        elif char == ")" and closed > opened:
            end, closed = end - 1, closed - 1
        elif page := next((name for name in DOI_PAGES if lowered.endswith(name, 0, end)), ""):
            end -= len(page)
            closed -= page.count(")")
        else:
            break
    return doi[:end]


def urls_in(text):
    return [match.group(0).rstrip(URL_PUNCTUATION) for match in URL.finditer(text)]


def site_of(url):
    """The name a site goes by, whatever its subdomain: www.nejm.org and nejm.org are nejm.org."""
    try:
        host = (urlsplit(url).hostname or "").lower().rstrip(".")
    except ValueError:
        return ""
    labels = host.split(".")
    size = 3 if ".".join(labels[-2:]) in SECOND_LEVEL else 2
    return ".".join(labels[-size:])


def is_primary(url, own_site):
    """Whether a link can name a story's source: a page (not a home page) of another site
    than the publisher's own, that is not a sharing or identifier site."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return False
    site = site_of(url)
    if site == own_site or site in NOT_SOURCES or parts.hostname.lower() in NOT_SOURCES:
        return False
    return parts.path.strip("/") != "" or bool(parts.query)


def normal_title(title):
    """``title`` in lower case, without accents or punctuation, its words one space apart."""
    decomposed = unicodedata.normalize("NFKD", title or "")
    letters = "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()
    return " ".join(re.sub(r"[\W_]+", " ", letters).split())


def key_of_title(title):
    normal = normal_title(title)
    if len(normal.split()) < TITLE_MIN_WORDS:
        return ""
    return f"{TITLE}{normal}"
