"""Rescore predictions now: all of them, or those on the named indicators."""

import datetime

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from indicators.models import Indicator
from predictions import services

BAR_WIDTH = 30


class Command(BaseCommand):
    help = (
        "Score every prediction (or those on --indicator) as of today and write "
        "today's score, recording status changes; safe to run again."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--indicator",
            action="append",
            default=[],
            metavar="SLUG",
            help="Only the predictions on this indicator (repeatable).",
        )
        parser.add_argument(
            "--history",
            action="store_true",
            help="Score every prediction as of each month-end since its source's "
            "publication, from the values public on that day (safe to run again).",
        )
        parser.add_argument(
            "--date",
            type=datetime.date.fromisoformat,
            help="Score as of this day, YYYY-MM-DD (default: today).",
        )

    def handle(
        self, *args, indicator: list[str], date=None, history: bool = False, **options
    ) -> None:
        if history:
            if indicator:
                raise CommandError("--history scores every prediction: no --indicator.")
            self._history(date)
            return
        try:
            if indicator:
                summary = services.rescore_indicators(
                    indicator_ids=self._indicator_ids(indicator),
                    today=date,
                    progress=self._show_progress,
                )
            else:
                summary = services.rescore_predictions(
                    today=date, progress=self._show_progress
                )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stderr.write("")
        self.stdout.write(
            f"Scored {summary.predictions} predictions as of {summary.as_of}: "
            f"{summary.status_changes} status changes in {summary.seconds:.2f} s."
        )

    def _history(self, date) -> None:
        summary = services.rescore_history(today=date, progress=self._show_months)
        self.stderr.write("")
        self.stdout.write(
            f"Scored {summary.scores} predictions over {summary.months} month-ends "
            f"in {summary.seconds:.2f} s."
        )

    def _show_months(self, done: int, total: int) -> None:
        self.stderr.write(f"\r{done}/{total} month-ends", ending="")
        self.stderr.flush()

    def _indicator_ids(self, slugs: list[str]) -> list[int]:
        found = dict(Indicator.objects.filter(slug__in=slugs).values_list("slug", "pk"))
        missing = sorted(set(slugs) - set(found))
        if missing:
            raise CommandError(f"No indicator with slug: {', '.join(missing)}.")
        return list(found.values())

    def _show_progress(self, done: int, total: int) -> None:
        filled = BAR_WIDTH * done // total if total else BAR_WIDTH
        bar = "#" * filled + "." * (BAR_WIDTH - filled)
        self.stderr.write(f"\r[{bar}] {done}/{total} predictions", ending="")
        self.stderr.flush()
