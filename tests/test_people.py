"""People: bylines linked to author pages, the medical review, and who may edit a profile.

An article's JSON-LD names its authors, whose pages answer and list it, and its reviewer
with the review date; a draft's byline shows nowhere public; hostile text in a profile
runs nowhere; only editors edit profiles; the « Relecture médicale due » queue lists what is
due and nothing else; bylines cost the same number of queries for one author or many.
"""

import datetime
import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import Article, ArticleAuthor
from people.models import Person

from .factories import client_for, image_bytes, make_article, staff
from .hostile import executable_markup, json_script_urls, structured_data
from .pages import listed_titles, page_link
from .queries import queries_for


def make_person(name="Anne Leroy", **fields):
    return Person.objects.create(name=name, **fields)


def sign(article, *people):
    ArticleAuthor.objects.bulk_create(
        ArticleAuthor(article=article, person=person, position=position)
        for position, person in enumerate(people, start=1)
    )
    return article


def news_article(response):
    return next(
        block for block in structured_data(response.content.decode()) if block["@type"] == "NewsArticle"
    )


@pytest.mark.django_db
class TestBylinesAndAuthorPages:
    def test_the_json_ld_names_the_authors_whose_pages_answer_and_list_the_article(self, client):
        anne = make_person("Anne Leroy", honorific="Dr", credentials="Radiologue interventionnelle")
        hugo = make_person("Hugo Bernard", credentials="Journaliste santé")
        article = sign(make_article(title="Cryoablation rénale : un essai"), anne, hugo)

        response = client.get(article.get_absolute_url())

        authors = news_article(response)["author"]
        assert [author["name"] for author in authors] == ["Dr Anne Leroy", "Hugo Bernard"]
        assert authors[0]["jobTitle"] == "Radiologue interventionnelle"
        assertContains(
            response,
            'Par <a href="/authors/anne-leroy/">Dr Anne Leroy</a> et '
            '<a href="/authors/hugo-bernard/">Hugo Bernard</a>',
        )
        for author in authors:
            assert author["url"].startswith("http://testserver/authors/")
            page = client.get(author["url"].removeprefix("http://testserver"))
            assert page.status_code == 200
            assert listed_titles(page) == ["Cryoablation rénale : un essai"]

    def test_the_author_page_gives_the_person_as_json_ld(self, client, media_root):
        anne = Person(
            name="Anne Leroy",
            honorific="Dr",
            credentials="Radiologue interventionnelle, CHU de Lyon",
            bio="Vingt ans de radiologie interventionnelle.",
            orcid="https://orcid.org/0000-0002-1825-0097",
            website="https://chu-lyon.example/leroy",
        )
        anne.image = SimpleUploadedFile("portrait.jpg", image_bytes(size=(800, 800)))
        anne.save()

        response = client.get("/authors/anne-leroy/")

        (person,) = structured_data(response.content.decode())
        assert person["@type"] == "Person" and person["name"] == "Dr Anne Leroy"
        assert person["jobTitle"] == "Radiologue interventionnelle, CHU de Lyon"
        assert person["description"] == "Vingt ans de radiologie interventionnelle."
        assert person["sameAs"] == ["https://orcid.org/0000-0002-1825-0097", "https://chu-lyon.example/leroy"]
        assert person["url"] == "http://testserver/authors/anne-leroy/"
        assert person["image"].startswith("http://testserver/media/renditions/people/")
        assertContains(response, '<h1 id="person-name">Dr Anne Leroy</h1>', html=True)
        assertContains(response, 'alt="Portrait de Dr Anne Leroy"')
        assertContains(
            response, '<a href="https://orcid.org/0000-0002-1825-0097" rel="noopener noreferrer me">ORCID</a>'
        )
        english = client.get("/en/authors/anne-leroy/")
        assertContains(english, "No published article signed by Dr Anne Leroy yet.")

    def test_an_unknown_person_is_a_404(self, client):
        assert client.get("/authors/personne/").status_code == 404

    def test_the_author_page_is_paginated_like_a_tag_page(self, client):
        anne = make_person()
        for number in range(25):
            sign(make_article(published_at=timezone.now() - timedelta(hours=number)), anne)

        first = client.get("/authors/anne-leroy/")
        second = client.get(page_link(first, "next"))

        assert len(listed_titles(first)) == 20 and len(listed_titles(second)) == 5

    def test_cards_carry_the_byline(self, client):
        sign(make_article(title="Un article signé"), make_person())

        assertContains(client.get("/"), 'Par <a href="/authors/anne-leroy/">Anne Leroy</a>')

    def test_renaming_a_person_reaches_the_cached_pages(self, client):
        anne = make_person()
        url = sign(make_article(), anne).get_absolute_url()
        assertContains(client.get(url), "Anne Leroy")

        anne.name = "Anne Leroy-Martin"
        anne.save()

        assertContains(client.get(url), "Anne Leroy-Martin")


@pytest.mark.django_db
class TestDraftsNeverLeak:
    def test_a_person_whose_only_article_is_a_draft_shows_no_article(self, client):
        hugo = make_person("Hugo Bernard")
        sign(make_article(title="Brouillon confidentiel", status=Article.Status.DRAFT), hugo)
        sign(
            make_article(title="Programmé pour demain", published_at=timezone.now() + timedelta(days=1)), hugo
        )

        response = client.get("/authors/hugo-bernard/")

        assert response.status_code == 200  # every profile has its page, as a newsroom states who writes
        assert listed_titles(response) == []
        assertNotContains(response, "Brouillon confidentiel")
        assertNotContains(response, "Programmé pour demain")

    def test_a_drafts_byline_is_nowhere_public(self, client):
        secret = make_person("Signataire Secret")
        sign(make_article(title="Brouillon", status=Article.Status.DRAFT), secret)
        make_article(title="Public", tags=["Santé"])

        for url in (
            "/",
            "/tags/sante/",
            "/feed/",
            "/feed/atom/",
            "/sitemap-articles.xml",
            "/search/?q=Brouillon",
        ):
            assertNotContains(client.get(url), "Signataire Secret")


@pytest.mark.django_db
class TestMedicalReview:
    def test_the_page_and_json_ld_say_who_reviewed_it_and_when(self, client):
        leroy = make_person("Anne Leroy", honorific="Dr", credentials="radiologue interventionnelle")
        article = make_article(reviewed_by=leroy, reviewed_on=datetime.date(2026, 3, 3))

        response = client.get(article.get_absolute_url())

        assertContains(
            response,
            'Relu par <a href="/authors/anne-leroy/">Dr Anne Leroy</a> '
            'le <time datetime="2026-03-03">3 mars 2026</time>',
        )
        data = news_article(response)
        assert data["reviewedBy"]["name"] == "Dr Anne Leroy"
        assert data["reviewedBy"]["url"] == "http://testserver/authors/anne-leroy/"
        assert data["lastReviewed"] == "2026-03-03"
        assert "author" not in data  # an imported article may have no byline
        reviewer_page = client.get("/authors/anne-leroy/")
        assert listed_titles(reviewer_page) == []  # she signed nothing
        assertContains(reviewer_page, f'<a href="{article.get_absolute_url()}">{article.title}</a>')
        assertContains(reviewer_page, "relu le 3 mars 2026")

    def test_an_article_not_reviewed_says_nothing_of_a_review(self, client):
        response = client.get(make_article().get_absolute_url())

        assertNotContains(response, "Relu par")
        assert "reviewedBy" not in news_article(response)

    def test_a_reviewer_named_without_a_day_is_no_review_on_either_page(self, client):
        # The admin saves a reviewer with no review date; the reviewer's page then broke (500) for
        # every reader, while the article's page, rightly, said nothing of a review.
        reviewer = make_person("Anne Leroy", honorific="Dr")
        article = make_article(title="Sans date de relecture", reviewed_by=reviewer)

        article_page = client.get(article.get_absolute_url())
        reviewer_page = client.get(reviewer.get_absolute_url())

        assertNotContains(article_page, "Relu par")
        assert reviewer_page.status_code == 200
        assertNotContains(reviewer_page, "Sans date de relecture")
        assertNotContains(reviewer_page, "Articles relus")

    def test_a_reviewers_page_lists_the_latest_twenty_public_reviews_newest_first(self, client):
        reviewer = make_person("Anne Leroy", honorific="Dr")
        first_day = datetime.date(2026, 1, 1)
        for number in range(22):
            make_article(
                title=f"Relu {number:02d}",
                reviewed_by=reviewer,
                reviewed_on=first_day + timedelta(days=number),
                published_at=timezone.now() - timedelta(days=30 - number),
            )
        make_article(
            title="Brouillon relu",
            reviewed_by=reviewer,
            reviewed_on=first_day + timedelta(days=40),
            status=Article.Status.DRAFT,
        )
        make_article(
            title="Relu demain",
            reviewed_by=reviewer,
            reviewed_on=first_day + timedelta(days=41),
            published_at=timezone.now() + timedelta(days=1),
        )

        page = client.get(reviewer.get_absolute_url()).content.decode()
        reviewed = re.findall(r">(Relu \d\d|Brouillon relu|Relu demain)</a>", page)

        assert reviewed == [f"Relu {number:02d}" for number in range(21, 1, -1)]
        assert "relu le 22 janvier 2026" in page  # the newest review's day, as the reader reads it

    def test_the_next_review_is_due_a_setting_later_unless_set(self, settings):
        article = make_article(reviewed_by=make_person(), reviewed_on=datetime.date(2026, 1, 31))
        assert article.next_review_on == datetime.date(2027, 1, 31)

        settings.MEDICAL_REVIEW_MONTHS = 1
        article.reviewed_on = datetime.date(2026, 3, 31)
        article.save()
        assert article.next_review_on == datetime.date(2026, 4, 30)  # the review moved: so does the next

        article.next_review_on = datetime.date(2026, 9, 1)
        article.save()
        assert article.next_review_on == datetime.date(2026, 9, 1)  # set by hand, it stays

    def test_the_review_due_queue_lists_what_is_due_and_nothing_else(self, admin_client):
        today = timezone.localdate()
        reviewer = make_person()

        def reviewed(title, next_review, **fields):
            return make_article(
                title=title,
                reviewed_by=reviewer,
                reviewed_on=today - timedelta(days=400),
                next_review_on=next_review,
                **fields,
            )

        reviewed("Due hier", today - timedelta(days=1))
        reviewed("Due aujourd’hui", today)
        reviewed("Due demain", today + timedelta(days=1))
        reviewed("Brouillon échu", today - timedelta(days=1), status=Article.Status.DRAFT)
        reviewed("Retiré échu", today - timedelta(days=1), status=Article.Status.UNPUBLISHED)
        make_article(title="Jamais relu")

        response = admin_client.get("/admin/articles/article/", {"queue": "review_due"})

        titles = {article.title for article in response.context["cl"].result_list}
        assert titles == {"Due hier", "Due aujourd’hui"}
        assertContains(response, "Relecture médicale due")


@pytest.mark.django_db
class TestHostileProfiles:
    HOSTILE = "<script>alert('x')</script><img src=x onerror=alert(1)>"

    def test_hostile_text_and_links_in_a_profile_run_nowhere(self, client):
        person = Person.objects.create(
            name=f"Nom {self.HOSTILE}",
            honorific="<b>Dr</b>",
            credentials=f'"><svg onload=alert(1)> {self.HOSTILE}',
            bio=f"</script><script>alert('bio')</script> {self.HOSTILE}",
            # Stored without the model's validation, as a careless import would.
            orcid="javascript:alert('orcid')",
            rpps=" jAvAsCrIpT:alert('rpps')",
            website="data:text/html,<script>alert(1)</script>",
        )
        article = sign(make_article(reviewed_by=person, reviewed_on=timezone.localdate()), person)

        for url in (
            person.get_absolute_url(),
            article.get_absolute_url(),
            "/",
            "/en/authors/" + person.slug + "/",
        ):
            response = client.get(url)
            page = response.content.decode()
            assert executable_markup(page) == [], url
            for block in structured_data(page):  # each block parses: nothing broke out of its <script>
                assert json_script_urls(block) == [], url
            assertContains(response, "Nom &lt;script&gt;alert(")  # shown as text
        # None of its links is a web address: the page lists none, not an empty list.
        assertNotContains(client.get(person.get_absolute_url()), 'class="profile-links"')

    def test_the_admin_refuses_links_that_are_not_web_addresses_and_control_characters(self, admin_client):
        form = {
            "name": "Anne Leroy",
            "slug": "anne-leroy",
            "orcid": "javascript:alert(1)",
            "website": "https://ok.example/",
        }

        response = admin_client.post("/admin/people/person/add/", form)
        assert response.status_code == 200 and "orcid" in response.context["adminform"].form.errors

        response = admin_client.post(
            "/admin/people/person/add/", {**form, "orcid": "", "name": "Anne\x08Leroy"}
        )
        assert response.status_code == 200 and "name" in response.context["adminform"].form.errors
        assert not Person.objects.exists()

        assert admin_client.post("/admin/people/person/add/", {**form, "orcid": ""}).status_code == 302
        assert Person.objects.get().website == "https://ok.example/"


@pytest.mark.django_db
class TestWhoEditsPeople:
    def test_editors_edit_profiles_authors_only_see_them(self, client):
        person = make_person()
        editor, author = staff("redactrice", "Editors"), staff("autrice", "Authors")
        change = f"/admin/people/person/{person.pk}/change/"
        form = {"name": "Anne Leroy", "slug": "anne-leroy", "credentials": "Radiologue"}

        client_for(client, author)
        assert client.get("/admin/people/person/add/").status_code == 403
        assert client.post(change, form).status_code == 403
        assert client.post(f"/admin/people/person/{person.pk}/delete/", {"post": "yes"}).status_code == 403
        person.refresh_from_db()
        assert person.credentials == ""

        client_for(client, editor)
        assert client.post(change, form).status_code == 302
        person.refresh_from_db()
        assert person.credentials == "Radiologue"

    def test_a_new_article_carries_its_writers_profile_first(self, client):
        author = staff("autrice", "Authors")
        profile = make_person("Hugo Bernard", user=author)
        make_person("Autre Personne")

        response = client_for(client, author).get("/admin/articles/article/add/")

        assertContains(response, f'<option value="{profile.pk}" selected>Hugo Bernard</option>', html=True)


@pytest.mark.django_db
class TestQueryCounts:
    """A byline costs one query per list, whatever the number of articles and of their authors."""

    def test_lists_cost_the_same_for_one_author_or_many(self, client):
        people = [make_person(f"Personne {number}") for number in range(6)]
        for _ in range(3):
            sign(make_article(tags=["Santé"], image=True), people[0])
        few = {url: queries_for(client, url) for url in ("/", "/tags/sante/", "/authors/personne-0/")}
        for number in range(30):
            sign(make_article(tags=["Santé"], image=True), people[0], *people[1 + number % 5 :])

        many = {url: queries_for(client, url) for url in few}

        assert many == few
        # the person with the articles they reviewed; their page of articles with its tags and bylines
        assert many["/authors/personne-0/"] == 2

    def test_the_article_page_costs_the_same_for_one_author_or_five(self, client):
        people = [make_person(f"Personne {number}") for number in range(5)]
        one = sign(make_article(reviewed_by=people[0], reviewed_on=timezone.localdate()), people[0])
        five = sign(make_article(reviewed_by=people[1], reviewed_on=timezone.localdate()), *people)

        assert queries_for(client, one.get_absolute_url()) == queries_for(client, five.get_absolute_url())


@pytest.mark.django_db
def test_an_author_finds_profiles_by_name_for_a_byline(client):
    make_person("Anne Leroy", honorific="Dr")
    make_person("Hugo Bernard")
    client_for(client, staff("autrice", "Authors"))

    response = client.get(
        "/admin/autocomplete/",
        {"term": "ler", "app_label": "articles", "model_name": "articleauthor", "field_name": "person"},
    )

    assert [result["text"] for result in response.json()["results"]] == ["Dr Anne Leroy"]


@pytest.mark.django_db
def test_an_author_saves_a_draft_with_its_byline_in_order(client):
    from .test_admin import add_article_form

    author = staff("autrice", "Authors")
    hugo, anne = make_person("Hugo Bernard", user=author), make_person("Anne Leroy")
    form = add_article_form(status="draft", importance="", **{"bylines-TOTAL_FORMS": "2"})
    form.update({"bylines-0-person": anne.pk, "bylines-0-position": 2})
    form.update({"bylines-1-person": hugo.pk, "bylines-1-position": 1})

    response = client_for(client, author).post("/admin/articles/article/add/", form)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Article.objects.get().byline == [hugo, anne]


@pytest.mark.django_db
def test_author_pages_and_reviewed_articles_are_valid_html(client, tmp_path, media_root):
    from .test_valid_html import nu_checker

    person = Person(
        name='Anne <Leroy> & "Co"',
        honorific="Dr",
        credentials="Radiologue <b>interventionnelle</b>",
        bio="Ligne un.\nLigne <deux> & trois.",
        orcid='https://orcid.org/0000-0002-1825-0097?x="y" z',
        rpps="javascript:alert(1)",
    )
    person.image = SimpleUploadedFile("portrait.png", image_bytes(size=(500, 500), image_format="PNG"))
    person.save()
    # Whole seconds, as the admin saves them (a microsecond's six digits are no valid HTML date).
    moment = timezone.now().replace(microsecond=0) - timedelta(hours=1)
    article = make_article(reviewed_by=person, reviewed_on=timezone.localdate(), published_at=moment)
    sign(article, person, make_person())
    pages = [person.get_absolute_url(), article.get_absolute_url(), "/", "/authors/anne-leroy/"]
    files, folder = {}, tmp_path / "pages"
    folder.mkdir()
    for number, url in enumerate(pages):
        response = client.get(url)
        assert response.status_code == 200, url
        (folder / f"page-{number}.html").write_bytes(response.content)
        files[f"page-{number}.html"] = url

    assert [(files[name], message) for name, message, _ in nu_checker(folder.iterdir())] == []
