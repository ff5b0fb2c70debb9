"""The article admin's versions: the history, opening (restoring) a version, recovering a deleted article.

``ArticleVersions`` is mixed into ``ArticleAdmin`` before django-reversion's ``VersionAdmin``
(pinned in requirements.txt), whose pages it keeps. What it changes:

- restoring puts back the article's own rows only (``revisions.restore``): reversion's own
  revert would also write back the Tag rows older versions hold, renaming or recreating
  tags other articles share, and delete the tags added since;
- a version is opened only through its own article (reversion looked a version up by its
  object id alone, whatever its model, and reverted its whole revision);
- the history and versions of an article are for those who may see it, restoring for those
  who may edit it, and recovering a deleted article for editors (``workflow``).
"""

from contextlib import nullcontext

import reversion
from django.contrib import messages
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.formats import localize
from django.utils.timezone import template_localtime
from django.utils.translation import gettext, ngettext
from reversion.admin import _RollBackRevisionView
from reversion.errors import RevertError
from reversion.models import Version
from reversion.utils import mute_signals

from .. import revisions, workflow
from ..models import Article


class ArticleVersions:
    def history_view(self, request, object_id, extra_context=None):
        article = self.get_object(request, unquote(object_id))
        if article is not None and not self.has_view_permission(request, article):
            raise PermissionDenied
        response = super().history_view(request, object_id, extra_context)
        for action in response.context_data.get("action_list", []):
            version = action["revision"].version_set.get(
                content_type__app_label="articles",
                content_type__model="article",
                object_id=unquote(object_id),
            )
            action["changes_url"] = reverse("admin:articles_article_changes", args=[object_id, version.pk])
        if article is not None:  # the desk's notes beside the versions (admin/articles/article/thread.html)
            response.context_data["notes"] = list(article.notes.select_related("author"))
        return response

    def revision_view(self, request, object_id, version_id, extra_context=None):
        # Asked of the article as it is, not as the version being restored left it.
        article = self.get_object(request, unquote(object_id))
        if article is None or not self.has_change_permission(request, article):
            raise PermissionDenied
        get_object_or_404(Version.objects.get_for_object(article), pk=version_id)
        request.article_status_before_restore = article.status
        return super().revision_view(request, object_id, version_id, extra_context)

    def may_recover(self, request):
        return workflow.is_editor(request.user) and self.has_add_permission(request)

    def recoverlist_view(self, request, extra_context=None):
        if not self.may_recover(request):
            raise PermissionDenied
        return super().recoverlist_view(request, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        if not self.may_recover(request):
            raise PermissionDenied
        version = get_object_or_404(Version.objects.get_for_model(Article), pk=version_id)
        if Article.objects.filter(pk=version.object_id).exists():
            raise PermissionDenied  # not deleted: restoring it is the history's job
        return super().recover_view(request, version_id, extra_context)

    def _reversion_revisionform_view(self, request, version, template_name, extra_context=None):
        """Reversion's form of an old version (what revision_view and recover_view show), the
        restore being ``revisions.restore``. As in reversion, a GET shows the restored form and
        rolls everything back; a POST keeps it when the form saves."""
        quiet = mute_signals(pre_save, post_save, pre_delete, post_delete, m2m_changed)
        try:
            with transaction.atomic(using=version.db), quiet if request.method == "GET" else nullcontext():
                left_out = revisions.restore(version)
                if left_out:
                    messages.warning(request, left_out_message(left_out))
                with self.create_revision(request):
                    response = self.changeform_view(
                        request, quote(version.object_id), request.path, extra_context
                    )
                    if request.method == "POST" and response.status_code == 302:
                        when = localize(template_localtime(version.revision.date_created))
                        reversion.set_comment(
                            gettext("Reverted to previous version, saved on %(datetime)s")
                            % {"datetime": when}
                        )
                    elif response.status_code == 200:
                        response.template_name = template_name
                        response.render()  # now, while the restored rows are there
                        raise _RollBackRevisionView(response)
                    else:
                        raise RevertError(gettext("This version cannot be restored."))
        except (RevertError, models.ProtectedError) as error:
            messages.error(request, str(error))
            return redirect("admin:articles_article_changelist")
        except _RollBackRevisionView as rolled_back:
            return rolled_back.response
        return response


def left_out_message(names):
    quoted = ", ".join(gettext("“%(name)s”") % {"name": name} for name in names)
    return ngettext(
        "The tag %(names)s was deleted since: it is not restored.",
        "The tags %(names)s were deleted since: they are not restored.",
        len(names),
    ) % {"names": quoted}
