"""API routes of sources, predictions, scores, events and the scoreboard."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from predictions import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("sources", views.SourceViewSet, basename="source")
router.register("predictions", views.PredictionViewSet, basename="prediction")
router.register("events", views.StatusChangeViewSet, basename="event")
router.register("questions", views.QuestionViewSet, basename="question")

urlpatterns = [
    path("scoreboard/", views.ScoreboardView.as_view(), name="scoreboard"),
    path(
        "scoreboard/head-to-head/",
        views.HeadToHeadList.as_view(),
        name="scoreboard-head-to-head",
    ),
    path(
        "scoreboard/calibration-points/",
        views.CalibrationPointList.as_view(),
        name="scoreboard-calibration-points",
    ),
    path("report-card/", views.ReportCardView.as_view(), name="report-card"),
    path(
        "report-card/rows/",
        views.ReportCardRowList.as_view(),
        name="report-card-rows",
    ),
    path(
        "predictions/<slug:slug>/scores/",
        views.PredictionScoreList.as_view(),
        name="prediction-scores",
    ),
    *router.urls,
]
