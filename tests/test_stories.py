"""Stories: the same study from several feeds is one story; its published article lists the others.

The feeds are written here, as the sources of a medical veille write them: a journal's own
feed, a trade site's write-up with the DOI link and WordPress's footer, a French outlet citing
the trial number, a syndicated copy of a headline, and the traps (a publisher's own links,
sharing links, two studies of one journal, two unrelated items of one source).
"""

import json
import re
from html import escape

import pytest
from django.core.management import call_command

from articles import grouping
from articles.models import Article, Story, StoryKey
from articles.story_keys import keys_for, normal_title
from intake.models import Source

from .factories import make_article


def rss(tmp_path, name, items):
    """Write an RSS 2.0 feed of ``items`` (title, link, HTML description) and return its path."""
    entries = "".join(
        f"<item><title>{escape(title)}</title><link>{escape(link)}</link>"
        f"<pubDate>Mon, 0{number} Dec 2025 08:00:00 +0000</pubDate>"
        f"<description>{escape(description)}</description></item>"
        for number, (title, link, description) in enumerate(items, start=1)
    )
    path = tmp_path / f"{name}.xml"
    path.write_text(
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{name}</title>'
        f"<link>https://{name}.example/</link><description>{name}</description>{entries}</channel></rss>",
        encoding="utf-8",
    )
    return path


def footer(link, home, site):
    return f'<p>The post <a href="{link}">this story</a> appeared first on <a href="{home}">{site}</a>.</p>'


def share(link):
    return (
        f'<a href="https://www.facebook.com/sharer/sharer.php?u={link}">Partager</a> '
        f'<a href="https://twitter.com/intent/tweet?url={link}">Tweeter</a>'
    )


NEJM_A = "https://www.nejm.org/doi/full/10.1056/NEJMoa2400001"
NEJM_B = "https://www.nejm.org/doi/full/10.1056/NEJMoa2400002"
MEDSCAPE_A = "https://www.medscape.com/viewarticle/1001"
MEDSCAPE_OTHER = "https://www.medscape.com/viewarticle/1002"
QUOTIDIEN_A = "https://www.lequotidiendumedecin.fr/actus-medicales/essai-evolve-thrombectomie"
HAS_GUIDELINE = "https://www.has-sante.fr/jcms/p_3456789/fr/recommandation-embolisation-prostatique"
SYNDICATED_TITLE = "Prostate artery embolisation: five-year results from the UK registry"

FEEDS = {
    # The journal: two different studies, each with its DOI in its address, and links to its own site.
    "nejm": [
        (
            "Thrombectomy for Large Ischemic Stroke (EVOLVE)",
            NEJM_A,
            '<p>Randomised trial <a href="https://www.nejm.org/toc/nejm/current">this week</a>; '
            "registered as NCT05123456.</p>",
        ),
        (
            "Semaglutide and Kidney Outcomes",
            NEJM_B,
            '<p>Another study. <a href="https://www.nejm.org/">NEJM</a></p>',
        ),
    ],
    # The trade site: the DOI as a doi.org link, WordPress's footer, sharing links, and an unrelated item.
    "medscape": [
        (
            "Thrombectomy works in large strokes too, trial finds",
            MEDSCAPE_A,
            '<p>The <a href="https://doi.org/10.1056/nejmoa2400001">EVOLVE trial</a> changes practice. '
            '<a href="https://www.medscape.com/neurology">More neurology</a></p>'
            + share(MEDSCAPE_A)
            + footer(MEDSCAPE_A, "https://www.medscape.com/", "Medscape"),
        ),
        (
            "Flu season starts early in the southern hemisphere",
            MEDSCAPE_OTHER,
            '<p>Surveillance data. <a href="https://www.medscape.com/neurology">More</a></p>'
            + share(MEDSCAPE_OTHER)
            + footer(MEDSCAPE_OTHER, "https://www.medscape.com/", "Medscape"),
        ),
    ],
    # The French outlet cites the trial number only.
    "quotidien": [
        (
            "AVC étendus : la thrombectomie fait ses preuves",
            QUOTIDIEN_A,
            "<p>L’essai EVOLVE (NCT05123456), publié dans le NEJM, a inclus 400 patients.</p>",
        ),
        (
            "Embolisation prostatique : la HAS publie sa recommandation",
            "https://www.lequotidiendumedecin.fr/actus-medicales/has-embolisation-prostatique",
            f'<p>Le texte de la <a href="{HAS_GUIDELINE}">recommandation</a>. PMID: 38123456</p>',
        ),
    ],
    # A radiology site: the same guideline (its primary link), the PubMed record, a syndicated title.
    "radiology": [
        (
            "HAS guideline on prostate artery embolisation",
            "https://radiology.example/news/has-pae",
            f'<p>Read the <a href="{HAS_GUIDELINE}?utm_source=rss">guideline</a>.</p>',
        ),
        (
            "Registry data on PAE",
            "https://radiology.example/news/registry",
            '<p>See <a href="https://pubmed.ncbi.nlm.nih.gov/38123456/">the paper</a>.</p>',
        ),
        (SYNDICATED_TITLE, "https://radiology.example/news/pae-five-years", "<p>Five years on.</p>"),
    ],
    "syndication": [
        (
            "PROSTATE ARTERY EMBOLISATION — Five-year results from the UK registry!",
            "https://syndication.example/story/8812",
            "<p>Copied from elsewhere.</p>",
        ),
    ],
}


@pytest.fixture
def feeds(tmp_path, db):
    for name in FEEDS:
        Source.objects.create(name=name, feed_url=f"https://{name}.example/feed/")
    return {name: rss(tmp_path, name, items) for name, items in FEEDS.items()}


def ingest_all(feeds):
    from io import StringIO

    out = StringIO()
    for name, path in feeds.items():
        call_command("ingest_feeds", "--source", name, str(path), stdout=out)
    return out.getvalue()


def article(link):
    return Article.objects.get(links__url=link)


def story_of(link):
    return set(Article.objects.filter(story=article(link).story_id).values_list("links__url", flat=True))


def coverage_on_page(client, article):
    """The « Aussi couvert par » links of the public page: (text, href, rel), and its JSON-LD citations."""
    html = client.get(article.get_absolute_url()).content.decode()
    section = re.search(r'<section class="coverage">(.*?)</section>', html, re.S)
    links = re.findall(r'<a href="([^"]+)" rel="([^"]+)">([^<]+)</a>', section.group(1)) if section else []
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))
    return [(text, href, rel) for href, rel, text in links], data.get("citation", [])


class TestKeys:
    @pytest.mark.parametrize(
        "text",
        [
            "https://doi.org/10.1056/NEJMoa2400001",
            "http://dx.doi.org/10.1056/nejmoa2400001.",
            "doi:10.1056/NEJMoa2400001",
            "(DOI: 10.1056/NEJMOA2400001)",
            "https://www.nejm.org/doi/full/10.1056/NEJMoa2400001?query=featured",
            "https://www.nejm.org/doi/pdf/10.1056/NEJMoa2400001/full",
            "https://onlinelibrary.example/doi/abs/10.1056%2FNEJMoa2400001",
        ],
    )
    def test_a_doi_is_one_key_however_it_is_written(self, text):
        assert "doi:10.1056/nejmoa2400001" in keys_for(texts=[text])

    @pytest.mark.parametrize(
        ("text", "key"),
        [
            ("PMID: 38123456", "pmid:38123456"),
            ("pmid 38123456", "pmid:38123456"),
            ("https://pubmed.ncbi.nlm.nih.gov/38123456/", "pmid:38123456"),
            ("https://www.ncbi.nlm.nih.gov/pubmed/38123456", "pmid:38123456"),
            ("l’essai nct05123456", "trial:NCT05123456"),
            ("ISRCTN 12345678", "trial:ISRCTN12345678"),
            ("EudraCT 2004-000232-99", "trial:2004-000232-99"),
            ("EU CT 2023-503456-12-00", "trial:2023-503456-12-00"),
        ],
    )
    def test_pubmed_ids_and_trial_numbers(self, text, key):
        assert key in keys_for(texts=[text])

    @pytest.mark.parametrize(
        ("text", "key"),
        [
            ("(see doi:10.1016/S0140-6736(23)01234-5)", "doi:10.1016/s0140-6736(23)01234-5"),
            ("doi:10.1016/S0140-6736(23)01234-5.", "doi:10.1016/s0140-6736(23)01234-5"),
            ("https://doi.org/10.1056/NEJMoa2400001/abstract).", "doi:10.1056/nejmoa2400001"),
        ],
    )
    def test_a_doi_keeps_its_own_parentheses_and_loses_the_sentences(self, text, key):
        assert key in keys_for(texts=[text])

    def test_a_doi_in_a_markdown_link_is_one_doi(self):
        # As the demo and imported Markdown cite studies: the link's text, then its address.
        text = "Référence : [doi:10.5555/demo.2025.seeg](https://doi.org/10.5555/demo.2025.seeg)."
        assert {key for key in keys_for(texts=[text]) if key.startswith("doi:")} == {
            "doi:10.5555/demo.2025.seeg"
        }

    def test_a_hostile_tail_of_brackets_is_read_in_one_pass(self):
        # Stripped one bracket at a time with a count each, this took minutes; now a moment.
        keys = keys_for(texts=["doi:10.1234/abc" + ")" * 1_000_000, "10.1234/xyz" + ".)" * 500_000])
        assert {"doi:10.1234/abc", "doi:10.1234/xyz"} <= keys

    def test_a_hostile_tail_of_punctuation_is_read_in_one_pass(self):
        # A pattern that backtracks would take hours on these; stripping takes a moment.
        tail = "." * 200_000 + "x"
        keys = keys_for(texts=[f"doi:10.1234/abc{tail} https://site.example/page{tail}"], source_url="")
        assert f"doi:10.1234/abc{tail}".lower()[:300] in keys

    def test_an_eu_ct_number_is_not_also_read_as_a_eudract_number(self):
        assert keys_for(texts=["EU CT 2023-503456-12-00"]) == {"trial:2023-503456-12-00"}

    def test_the_publishers_own_links_home_pages_and_sharing_links_are_no_source(self):
        keys = keys_for(
            texts=[FEEDS["medscape"][0][2]],
            source_url=MEDSCAPE_A,
        )
        assert {key for key in keys if key.startswith("link:")} == {f"link:{MEDSCAPE_A}"}

    def test_a_link_to_another_site_is_a_primary_source(self):
        keys = keys_for(texts=[f'<a href="{HAS_GUIDELINE}?utm_source=rss">x</a>'], source_url=MEDSCAPE_A)
        assert f"link:{HAS_GUIDELINE}" in keys

    def test_titles_compare_without_case_accents_or_punctuation_and_short_ones_say_nothing(self):
        assert normal_title("Embolisation prostatique : RÉSULTATS à 5 ans !") == (
            "embolisation prostatique resultats a 5 ans"
        )
        assert keys_for(title="Éditorial") == set()
        assert keys_for(title="Les brèves de la semaine") == {"title:les breves de la semaine"}
        assert keys_for(title="Les brèves du jour") == set()


@pytest.mark.django_db
class TestStoriesFromFeeds:
    def test_one_story_however_many_sources_tell_it(self, feeds):
        ingest_all(feeds)

        # DOI in the journal's address and as a doi.org link; the trial number cited by the French item.
        assert story_of(NEJM_A) == {NEJM_A, MEDSCAPE_A, QUOTIDIEN_A}
        # The same guideline linked by two sites (one with a tracking parameter), and the PubMed record.
        assert story_of("https://radiology.example/news/has-pae") == {
            "https://radiology.example/news/has-pae",
            "https://www.lequotidiendumedecin.fr/actus-medicales/has-embolisation-prostatique",
            "https://radiology.example/news/registry",
        }
        # The syndicated copy of a headline.
        assert story_of("https://syndication.example/story/8812") == {
            "https://radiology.example/news/pae-five-years",
            "https://syndication.example/story/8812",
        }

    def test_the_traps_group_nothing(self, feeds):
        ingest_all(feeds)

        # Two studies of one journal, linking to its own pages; two unrelated items of one source,
        # with the same footer and sharing links.
        assert article(NEJM_B).story_id is None
        assert article(MEDSCAPE_OTHER).story_id is None
        assert article(NEJM_A).story_id != article(NEJM_B).story_id
        assert Story.objects.count() == 3

    def test_publishing_one_item_shows_the_others_as_coverage(self, feeds, client):
        ingest_all(feeds)
        published = article(NEJM_A)
        published.status = Article.Status.PUBLISHED
        published.save()
        # Drafts nobody has read yet are no coverage: a feed naming the DOI cannot add a link.
        assert coverage_on_page(client, published) == ([], [])
        # The review page's « Publier » archives the story's other items as its coverage.
        Article.objects.filter(story=published.story_id, status=Article.Status.REVIEW).update(
            status=Article.Status.ARCHIVED
        )

        links, citations = coverage_on_page(client, published)

        assert links == [
            ("medscape", MEDSCAPE_A, "noopener noreferrer nofollow"),
            ("quotidien", QUOTIDIEN_A, "noopener noreferrer nofollow"),
        ]
        assert citations == [
            {
                "@type": "NewsArticle",
                "url": MEDSCAPE_A,
                "publisher": {"@type": "Organization", "name": "medscape"},
            },
            {
                "@type": "NewsArticle",
                "url": QUOTIDIEN_A,
                "publisher": {"@type": "Organization", "name": "quotidien"},
            },
        ]

    def test_an_unrelated_article_shows_no_coverage(self, feeds, client):
        ingest_all(feeds)
        alone = article(NEJM_B)
        alone.status = Article.Status.PUBLISHED
        alone.save()

        assert coverage_on_page(client, alone) == ([], [])
        assert "Also covered by" not in client.get(alone.get_absolute_url()).content.decode()

    def test_a_third_run_adds_and_changes_nothing(self, feeds):
        ingest_all(feeds)
        ingest_all(feeds)
        before = (
            list(Article.objects.order_by("pk").values_list("pk", "story_id", "status", "updated_at")),
            sorted(StoryKey.objects.values_list("article_id", "key")),
            Story.objects.count(),
        )

        out = ingest_all(feeds)

        after = (
            list(Article.objects.order_by("pk").values_list("pk", "story_id", "status", "updated_at")),
            sorted(StoryKey.objects.values_list("article_id", "key")),
            Story.objects.count(),
        )
        assert after == before
        assert " 0 created, 0 updated," in out and " created" not in out.replace(" 0 created", "")

    def test_an_item_that_arrives_after_publication_joins_the_coverage(self, feeds, tmp_path, client):
        ingest_all({"nejm": feeds["nejm"]})
        published = article(NEJM_A)
        published.status = Article.Status.PUBLISHED
        published.save()

        out = ingest_all({"medscape": feeds["medscape"]})

        late = article(MEDSCAPE_A)
        published.refresh_from_db()
        assert (late.status, late.story_id) == (Article.Status.ARCHIVED, published.story_id)
        assert late.story_id is not None
        assert "1 created," in out and "1 coverage of a published story" in out
        assert coverage_on_page(client, published)[0] == [
            ("medscape", MEDSCAPE_A, "noopener noreferrer nofollow")
        ]
        assert article(MEDSCAPE_OTHER).status == Article.Status.REVIEW  # the unrelated one waits


@pytest.mark.django_db
class TestStoriesWithTheArchive:
    def test_an_item_joins_an_article_that_was_imported_or_written_before(self, feeds):
        written = make_article(
            title="Thrombectomie des AVC étendus",
            body="Source : [NEJM](https://doi.org/10.1056/NEJMoa2400001).",
        )

        ingest_all({"medscape": feeds["medscape"]})

        assert article(MEDSCAPE_A).story_id == Article.objects.get(pk=written.pk).story_id is not None
        assert article(MEDSCAPE_A).status == Article.Status.ARCHIVED  # the story is already published

    def test_a_headline_two_items_of_one_site_share_is_no_copy(self, tmp_path, db):
        Source.objects.create(name="weekly", feed_url="https://weekly.example/feed/")
        path = rss(
            tmp_path,
            "weekly",
            [
                ("Les brèves de la semaine", "https://weekly.example/2025/48", "<p>Lundi.</p>"),
                ("Les brèves de la semaine", "https://weekly.example/2025/49", "<p>Mardi.</p>"),
            ],
        )
        ingest_all({"weekly": path})
        ingest_all(
            {
                "weekly": rss(
                    tmp_path, "weekly", [("Les brèves de la semaine", "https://weekly.example/2025/50", "")]
                )
            }
        )

        assert Article.objects.count() == 3
        assert Story.objects.count() == 0

    def test_split_and_merge_by_hand(self, feeds):
        ingest_all(feeds)
        wrong = article(QUOTIDIEN_A)

        grouping.split(wrong)

        assert story_of(NEJM_A) == {NEJM_A, MEDSCAPE_A}
        assert story_of(QUOTIDIEN_A) == {QUOTIDIEN_A}
        ingest_all(feeds)  # nothing groups it back by itself
        assert story_of(QUOTIDIEN_A) == {QUOTIDIEN_A}

        grouping.merge([article(QUOTIDIEN_A), article(NEJM_B)])

        assert story_of(NEJM_B) == {QUOTIDIEN_A, NEJM_B}

    def test_the_rebuild_command_reads_the_keys_again_and_changes_nothing_twice(self, feeds):
        ingest_all(feeds)
        StoryKey.objects.all().delete()
        before = sorted(Article.objects.values_list("pk", "story_id"))
        from io import StringIO

        out = StringIO()
        call_command("rebuild_story_keys", stdout=out)

        assert sorted(Article.objects.values_list("pk", "story_id")) == before
        assert StoryKey.objects.filter(key="doi:10.1056/nejmoa2400001").count() == 2
        assert "(0 new)" in out.getvalue()


@pytest.mark.django_db
class TestStoriesAndRules:
    def test_a_blocked_item_joins_no_story_until_it_is_restored(self, feeds, editor):
        from intake import verdicts
        from intake.models import IngestedItem, Rule

        Rule.objects.create(action=Rule.Action.BLOCK, pattern="large strokes")
        ingest_all(feeds)
        blocked = article(MEDSCAPE_A)
        assert (blocked.status, blocked.story_id) == (Article.Status.ARCHIVED, None)
        assert story_of(NEJM_A) == {NEJM_A, QUOTIDIEN_A}

        verdicts.restore(editor, IngestedItem.objects.get(article=blocked))

        assert article(MEDSCAPE_A).status == Article.Status.REVIEW
        assert story_of(NEJM_A) == {NEJM_A, MEDSCAPE_A, QUOTIDIEN_A}


@pytest.mark.django_db
class TestHostileItems:
    """A feed item is written by whoever runs the feed: what it cites must not rearrange the site."""

    def test_an_item_citing_two_published_studies_does_not_make_them_one_story(self, tmp_path, client):
        heart = make_article(title="Insuffisance cardiaque", body="Étude : doi:10.1111/heart.1", source=True)
        rhythm = make_article(title="Fibrillation atriale", body="Étude : doi:10.2222/rhythm.2", source=True)
        Source.objects.create(name="spam", feed_url="https://spam.example/feed/")
        path = rss(
            tmp_path,
            "spam",
            [
                (
                    "Pilules miracles",
                    "https://spam.example/offre",
                    "<p>doi:10.1111/heart.1 doi:10.2222/rhythm.2</p>",
                )
            ],
        )

        ingest_all({"spam": path})

        heart.refresh_from_db()
        rhythm.refresh_from_db()
        assert heart.story_id is None or heart.story_id != rhythm.story_id
        heart_coverage = [href for _text, href, _rel in coverage_on_page(client, heart)[0]]
        rhythm_coverage = [href for _text, href, _rel in coverage_on_page(client, rhythm)[0]]
        assert rhythm.source.url not in heart_coverage
        assert heart.source.url not in rhythm_coverage
        # It joins one of them, as an item of a published story does, and only one.
        assert sorted([heart_coverage, rhythm_coverage]) == [[], ["https://spam.example/offre"]]

    def test_an_item_joins_one_story_of_those_it_cites_the_published_one_first(self, tmp_path):
        draft = make_article(title="Brouillon", body="doi:10.1111/draft.1", status=Article.Status.REVIEW)
        published = make_article(title="Publié", body="doi:10.2222/published.2")
        Source.objects.create(name="spam", feed_url="https://spam.example/feed/")
        path = rss(
            tmp_path,
            "spam",
            [("Les deux", "https://spam.example/both", "<p>doi:10.1111/draft.1 doi:10.2222/published.2</p>")],
        )

        ingest_all({"spam": path})

        item = article("https://spam.example/both")
        assert item.story_id == Article.objects.get(pk=published.pk).story_id is not None
        assert Article.objects.get(pk=draft.pk).story_id is None
        assert item.status == Article.Status.ARCHIVED

    def test_an_item_naming_thousands_of_identifiers_stores_a_bounded_number_of_keys(self, tmp_path):
        Source.objects.create(name="flood", feed_url="https://flood.example/feed/")
        dois = " ".join(f"doi:10.{1000 + number}/x{number}" for number in range(3000))
        path = rss(
            tmp_path,
            "flood",
            [("Beaucoup de références ici même", "https://flood.example/1", f"<p>{dois}</p>")],
        )

        ingest_all({"flood": path})

        flooded = article("https://flood.example/1")
        assert StoryKey.objects.filter(article=flooded).count() <= 60
        assert StoryKey.objects.filter(article=flooded, key="doi:10.1000/x0").exists()  # the first ones kept

    @pytest.mark.filterwarnings("ignore::DeprecationWarning")  # feedparser, on the rss helper's dates past 9
    def test_a_flood_of_items_naming_a_published_study_is_one_line_of_its_coverage(
        self, feeds, tmp_path, client
    ):
        ingest_all({"nejm": feeds["nejm"], "medscape": feeds["medscape"]})
        published = article(NEJM_A)
        published.status = Article.Status.PUBLISHED
        published.save()
        Article.objects.filter(story=published.story_id, status=Article.Status.REVIEW).update(
            status=Article.Status.ARCHIVED
        )
        Source.objects.create(name="spam", feed_url="https://spam.example/feed/")
        flood = [
            (f"Promotion {n}", f"https://spam{n}.example/p", "<p>doi:10.1056/NEJMoa2400001</p>")
            for n in range(300)
        ]

        assert "300 coverage of a published story" in ingest_all({"spam": rss(tmp_path, "spam", flood)})

        links, citations = coverage_on_page(client, published)
        assert sorted(text for text, _href, _rel in links) == ["medscape", "spam"]  # one link a source
        assert len(citations) == 2

    def test_a_hostile_items_keys_do_not_draw_another_studys_later_coverage(self, tmp_path):
        heart = make_article(title="Insuffisance cardiaque", body="Étude : doi:10.1111/heart.1", source=True)
        rhythm = make_article(title="Fibrillation atriale", body="Étude : doi:10.2222/rhythm.2", source=True)
        for name in ("spam", "cardio"):
            Source.objects.create(name=name, feed_url=f"https://{name}.example/feed/")
        spam = [
            (
                "Pilules miracles",
                "https://spam.example/offre",
                "<p>doi:10.1111/heart.1 doi:10.2222/rhythm.2</p>",
            )
        ]
        ingest_all({"spam": rss(tmp_path, "spam", spam)})
        joined = article("https://spam.example/offre").story_id

        later = [
            (
                "Fibrillation : l'ablation par champ pulsé",
                "https://cardio.example/fa",
                "<p>doi:10.2222/rhythm.2</p>",
            )
        ]
        ingest_all({"cardio": rss(tmp_path, "cardio", later)})

        # The later item joins the study it names, whichever the spam joined.
        rhythm.refresh_from_db()
        assert article("https://cardio.example/fa").story_id == rhythm.story_id is not None
        assert joined in (Article.objects.get(pk=heart.pk).story_id, rhythm.story_id)
