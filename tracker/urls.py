from django.contrib import admin
from django.urls import include, path
from django.views.decorators.http import require_safe
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)

from tracker.pages import feeds, views

urlpatterns = [
    path("admin/", admin.site.urls),
    # The scoreboard pages and their Atom feed.
    path("", views.home, name="home"),
    path("predictions/", views.PredictionListView.as_view(), name="prediction-list"),
    path("predictions/<slug:slug>/", views.prediction_detail, name="prediction-detail"),
    path("indicators/<slug:slug>/", views.indicator_detail, name="indicator-detail"),
    path("sources/<slug:slug>/", views.source_detail, name="source-detail"),
    path("report-card/", views.report_card_page, name="report-card"),
    path("methods/", views.methods_page, name="methods"),
    path("questions/", views.question_list, name="question-list"),
    path("questions/<slug:slug>/", views.question_detail, name="question-detail"),
    path(
        "feeds/status-changes.atom",
        require_safe(feeds.StatusChangeFeed()),
        name="status-change-feed",
    ),
]

# The REST API, one namespace for both apps: reverse("api:prediction-list").
api_v1 = [
    path("", include("predictions.urls")),
    path("", include("indicators.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its start-up script as a file: no inline script.
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api:schema"),
        name="docs",
    ),
    path(
        "redoc/",
        SpectacularRedocView.as_view(
            url_name="api:schema", template_name="api/redoc.html"
        ),
        name="redoc",
    ),
]
urlpatterns += [path("api/v1/", include((api_v1, "api")))]

handler400 = "tracker.errors.bad_request"
handler403 = "tracker.errors.permission_denied"
handler404 = "tracker.errors.page_not_found"
handler500 = "tracker.errors.server_error"
