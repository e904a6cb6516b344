"""The editors' console: log observations in seconds, watch feeds and runs."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import OuterRef, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from simple_history.admin import SimpleHistoryAdmin

from indicators import plausibility, tasks
from indicators.models import (
    OBSERVATION_KEY,
    OBSERVATION_VALUE_FIELDS,
    Feed,
    FetchRun,
    Indicator,
    Observation,
    ObservationQuerySet,
    Origin,
    Outcome,
    Scale,
    Tier,
)
from indicators.record import OBSERVATION_COLUMNS, import_observations_csv
from indicators.record_format import RecordInvalid
from indicators.services import ObservationData, find_existing, validate_observation
from indicators.signals import notify_observations_changed
from tracker import broker

RECENT_OBSERVATIONS = 20
MAX_IMPORT_BYTES = 5_000_000


def deciding_values(indicator: Indicator | int) -> ObservationQuerySet:
    return Observation.objects.for_indicator(indicator).deciding()


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "slug",
        "unit",
        "scale",
        "category",
        "cadence_days",
        "observation_count",
    ]
    list_filter = ["category", "scale"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["recent_observations"]

    def get_queryset(self, request):
        return super().get_queryset(request).with_observation_counts()

    @admin.display(ordering="observation_count", description="observations")
    def observation_count(self, indicator: Indicator) -> int:
        return indicator.observation_count

    @admin.display(description="recent observations")
    def recent_observations(self, indicator: Indicator) -> str:
        if indicator.pk is None:
            return "-"
        rows = indicator.observations.order_by("-date", "-id")[:RECENT_OBSERVATIONS]
        if not rows:
            return "None yet."
        body = format_html_join(
            "",
            '<tr><td><a href="{}">{}</a></td><td>{}</td><td>{}</td>'
            '<td><a href="{}">{}</a></td></tr>',
            (
                (
                    reverse("admin:indicators_observation_change", args=[row.pk]),
                    row.date,
                    f"{row.value:g}",
                    row.get_origin_display(),
                    row.source_url,
                    row.source_title,
                )
                for row in rows
            ),
        )
        return format_html(
            "<table><tr><th>date</th><th>value</th><th>origin</th><th>source</th>"
            "</tr>{}</table>",
            body,
        )


OBSERVATION_FORM_FIELDS = [*OBSERVATION_KEY, *OBSERVATION_VALUE_FIELDS]


class ObservationForm(forms.ModelForm):
    """The short form for logging one value, with the service's rules.

    A value far from the indicator's record (``indicators.plausibility``) is
    not saved at once: the form comes back with the reason and a "save
    anyway" box, and saves it when posted again with the box ticked.
    """

    save_anyway = forms.BooleanField(
        required=False,
        widget=forms.HiddenInput,
        label="Save anyway",
        help_text="The value is right although it is far from the record.",
    )

    class Meta:
        model = Observation
        fields = [*OBSERVATION_FORM_FIELDS, "superseded_by"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Shown filled in (primary, today); a post that leaves them out keeps
        # the value on record, or those defaults.
        for name in ("tier", "published_on"):
            self.fields[name].required = False

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("tier"):
            cleaned["tier"] = self.instance.tier or Tier.PRIMARY
        if not cleaned.get("published_on") and "published_on" not in self.errors:
            cleaned["published_on"] = (
                self.instance.published_on or timezone.now().date()
            )
        required = ("indicator", "date", "value", "source_url", "source_title")
        if any(cleaned.get(field) in (None, "") for field in required):
            return cleaned
        data = ObservationData(**{f: cleaned.get(f) for f in OBSERVATION_FORM_FIELDS})
        validate_observation(data, today=timezone.now().date())
        existing = find_existing(data)
        is_current = cleaned.get("superseded_by") is None
        if is_current and existing is not None and existing.pk != self.instance.pk:
            url = reverse("admin:indicators_observation_change", args=[existing.pk])
            raise ValidationError(
                format_html(
                    "This source already has a value for this indicator on this "
                    'date: <a href="{}">{}</a>. Edit that one instead.',
                    url,
                    existing,
                )
            )
        if not cleaned.get("save_anyway"):
            self.ask_before_a_far_value(data)
        return cleaned

    def ask_before_a_far_value(self, data: ObservationData) -> None:
        points = list(
            deciding_values(data.indicator)
            .exclude(pk=self.instance.pk)
            .filter(date__lte=data.date)
            .order_by("-date", "-id")
            .values_list("date", "value")[: plausibility.TREND_POINTS]
        )[::-1]
        expectation = plausibility.expect(
            points, day=data.date, is_log=data.indicator.scale == Scale.LOG
        )
        warning = plausibility.describe_slip(data.value, expectation)
        if warning is None:
            return
        self.fields["save_anyway"].widget = forms.CheckboxInput()
        raise ValidationError(
            f'{warning} Correct the value, or tick "Save anyway" below and save '
            "again to keep it.",
            code="far_from_record",
        )

    def validate_unique(self):
        # clean() has already said it, with a link; don't say it twice.
        pass


def summarize_indicator(indicator: Indicator) -> dict:
    """What the form shows beside the value: unit, range, the latest value."""
    low = "no minimum" if indicator.min_value is None else f"{indicator.min_value:g}"
    high = "no maximum" if indicator.max_value is None else f"{indicator.max_value:g}"
    return {
        "indicator": indicator,
        "range": f"{low} to {high}",
        "latest": deciding_values(indicator).order_by("-date", "-id").first(),
        "public_url": reverse("indicator-detail", args=[indicator.slug]),
    }


class ObservationImportForm(forms.Form):
    file = forms.FileField(help_text="UTF-8 CSV with the columns of observations.csv.")

    def clean_file(self) -> UploadedFile:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise ValidationError(f"The file is over {MAX_IMPORT_BYTES:,} bytes.")
        return upload


BADGE_STYLES = {
    Tier.PRIMARY: "background:#1b5e20;color:#fff",
    Tier.PRESS: "background:#0d47a1;color:#fff",
    Tier.AGGREGATOR: "background:#bbb;color:#222",
}


def evidence_badge(observation: Observation) -> str:
    """The tier as a coloured label; "superseded" or "does not decide" beside it."""
    label = observation.tier
    if observation.superseded_by_id is not None:
        label += " · superseded"
    elif not observation.is_deciding:
        label += " · does not decide"
    return format_html(
        '<span style="{};padding:1px 6px;border-radius:3px">{}</span>',
        BADGE_STYLES.get(observation.tier, ""),
        label,
    )


class SupersededFilter(admin.SimpleListFilter):
    title = "revision"
    parameter_name = "revision"

    def lookups(self, request, model_admin):
        return [("current", "Current"), ("superseded", "Superseded")]

    def queryset(self, request, queryset):
        if self.value() == "current":
            return queryset.current()
        if self.value() == "superseded":
            return queryset.filter(superseded_by__isnull=False)
        return queryset


@admin.register(Observation)
class ObservationAdmin(SimpleHistoryAdmin):
    form = ObservationForm
    list_display = [
        "indicator",
        "date",
        "value",
        "low",
        "high",
        "evidence",
        "source_title",
        "published_on",
        "origin",
    ]
    list_filter = [
        "tier",
        SupersededFilter,
        "indicator__category",
        "origin",
        "is_estimate",
    ]
    list_select_related = ["indicator"]
    raw_id_fields = ["superseded_by"]
    search_fields = ["indicator__name", "indicator__slug", "source_title", "source_url"]
    autocomplete_fields = ["indicator"]
    date_hierarchy = "date"
    readonly_fields = ["origin", "fetch_run", "recorded_by", "created_at", "updated_at"]
    fieldsets = [
        (
            None,
            {"fields": ["indicator", "date", "value", ("low", "high"), "save_anyway"]},
        ),
        (
            "Source",
            {
                "fields": [
                    "source_url",
                    "source_title",
                    ("tier", "published_on"),
                    "is_estimate",
                    "superseded_by",
                    "note",
                ]
            },
        ),
        ("Provenance", {"classes": ["collapse"], "fields": readonly_fields}),
    ]

    def get_changeform_initial_data(self, request: HttpRequest) -> dict:
        """Logged today unless the editor says when the producer published it.
        With the indicator chosen, the source (URL, title, tier) of its latest
        current value is filled in: most values come from the same source."""
        initial = super().get_changeform_initial_data(request)
        initial = {"published_on": timezone.now().date(), **initial}
        try:
            indicator_id = int(initial.get("indicator", ""))
        except ValueError:
            return initial
        latest = (
            Observation.objects.for_indicator(indicator_id)
            .current()
            .order_by("-date", "-id")
            .values("source_url", "source_title", "tier")
            .first()
        )
        return {**(latest or {}), **initial}

    @admin.display(description="evidence", ordering="tier")
    def evidence(self, observation: Observation) -> str:
        return evidence_badge(observation)

    def render_change_form(
        self, request, context, add=False, change=False, form_url="", obj=None
    ):
        form = context["adminform"].form
        indicator = self.chosen_indicator(form)
        if indicator is not None:
            # On the bound field: a posted form has bound (and copied) it already.
            form["value"].help_text = f"In {indicator.unit}."
            context["indicator_summary"] = summarize_indicator(indicator)
        return super().render_change_form(request, context, add, change, form_url, obj)

    @staticmethod
    def chosen_indicator(form: forms.ModelForm) -> Indicator | None:
        value = form["indicator"].value()
        try:
            return Indicator.objects.get(pk=int(value))
        except (TypeError, ValueError, Indicator.DoesNotExist):
            return None

    def save_model(self, request, obj: Observation, form, change: bool) -> None:
        if not change:
            obj.origin = Origin.ADMIN
        obj.recorded_by = request.user
        super().save_model(request, obj, form, change)
        notify_observations_changed([obj.indicator_id])

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view(self.import_csv)
        name = "indicators_observation_import_csv"
        return [path("import-csv/", view, name=name), *super().get_urls()]

    def import_csv(self, request: HttpRequest) -> HttpResponse:
        """Upload a CSV of observations: every row valid and written, or none."""
        if not (
            self.has_add_permission(request) and self.has_change_permission(request)
        ):
            raise PermissionDenied
        form = ObservationImportForm(request.POST or None, request.FILES or None)
        errors = []
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                counts = import_observations_csv(
                    upload.read(), file=upload.name, user=request.user
                )
            except RecordInvalid as invalid:
                errors = invalid.errors
            else:
                message = f"Imported {upload.name}: {counts}."
                self.message_user(request, message, messages.SUCCESS)
                return redirect("admin:indicators_observation_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Import observations from CSV",
            "form": form,
            "errors": errors,
            "columns": ",".join(OBSERVATION_COLUMNS),
        }
        template = "admin/indicators/observation/import_csv.html"
        return TemplateResponse(request, template, context)


class FetchRunInline(admin.TabularInline):
    model = FetchRun
    extra = 0
    max_num = 0
    can_delete = False
    fields = ["started_at", "outcome", "rows_seen", "rows_new", "rows_changed", "error"]
    readonly_fields = fields
    ordering = ["-started_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).order_by("-started_at")


@admin.register(Feed)
class FeedAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "indicator",
        "format",
        "is_active",
        "last_run_at",
        "latest_run",
    ]
    list_filter = ["is_active", "format", "aggregation"]
    list_select_related = ["indicator"]
    search_fields = ["name", "url", "indicator__name"]
    autocomplete_fields = ["indicator"]
    readonly_fields = [
        "etag",
        "last_modified",
        "claimed_until",
        "last_run_at",
        "next_run_at",
        "created_at",
    ]
    actions = ["fetch_now"]

    def get_queryset(self, request):
        # The latest run of each feed, for its column: two subqueries, not
        # a query per row.
        latest = FetchRun.objects.filter(feed=OuterRef("pk")).order_by("-started_at")
        return (
            super()
            .get_queryset(request)
            .annotate(
                latest_outcome=Subquery(latest.values("outcome")[:1]),
                latest_started_at=Subquery(latest.values("started_at")[:1]),
                latest_rows_new=Subquery(latest.values("rows_new")[:1]),
            )
        )

    @admin.display(description="latest run", ordering="latest_started_at")
    def latest_run(self, feed: Feed) -> str:
        if feed.latest_outcome is None:
            return "none yet"
        url = (
            reverse("admin:indicators_fetchrun_changelist")
            + f"?feed__id__exact={feed.pk}"
        )
        label = Outcome(feed.latest_outcome).label.lower()
        if feed.latest_outcome in (Outcome.OK, Outcome.UNCHANGED):
            label += f", {feed.latest_rows_new} new"
        started = f"{timezone.localtime(feed.latest_started_at):%Y-%m-%d %H:%M}"
        return format_html('<a href="{}">{}</a> ({})', url, label, started)

    @admin.action(description="Fetch the selected feeds now", permissions=["change"])
    def fetch_now(self, request, queryset) -> None:
        """Queue one run per feed: fetching is the worker's job, not the request's.

        Each run shows in the "latest run" column (and under Fetch runs) as it
        starts and finishes. With the broker unreachable, the feed is made due
        at once, and "fetch due feeds" runs it once the broker is back.
        """
        queued, deferred = [], []
        for feed in queryset:
            sent = broker.send_or(
                lambda pk=feed.pk: tasks.fetch_feed.delay(pk),
                lambda pk=feed.pk: Feed.objects.filter(pk=pk).update(
                    next_run_at=timezone.now()
                ),
                "fetch now made the feed due instead",
            )
            (queued if sent else deferred).append(str(feed))
        if queued:
            self.message_user(
                request,
                f'Queued: {", ".join(queued)}. Each run shows under "latest run" '
                "when it finishes (reload this page).",
                messages.SUCCESS,
            )
        if deferred:
            self.message_user(
                request,
                f"The task queue is unreachable; {', '.join(deferred)} will be "
                'fetched by "fetch due feeds" once it is back.',
                messages.WARNING,
            )


@admin.register(FetchRun)
class FetchRunAdmin(admin.ModelAdmin):
    list_display = [
        "feed",
        "started_at",
        "finished_at",
        "outcome",
        "rows_seen",
        "rows_new",
        "rows_changed",
        "rows_missing",
        "short_error",
    ]
    list_filter = ["outcome", "feed"]
    list_select_related = ["feed"]
    search_fields = ["feed__name", "error"]
    readonly_fields = [f.name for f in FetchRun._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.display(description="error")
    def short_error(self, run: FetchRun) -> str:
        return run.error[:120]
