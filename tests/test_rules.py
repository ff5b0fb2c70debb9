"""The curator's rules: block, keep only, add tags, set the importance; tried before saving,
re-applied to waiting drafts; blocked items listed and restored; feed categories mapped to tags."""

import time

import pytest
from django.contrib.auth.models import Permission
from pytest_django.asserts import assertContains, assertNotContains
from reversion.models import Version

from articles import workflow
from articles.models import Article, Tag
from intake import rules, verdicts
from intake.models import CategoryMapping, IngestedItem, Rule, Source

from .admin_forms import form_data
from .factories import client_for, make_article, staff
from .feed_server import FEEDS
from .test_ingest import by_link, ingest, make_source

FEED = str(FEEDS / "rules.xml")
SITE = "https://oncologie-hebdo.example"
WEBINAR = f"{SITE}/webinaire-embolisation/"
PHASE3 = f"{SITE}/cancer-sein-phase-3/"
STROKE = f"{SITE}/thrombectomie-patients-ages/"
PODCAST = f"{SITE}/podcast/episode-42/"
WEBINAR_TITLE = "Webinaire sponsorisé : l’embolisation en pratique"
RULES, RULE_ADD, REAPPLY = "/admin/intake/rule/", "/admin/intake/rule/add/", "/admin/intake/rule/reapply/"
BLOCKED, REVIEW = "/admin/intake/blockeditem/", "/admin/intake/source/review/"
Action, Field = Rule.Action, Rule.Field


@pytest.fixture
def source(db):
    return make_source("Oncologie Hebdo", f"{SITE}/feed/", tags=["Oncologie Hebdo"])


def run(source=None):
    """Ingest the rules feed as ``source``'s (or as no source's); return the command's output."""
    out, err, status = ingest(*(["--source", source.name] if source else []), FEED)
    assert status == 0, err
    return out


def rule(action, pattern, *, tags=(), **fields):
    made = Rule.objects.create(action=action, pattern=pattern, **fields)
    made.tags.set(list(tags))
    return made


def statuses():
    return {link: by_link(link).status for link in (WEBINAR, PHASE3, STROKE, PODCAST)}


REVIEWED, ARCHIVED = Article.Status.REVIEW, Article.Status.ARCHIVED


@pytest.mark.django_db
class TestRulesAtIngestion:
    def test_a_block_rule_blocks_its_words_whatever_their_case_and_accents(self, source, editor_client):
        blocker = rule(Action.BLOCK, "WÉBINAIRE, séminaire")  # global: no source

        out = run(source)

        assert "Oncologie Hebdo: 3 created" in out and "1 blocked" in out
        assert statuses() == {WEBINAR: ARCHIVED, PHASE3: REVIEWED, STROKE: REVIEWED, PODCAST: REVIEWED}
        record = IngestedItem.objects.get(article=by_link(WEBINAR))
        assert record.is_blocked and record.blocked_by == blocker
        review = editor_client.get(REVIEW)
        assertNotContains(review, WEBINAR_TITLE)
        assertContains(review, "Le podcast de la semaine")

    def test_words_are_whole_words_and_a_rule_reads_only_its_field(self, source):
        rule(Action.BLOCK, "patient")  # the feed says "patients" and "patientes": other words
        rule(Action.BLOCK, "gardes", field=Field.TITLE)  # only in the podcast's summary
        rule(Action.BLOCK, "cancer du sein", field=Field.SUMMARY)  # only in a title

        run(source)

        assert set(statuses().values()) == {REVIEWED}

    def test_a_regular_expression_on_the_link_ignores_case(self, source):
        blocker = rule(Action.BLOCK, r"/PODCAST/episode-\d+", is_regex=True, field=Field.LINK)

        run(source)

        assert statuses() == {WEBINAR: REVIEWED, PHASE3: REVIEWED, STROKE: REVIEWED, PODCAST: ARCHIVED}
        assert IngestedItem.objects.get(is_blocked=True).blocked_by == blocker

    def test_keep_rules_block_what_matches_none_of_them(self, source):
        other = make_source("Autre flux", "https://autre.example/feed/")
        rule(Action.KEEP, "neurologie", source=other)  # another source's: no effect here
        keeper = rule(Action.KEEP, "cancer, thrombectomie", source=source, field=Field.TITLE)
        rule(Action.KEEP, "zzz", source=source, is_active=False)  # inactive: as if absent

        out = run(source)

        assert "2 created" in out and "2 blocked" in out
        assert statuses() == {WEBINAR: ARCHIVED, PHASE3: REVIEWED, STROKE: REVIEWED, PODCAST: ARCHIVED}
        assert {record.blocked_by for record in IngestedItem.objects.filter(is_blocked=True)} == {keeper}

    def test_a_block_wins_over_a_keep(self, source):
        rule(Action.KEEP, "cancer", source=source)
        blocker = rule(Action.BLOCK, "phase III")

        run(source)

        assert by_link(PHASE3).status == ARCHIVED
        assert IngestedItem.objects.get(article=by_link(PHASE3)).blocked_by == blocker

    def test_tag_rules_add_their_tags_and_the_highest_importance_wins(self, source):
        rule(Action.TAG, "essai clinique", tags=["Essais cliniques", "Oncologie Hebdo"])
        rule(Action.IMPORTANCE, "essai clinique", importance=Article.Importance.HIGH)
        rule(Action.IMPORTANCE, "phase iii", importance=Article.Importance.TOP, source=source)
        rule(Action.IMPORTANCE, "etude majeure", importance=Article.Importance.HIGH)  # « étude »

        run(source)

        phase3 = by_link(PHASE3)
        assert sorted(phase3.tags.names()) == ["Essais cliniques", "Oncologie Hebdo"]
        assert phase3.importance == Article.Importance.TOP
        assert by_link(STROKE).importance == Article.Importance.HIGH
        assert by_link(PODCAST).importance is None
        assert list(by_link(PODCAST).tags.names()) == ["Oncologie Hebdo"]

    def test_a_feed_of_no_source_obeys_the_global_rules(self, db):
        rule(Action.BLOCK, "podcast")
        rule(Action.BLOCK, "webinaire", source=make_source("Autre flux", "https://autre.example/feed/"))

        run()

        assert statuses() == {WEBINAR: REVIEWED, PHASE3: REVIEWED, STROKE: REVIEWED, PODCAST: ARCHIVED}

    def test_a_blocked_item_stays_blocked_run_after_run_and_is_never_made_again(self, source):
        blocker = rule(Action.BLOCK, "webinaire")
        run(source)
        blocked = by_link(WEBINAR)

        out = run(source)
        blocker.delete()  # the rule goes; what it blocked stays blocked
        again = run(source)

        assert "0 created, 0 updated, 3 unchanged" in out and "1 blocked" in out
        assert "1 blocked" in again
        assert Article.objects.count() == 4
        assert by_link(WEBINAR).pk == blocked.pk and by_link(WEBINAR).status == ARCHIVED
        record = IngestedItem.objects.get(article=blocked)
        assert record.is_blocked and record.blocked_by is None

    def test_no_regular_expression_can_hang_a_run(self, source, tmp_path):
        rule(Action.BLOCK, "(a+)+$", is_regex=True)  # catastrophic backtracking for a backtracking engine
        feed = tmp_path / "long.xml"
        feed.write_text(
            '<?xml version="1.0"?><rss version="2.0"><channel><title>x</title><item>'
            f"<title>{'a' * 900}!</title><description>{'a' * 20000}!</description>"
            "<link>https://long.example/a/</link></item></channel></rss>"
        )

        started = time.monotonic()
        out, err, status = ingest("--source", source.name, str(feed))

        assert status == 0 and "1 created" in out
        assert time.monotonic() - started < 5  # Python's re would take longer than the universe's age

    def test_an_expression_re2_accepts_but_runs_slowly_is_refused_and_never_hangs_a_run(
        self, source, tmp_path
    ):
        # RE2 is linear in the text, times the size of the pattern's program: 24 characters of
        # pattern make 22,000 states, which its DFA has no memory for and its NFA walks per character.
        slow = "(.*){1,1000}(.*){1,1000}"
        assert "trop complexe" in rules.pattern_error(slow, True)
        assert rules.pattern_error(r"\b(NCT\d{8}|ISRCTN\d{8})\b|essai (clinique|randomisé)", True) == ""
        rule(Action.BLOCK, slow, is_regex=True)  # saved before this check, or by hand
        feed = tmp_path / "long.xml"
        feed.write_text(
            '<?xml version="1.0"?><rss version="2.0"><channel><title>x</title><item>'
            f"<title>{'a' * 900}</title><description>{'a' * 20000}</description>"
            "<link>https://long.example/a/</link></item></channel></rss>"
        )

        started = time.monotonic()
        out, err, status = ingest("--source", source.name, str(feed))

        assert status == 0 and "1 created" in out
        assert time.monotonic() - started < 3

    def test_what_re2_refuses_is_said_before_saving(self):
        assert "missing )" in rules.pattern_error("(essai", True)
        assert "(?<=" in rules.pattern_error("(?<=essai)s", True)  # look-behind: not in RE2
        assert rules.pattern_error("a{1000}{1000}", True)
        assert rules.pattern_error(" , ; ", False)
        assert rules.pattern_error("essai clinique", False) == ""


@pytest.mark.django_db
class TestCategories:
    def test_categories_map_to_tags_or_are_ignored_and_the_source_remembers_them(self, source):
        oncology = Tag.objects.create(name="Oncologie")
        CategoryMapping.objects.create(source=source, category="ONCOLOGIE", tag=oncology)
        CategoryMapping.objects.create(source=source, category="Breast Cancer", tag=None)  # ignored

        run(source)

        assert sorted(by_link(PHASE3).tags.names()) == ["Oncologie", "Oncologie Hebdo"]
        assert sorted(by_link(PODCAST).tags.names()) == ["Oncologie", "Oncologie Hebdo"]  # « oncologie »
        assert list(by_link(STROKE).tags.names()) == ["Oncologie Hebdo"]  # Neurologie: not mapped
        source.refresh_from_db()
        assert source.categories_seen == ["Breast Cancer", "Événements", "Neurologie", "Oncologie"]

    def test_the_categories_seen_grow_from_one_run_to_the_next(self, source, tmp_path):
        source.categories_seen = ["Ancienne"]
        source.save()
        run(source)
        source.refresh_from_db()
        assert source.categories_seen[0] == "Ancienne" and "Neurologie" in source.categories_seen
        assert len(source.categories_seen) == 5

    def test_the_source_form_shows_the_categories_and_saves_a_mapping(self, source, editor_client):
        run(source)
        neurology = Tag.objects.create(name="Neurologie")
        CategoryMapping.objects.create(source=source, category="Événements", tag=None)
        page = editor_client.get(f"/admin/intake/source/{source.pk}/change/")

        assertContains(page, "<li>Neurologie : non associée (ignorée)</li>", html=True)
        assertContains(page, "<li>Événements : ignorée</li>", html=True)
        data = form_data(page, "source_form")
        data["category_mappings-1-category"] = "Neurologie"
        data["category_mappings-1-tag"] = str(neurology.pk)
        response = editor_client.post(f"/admin/intake/source/{source.pk}/change/", data)

        assert response.status_code == 302, response.content.decode()[:3000]
        assert CategoryMapping.objects.get(category="Neurologie").tag == neurology
        CategoryMapping.objects.filter(category="Événements").update(tag=neurology)
        IngestedItem.objects.all().delete()
        Article.objects.all().delete()
        run(source)
        assert sorted(by_link(STROKE).tags.names()) == ["Neurologie", "Oncologie Hebdo"]


@pytest.mark.django_db
class TestFooterDefault:
    def test_a_new_source_drops_the_footer_unless_the_editor_ticks_the_box(self, editor_client):
        page = editor_client.get("/admin/intake/source/add/")

        assert "keep_footer" not in form_data(page, "source_form")  # unticked
        assert Source(name="x", feed_url="https://x.example/feed").keep_footer is False


@pytest.mark.django_db
class TestTrial:
    def test_trying_a_new_rule_saves_nothing_and_shows_what_it_would_do(self, source, editor_client):
        run(source)
        page = editor_client.get(RULE_ADD)
        data = form_data(page, "rule_form", action="block", pattern="webinaire, podcast", field="any")

        response = editor_client.post(RULE_ADD, {**data, "_try": "Essayer"})

        assert response.status_code == 200
        assert not Rule.objects.exists()
        assertContains(response, "Essai : rien n’a été enregistré")
        assertContains(response, "Cette règle correspond à 2 des 4 derniers éléments collectés.")
        assertContains(response, WEBINAR_TITLE)
        assertContains(response, "Le podcast de la semaine")
        assertNotContains(response, "Thrombectomie : une étude majeure")
        assertContains(response, "<td>bloqué</td>", html=True, count=2)
        assert form_data(response, "rule_form")["pattern"] == "webinaire, podcast"  # still filled in
        assertContains(response, 'name="_try"')

    def test_trying_tags_and_importance_on_a_saved_rule_leaves_it_as_it_was(self, source, editor_client):
        run(source)
        saved = rule(Action.BLOCK, "webinaire")
        url = f"/admin/intake/rule/{saved.pk}/change/"
        data = form_data(editor_client.get(url), "rule_form", action="tag", pattern="essai clinique")
        data["tags"] = '"Essais cliniques"'  # taggit reads unquoted words without commas as several tags

        response = editor_client.post(url, {**data, "_try": "Essayer"})

        assertContains(response, "<td>étiquettes ajoutées : Essais cliniques</td>", html=True, count=1)
        saved.refresh_from_db()
        assert (saved.action, saved.pattern, list(saved.tags.names())) == ("block", "webinaire", [])
        assert not Tag.objects.filter(name="Essais cliniques").exists()
        assert list(by_link(PHASE3).tags.names()) == ["Oncologie Hebdo"]

    def test_a_source_rule_is_tried_on_its_own_items(self, source, editor_client):
        run(source)
        other = make_source("Autre flux", "https://autre.example/feed/")
        data = form_data(editor_client.get(RULE_ADD), "rule_form", action="block", pattern="webinaire")

        response = editor_client.post(RULE_ADD, {**data, "source": str(other.pk), "_try": "Essayer"})

        assertContains(response, "Cette règle correspond à 0 des 0 derniers éléments collectés.")

    def test_a_broken_expression_is_named_in_the_form_and_nothing_is_saved(self, source, editor_client):
        data = form_data(editor_client.get(RULE_ADD), "rule_form", action="block", pattern="(essai")
        data["is_regex"] = "on"

        tried = editor_client.post(RULE_ADD, {**data, "_try": "Essayer"})
        saved = editor_client.post(RULE_ADD, data)

        for response in (tried, saved):
            assert response.status_code == 200
            assertContains(response, "Cette expression régulière est inutilisable : missing ): (essai.")
            assertNotContains(response, "Essai : rien n’a été enregistré")
        assert not Rule.objects.exists()

    def test_a_tag_rule_needs_tags_and_an_importance_rule_an_importance(self, editor_client):
        tag = form_data(editor_client.get(RULE_ADD), "rule_form", action="tag", pattern="essai")
        importance = {**tag, "action": "importance"}

        assertContains(editor_client.post(RULE_ADD, tag), "Indiquez les étiquettes que cette règle ajoute.")
        refused = editor_client.post(RULE_ADD, importance)
        assertContains(refused, "Indiquez l’importance que cette règle donne.")
        assert not Rule.objects.exists()

    def test_a_pattern_has_a_length_limit(self, editor_client):
        data = form_data(editor_client.get(RULE_ADD), "rule_form", action="block", pattern="a" * 301)

        assert editor_client.post(RULE_ADD, data).status_code == 200
        assert not Rule.objects.exists()


@pytest.mark.django_db
class TestReapply:
    def test_the_rules_apply_to_the_drafts_still_waiting_and_a_report_says_how_many(
        self, source, editor_client
    ):
        run(source)
        published = by_link(STROKE)
        published.status = Article.Status.PUBLISHED
        published.save()
        rule(Action.BLOCK, "webinaire")
        rule(Action.TAG, "essai clinique, thrombectomie", tags=["Essais cliniques"])
        rule(Action.IMPORTANCE, "phase iii", importance=Article.Importance.HIGH)

        response = editor_client.post(REAPPLY, follow=True)

        assertContains(
            response,
            "Règles réappliquées : 2 brouillons en attente modifiés (bloqués : 1, étiquetés : 1, "
            "importance donnée : 1).",
        )
        assert statuses() == {
            WEBINAR: ARCHIVED,
            PHASE3: REVIEWED,
            STROKE: Article.Status.PUBLISHED,
            PODCAST: REVIEWED,
        }
        assert IngestedItem.objects.get(article=by_link(WEBINAR)).is_blocked
        assert sorted(by_link(PHASE3).tags.names()) == ["Essais cliniques", "Oncologie Hebdo"]
        assert by_link(PHASE3).importance == Article.Importance.HIGH
        assert list(by_link(STROKE).tags.names()) == ["Oncologie Hebdo"]  # published: not a waiting draft
        assertContains(editor_client.post(REAPPLY, follow=True), "0 brouillon en attente modifié")
        # Still the ingester's: the next run finds them as it would have written them (the
        # published one is an editor's).
        assert "0 updated, 2 unchanged, 1 kept as edited" in run(source)

    def test_the_button_is_on_the_rules_list_and_answers_only_a_post(self, editor_client, db):
        assertContains(editor_client.get(RULES), "Réappliquer aux brouillons en attente")
        assert editor_client.get(REAPPLY).status_code == 405


@pytest.mark.django_db
class TestBlockedItems:
    @pytest.fixture
    def blocked(self, source):
        rule(Action.BLOCK, "webinaire", source=source)
        run(source)
        return IngestedItem.objects.get(is_blocked=True)

    def test_the_list_shows_what_was_blocked_by_which_rule(self, blocked, editor_client):
        rule(Action.KEEP, "thrombectomie")
        run(make_source("Autre flux", "https://autre.example/feed/"))  # its items: already on the site
        response = editor_client.get(BLOCKED)

        assertContains(response, WEBINAR_TITLE)
        assertContains(response, "Bloquer « webinaire »")
        assertContains(response, f'href="{WEBINAR}"')
        assertContains(response, "Oncologie Hebdo")
        assertNotContains(response, "Le podcast de la semaine")
        assertContains(response, 'name="_restore"', count=1)

    def test_one_click_puts_it_back_in_review_for_good(self, blocked, editor_client, editor):
        response = editor_client.post(BLOCKED, {"_restore": str(blocked.pk)}, follow=True)

        assertContains(response, f"De retour en relecture : « {WEBINAR_TITLE} »")
        assertNotContains(response, 'name="_restore"')
        article = by_link(WEBINAR)
        assert article.status == REVIEWED
        blocked.refresh_from_db()
        assert not blocked.is_blocked and blocked.restored_at
        comments = list(Version.objects.get_for_object(article).values_list("revision__comment", flat=True))
        assert comments[:2] == ["Envoyé en relecture", "Rouvert en brouillon"]
        assertContains(editor_client.get(REVIEW), WEBINAR_TITLE)
        # Neither the next run nor the rules re-applied block it again: an editor decided.
        assert "0 blocked" in run(blocked.source)
        editor_client.post(REAPPLY)
        assert by_link(WEBINAR).status == REVIEWED

    def test_a_restore_of_nothing_blocked_changes_nothing(self, blocked, editor_client):
        published = make_article(title="Publié", source=True)
        for value in ("abc", str(published.pk + 1000), "", "²", "9" * 30, "-1"):
            assert editor_client.post(BLOCKED, {"_restore": value}).status_code == 302
        assert by_link(WEBINAR).status == ARCHIVED

    def test_the_admin_action_restores_several(self, source, editor_client):
        rule(Action.BLOCK, "webinaire, podcast")
        run(source)
        pks = [str(pk) for pk in IngestedItem.objects.filter(is_blocked=True).values_list("pk", flat=True)]

        editor_client.post(BLOCKED, {"action": "restore_selected", "_selected_action": pks})

        assert set(statuses().values()) == {REVIEWED}


@pytest.mark.django_db
class TestOnlyEditors:
    @pytest.fixture(params=["author", "author with every intake permission"])
    def someone(self, request, client, source):
        user = staff("hugo", "Authors")
        if request.param != "author":
            user.user_permissions.add(*Permission.objects.filter(content_type__app_label="intake"))
        return client_for(client, user)

    def test_rules_and_blocked_items_are_refused_on_the_server(self, someone, source):
        saved = rule(Action.BLOCK, "webinaire")
        run(source)
        blocked = IngestedItem.objects.get(is_blocked=True)
        data = {"action": "keep", "pattern": "rien", "field": "any", "position": "0", "tags": ""}

        assert someone.get(RULES).status_code == 403
        assert someone.get(RULE_ADD).status_code == 403
        assert someone.post(RULE_ADD, {**data, "_try": "Essayer"}).status_code == 403
        assert someone.post(RULE_ADD, data).status_code == 403
        assert someone.post(f"/admin/intake/rule/{saved.pk}/change/", data).status_code == 403
        assert someone.post(REAPPLY).status_code == 403
        assert someone.get(BLOCKED).status_code == 403
        assert someone.post(BLOCKED, {"_restore": str(blocked.pk)}).status_code == 403
        assert Rule.objects.get().pattern == "webinaire"
        assert by_link(WEBINAR).status == ARCHIVED

    def test_the_workflow_refuses_a_restore_by_anyone_else(self, source, author):
        rule(Action.BLOCK, "webinaire")
        run(source)

        with pytest.raises(workflow.WorkflowRefused, match="Seuls les éditeurs peuvent restaurer"):
            verdicts.restore(author, IngestedItem.objects.get(is_blocked=True))
        assert by_link(WEBINAR).status == ARCHIVED

    def test_editors_find_rules_and_blocked_items_from_the_sources(self, editor_client, db):
        response = editor_client.get("/admin/intake/source/")

        assertContains(response, f'href="{RULES}"')
        assertContains(response, f'href="{BLOCKED}"')
        assert editor_client.get(RULES).status_code == 200
        assert editor_client.get(BLOCKED).status_code == 200


@pytest.mark.django_db
class TestRulesOnTheSourceForm:
    def test_an_editor_adds_a_rule_of_the_source_on_its_form(self, source, editor_client):
        url = f"/admin/intake/source/{source.pk}/change/"
        data = form_data(editor_client.get(url), "source_form")
        data.update({"rules-0-action": "block", "rules-0-field": "title", "rules-0-pattern": "podcast"})
        data.update({"rules-0-position": "0", "rules-0-is_active": "on", "rules-0-tags": ""})
        data["rules-TOTAL_FORMS"] = "1"

        response = editor_client.post(url, data)

        assert response.status_code == 302
        assert Rule.objects.get().source == source
        run(source)
        assert statuses()[PODCAST] == ARCHIVED

    def test_a_broken_expression_is_refused_on_the_source_form_too(self, source, editor_client):
        url = f"/admin/intake/source/{source.pk}/change/"
        data = form_data(editor_client.get(url), "source_form")
        data.update({"rules-0-action": "block", "rules-0-field": "any", "rules-0-pattern": "a)"})
        data.update({"rules-0-position": "0", "rules-0-is_regex": "on", "rules-TOTAL_FORMS": "1"})

        response = editor_client.post(url, data)

        assertContains(response, "Cette expression régulière est inutilisable : unexpected ): a).")
        assert not Rule.objects.exists()

    def test_someone_else_with_the_sources_permissions_sees_neither_rules_nor_mappings(self, source, client):
        user = staff("hugo", "Authors")
        user.user_permissions.add(*Permission.objects.filter(content_type__app_label="intake"))
        page = client_for(client, user).get(f"/admin/intake/source/{source.pk}/change/")

        assert page.status_code == 200
        assertNotContains(page, "rules-TOTAL_FORMS")
        assertNotContains(page, "category_mappings-TOTAL_FORMS")
