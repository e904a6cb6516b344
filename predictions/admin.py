"""Admin for sources, predictions, scores, status changes and webhooks."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from predictions import services
from predictions.models import (
    DeferredRescore,
    Prediction,
    Question,
    Score,
    Source,
    StatusChange,
    Webhook,
    WebhookDelivery,
)


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "authors", "published"]
    search_fields = ["name", "slug", "authors"]


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["slug", "title"]
    list_filter = ["predictions__source"]
    search_fields = ["slug", "title", "quantity", "decider"]
    filter_horizontal = ["predictions"]


class OverrideForm(forms.Form):
    outcome = forms.ChoiceField(
        choices=[("true", "Came true"), ("false", "Did not come true")],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text="Why the data does not decide it: shown in the history.",
    )


@admin.register(Prediction)
class PredictionAdmin(SimpleHistoryAdmin):
    list_display = [
        "slug",
        "source",
        "indicator",
        "kind",
        "deadline",
        "current_status",
        "is_operationalized",
    ]
    list_filter = [
        "source",
        "kind",
        "category",
        "current_score__status",
        "is_operationalized",
    ]
    list_select_related = ["source", "indicator", "current_score"]
    search_fields = ["slug", "claim", "citation_section", "indicator__name"]
    autocomplete_fields = ["indicator"]
    readonly_fields = ["latest_score", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["slug", "source", "indicator", "category", "claim"]}),
        (
            "Claim",
            {
                "fields": [
                    "kind",
                    "comparison",
                    ("target", "target_low", "target_high"),
                    "deadline",
                    ("baseline_value", "baseline_date"),
                    ("probability", "probability_is_implied"),
                    "probability_basis",
                    "quantiles",
                    "interval_coverage",
                ]
            },
        ),
        (
            "Citation",
            {
                "fields": [
                    "citation_url",
                    "citation_section",
                    "resolution_rule",
                    "is_operationalized",
                    "reasoning",
                ]
            },
        ),
        ("Override", {"fields": ["override_outcome", "override_reason"]}),
        ("Standing", {"fields": ["latest_score", "created_at", "updated_at"]}),
    ]

    actions = ["rescore_selected", "override_selected"]

    def save_model(self, request, obj: Prediction, form, change: bool) -> None:
        if {"override_outcome", "override_reason"} & set(form.changed_data):
            is_cleared = obj.override_outcome is None
            obj._change_reason = (
                "Override cleared" if is_cleared else f"Override: {obj.override_reason}"
            )
        super().save_model(request, obj, form, change)
        # A changed claim or verdict shows at once, not at the nightly rescore.
        transaction.on_commit(
            lambda: services.rescore_predictions(prediction_ids=[obj.pk])
        )

    @admin.action(description="Rescore the selected predictions now")
    def rescore_selected(self, request, queryset) -> None:
        ids = list(queryset.values_list("pk", flat=True))
        summary = services.rescore_predictions(prediction_ids=ids)
        self.message_user(
            request,
            f"Scored {summary.predictions} predictions as of {summary.as_of}: "
            f"{summary.status_changes} status changes.",
        )

    @admin.action(description="Override the resolution of the selected predictions")
    def override_selected(self, request, queryset):
        form = OverrideForm(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            return TemplateResponse(
                request,
                "admin/predictions/prediction/override.html",
                {
                    **self.admin_site.each_context(request),
                    "title": "Override the resolution",
                    "form": form,
                    "predictions": queryset,
                    "opts": self.model._meta,
                    "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                },
            )
        outcome = form.cleaned_data["outcome"] == "true"
        try:
            with transaction.atomic():
                for prediction in queryset:
                    services.override_resolution(
                        prediction=prediction,
                        outcome=outcome,
                        reason=form.cleaned_data["reason"],
                        user=request.user,
                    )
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return None
        self.message_user(request, f"Overrode {queryset.count()} predictions.")
        return None

    @admin.display(description="status", ordering="current_score__status")
    def current_status(self, prediction: Prediction) -> str:
        score = prediction.current_score
        return score.get_status_display() if score else "not scored"

    @admin.display(description="latest score")
    def latest_score(self, prediction: Prediction) -> str:
        score = prediction.current_score
        if score is None:
            return "Not scored yet."
        url = reverse("admin:predictions_score_change", args=[score.pk])
        parts = [f"{score.get_status_display()} as of {score.as_of}"]
        if score.pace_ratio is not None:
            parts.append(f"pace {score.pace_ratio:.2f}")
        if score.months_ahead is not None:
            parts.append(f"{score.months_ahead:+.1f} months")
        if score.brier is not None:
            parts.append(f"Brier {score.brier:.3f}")
        if score.error is not None:
            parts.append(f"error {score.error:+.3g}")
        return format_html('<a href="{}">{}</a>', url, "; ".join(parts))


@admin.register(Score)
class ScoreAdmin(admin.ModelAdmin):
    list_display = [
        "prediction",
        "as_of",
        "status",
        "pace_ratio",
        "months_ahead",
        "brier",
        "rules_version",
    ]
    list_filter = ["status", "rules_version", "prediction__source"]
    list_select_related = ["prediction"]
    search_fields = ["prediction__slug"]
    date_hierarchy = "as_of"
    raw_id_fields = ["prediction", "observation"]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in Score._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(StatusChange)
class StatusChangeAdmin(admin.ModelAdmin):
    list_display = ["prediction", "from_status", "to_status", "occurred_at"]
    list_filter = ["to_status", "prediction__source"]
    list_select_related = ["prediction"]
    search_fields = ["prediction__slug"]
    raw_id_fields = ["prediction", "score"]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(Webhook)
class WebhookAdmin(admin.ModelAdmin):
    list_display = ["url", "description", "is_active", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["url", "description"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = [
        "status_change",
        "webhook",
        "attempts",
        "response_status",
        "delivered_at",
    ]
    list_filter = ["response_status", "webhook"]
    list_select_related = ["status_change", "webhook"]
    search_fields = ["webhook__url", "error"]
    raw_id_fields = ["status_change", "webhook"]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(DeferredRescore)
class DeferredRescoreAdmin(admin.ModelAdmin):
    """Read-only: rows come and go with broker outages (``predictions.changes``)."""

    list_display = ["indicator", "deferred_at"]
    list_select_related = ["indicator"]
    actions = ["rescore_now"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    # Rescoring is what the catch-up job does anyway, so reading is enough.
    @admin.action(
        description="Rescore the selected indicators now", permissions=["view"]
    )
    def rescore_now(self, request, queryset) -> None:
        ids = services.rescore_deferred(
            indicator_ids=queryset.values_list("pk", flat=True)
        )
        noun = "indicator" if len(ids) == 1 else "indicators"
        self.message_user(request, f"Rescored {len(ids)} {noun}.")
