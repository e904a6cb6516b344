"""API routes of indicators, observations, feeds and fetch runs (under /api/v1/)."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from indicators import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("indicators", views.IndicatorViewSet, basename="indicator")
router.register("observations", views.ObservationViewSet, basename="observation")
router.register("feeds", views.FeedViewSet, basename="feed")
router.register("fetch-runs", views.FetchRunViewSet, basename="fetchrun")

urlpatterns = [
    path(
        "indicators/<slug:slug>/observations/",
        views.IndicatorObservationList.as_view(),
        name="indicator-observations",
    ),
    *router.urls,
]
