from django.http import HttpRequest, JsonResponse
from django.urls import include, path

from indicators.models import Observation


def bare(request: HttpRequest) -> JsonResponse:
    """The floor: a plain Django view returning a small JSON object."""
    return JsonResponse({"ok": True, "n": 1})


def bare_rows(request: HttpRequest) -> JsonResponse:
    """The hand-written list (research/baselines.md's `.values()` view): the
    first 50 observations' six columns as JSON, with no count, filter,
    serializer or DRF. What a cold 50-row list could cost at best."""
    rows = Observation.objects.order_by("pk").values(
        "pk", "indicator_id", "date", "value", "tier", "source_url"
    )[:50]
    return JsonResponse(list(rows), safe=False)


urlpatterns = [
    path("bench/bare/", bare),
    path("bench/bare-rows/", bare_rows),
    path("", include("tracker.urls")),
]
