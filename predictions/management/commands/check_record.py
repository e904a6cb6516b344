"""Check the record files against the evidence rules; list every finding."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from predictions import record, record_checks


class Command(BaseCommand):
    help = (
        "Check the record against the evidence rules (EVIDENCE.md): aggregator "
        "rows that would decide, running-best series that fall, one number "
        "through two mirrors, deciding rows on an aggregator's host. Writes nothing."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--input",
            type=Path,
            help="A directory holding the record files (default: the seed).",
        )

    def handle(self, *args, input: Path | None = None, **options) -> None:
        paths = (
            record.RecordPaths.in_directory(input)
            if input
            else record.RecordPaths.seed()
        )
        rows, errors = record.read_record(paths)
        problems = [str(error) for error in errors]
        if not errors:
            findings = record_checks.check_record(rows, file=paths.observations.name)
            problems += [str(f) for f in findings if f.is_failure]
            for notice in (f for f in findings if not f.is_failure):
                self.stdout.write(f"notice: {notice}")
        for problem in problems:
            self.stderr.write(problem)
        if problems:
            raise CommandError(f"{len(problems)} problem(s) in the record.")
        count = len(rows["observations"])
        self.stdout.write(f"The record passes: {count} observations checked.")
