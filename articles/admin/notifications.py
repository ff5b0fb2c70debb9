"""« Mes notifications »: each user of the admin says whether the desk e-mails them, and in which
language (``articles.preferences``); linked from the user tools of every admin page."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext

from ..models import MailPreference


class MailPreferenceForm(forms.ModelForm):
    class Meta:
        model = MailPreference
        fields = ["email", "language"]


def preferences_view(request, admin_site):
    """The user's own preference, and no one else's: there is no user to choose."""
    preference = MailPreference.objects.filter(user=request.user).first() or MailPreference(user=request.user)
    form = MailPreferenceForm(request.POST or None, instance=preference)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, gettext("Your notification preferences are saved."))
        return redirect("admin:notifications")
    context = {
        **admin_site.each_context(request),
        "title": gettext("My notifications"),
        "form": form,
        "address": request.user.email,
    }
    return TemplateResponse(request, "admin/notifications.html", context)
