"""Write the database back as the record files, in their canonical form."""

from pathlib import Path

from django.core.management.base import BaseCommand

from predictions import record


class Command(BaseCommand):
    help = (
        "Write the record files (sources, predictions, indicators, "
        "observations, feeds, derived indicators, questions), by default over "
        "the committed seed files."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--output",
            type=Path,
            help="Write the files into this directory instead of over the seed.",
        )

    def handle(self, *args, output: Path | None = None, **options) -> None:
        paths = (
            record.RecordPaths.in_directory(output)
            if output
            else record.RecordPaths.seed()
        )
        record.export_record(paths)
        for path in (
            paths.sources,
            paths.predictions,
            paths.indicators,
            paths.observations,
            paths.feeds,
            paths.derived,
            paths.questions,
        ):
            if path is not None:
                self.stdout.write(f"Wrote {path}")
