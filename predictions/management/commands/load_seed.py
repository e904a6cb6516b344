"""Load the record (sources, predictions, indicators, observations, feeds,
derived indicators, questions).

Scoring is left to ``manage.py rescore``, which ``make run`` runs right after.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from indicators.record_format import RecordInvalid
from predictions import record


class Command(BaseCommand):
    help = (
        "Check the record files and load them in one transaction: all rows or "
        "none. Rows added in the admin are kept."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--input",
            type=Path,
            help="A directory holding sources.yaml, predictions.yaml, "
            "indicators.yaml, observations.csv and, if there are any, feeds.yaml, "
            "derived.yaml and questions.yaml (default: the committed seed).",
        )

    def handle(self, *args, input: Path | None = None, **options) -> None:
        paths = record.RecordPaths.in_directory(input) if input else None
        try:
            counts = record.load_record(paths or record.RecordPaths.seed())
        except RecordInvalid as invalid:
            for error in invalid.errors:
                self.stderr.write(str(error))
            raise CommandError(
                f"{len(invalid.errors)} problem(s) in the record; nothing was written."
            ) from None
        for kind, count in counts.items():
            self.stdout.write(f"{kind}: {count}")
        if not any(count.new or count.changed for count in counts.values()):
            self.stdout.write("Nothing changed.")
