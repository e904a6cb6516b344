"""Write docs/coverage.md from the record and its sections file, or check it."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from predictions import coverage, record


def coverage_path() -> Path:
    return Path(settings.BASE_DIR) / "docs" / "coverage.md"


class Command(BaseCommand):
    help = (
        "Generate the coverage map (docs/coverage.md): each source's sections, "
        "their claims, and which predictions hold them or why none does."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--input", type=Path, help="A directory holding the record files."
        )
        parser.add_argument(
            "--output", type=Path, help="Where to write (default: docs/coverage.md)."
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="Write nothing; fail if the file differs from what would be written.",
        )

    def handle(self, *args, **options) -> None:
        source = options["input"]
        paths = record.RecordPaths.in_directory(source) if source else None
        paths = paths or record.RecordPaths.seed()
        if paths.sections is None or not paths.sections.exists():
            raise CommandError(f"No sections file at {paths.sections}.")
        rows, errors = record.read_record(paths)
        if errors:
            for error in errors:
                self.stderr.write(str(error))
            raise CommandError(f"{len(errors)} problem(s) in the record.")
        text = coverage.render_coverage(
            rows["sections"],
            record.prediction_refs(rows["predictions"]),
            source_names={s.slug: s.name for s in rows["sources"]},
        )
        output = options["output"] or coverage_path()
        if options["check"]:
            current = output.read_text(encoding="utf-8") if output.exists() else ""
            if current != text:
                raise CommandError(
                    f"{output} is out of date; run manage.py coverage_map."
                )
            self.stdout.write(f"{output} is up to date.")
            return
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_bytes(text.encode("utf-8"))
        self.stdout.write(f"Wrote {output}.")
