from django.http import HttpRequest, JsonResponse
from django.urls import include, path


def bare(request: HttpRequest) -> JsonResponse:
    """The floor: a plain Django view returning a small JSON object."""
    return JsonResponse({"ok": True, "n": 1})


urlpatterns = [
    path("bench/bare/", bare),
    path("", include("tracker.urls")),
]
