"""The letter in the admin: readers (export of what is held about them as JSON, deletion) and
the digests sent, with their deliveries."""

import json

from django.contrib import admin
from django.db.models import Count, Q
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Delivery, Digest, Subscriber


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = ["email", "status", "language", "created_at", "confirmed_at"]
    list_filter = ["status", "language"]
    search_fields = ["email"]
    readonly_fields = ["created_at", "confirmed_at", "unsubscribed_at"]
    autocomplete_fields = ["tags"]
    actions = ["export_json"]

    @admin.action(description=_("Export the selected readers' data (JSON)"))
    def export_json(self, request, queryset):
        data = [subscriber.export() for subscriber in queryset.prefetch_related("tags")]
        response = HttpResponse(
            json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
        )
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        response["Content-Disposition"] = f'attachment; filename="subscribers-{stamp}.json"'
        response["Cache-Control"] = "private, no-store"
        return response


class DeliveryInline(admin.TabularInline):
    model = Delivery
    fields = ["subscriber", "attempts", "sent_at", "last_error"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Digest)
class DigestAdmin(admin.ModelAdmin):
    list_display = ["label", "week_start", "created_at", "sent", "waiting"]
    readonly_fields = ["week_start", "created_at"]
    inlines = [DeliveryInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                sent_count=Count("deliveries", filter=Q(deliveries__sent_at__isnull=False)),
                waiting_count=Count("deliveries", filter=Q(deliveries__sent_at__isnull=True)),
            )
        )

    @admin.display(description=_("week"))
    def label(self, digest):
        return digest.label

    @admin.display(description=_("sent"), ordering="sent_count")
    def sent(self, digest):
        return digest.sent_count

    @admin.display(description=_("not sent yet"), ordering="waiting_count")
    def waiting(self, digest):
        return digest.waiting_count

    def has_add_permission(self, request):
        return False
