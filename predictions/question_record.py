"""The questions' record file: read, check, save and export ``questions.yaml``.

Same rules as the rest of the record (``predictions.record``): every item is
checked before anything is written, a reload changes nothing, and the export
gives the file back byte for byte. A question names its predictions by slug;
they must be in the record, and they must come from at least two sources, or
there is nothing to disagree about.
"""

from collections.abc import Mapping

from django.core.exceptions import ValidationError

from indicators.record_format import (
    LIST,
    TEXT,
    Counts,
    RecordError,
    check_unique,
    dump_yaml,
    errors_from_validation,
    read_yaml_items,
)
from predictions.models import Prediction, Question

QUESTION_SPEC = {
    "slug": (TEXT, True),
    "title": (TEXT, True),
    "quantity": (TEXT, True),
    "summary": (TEXT, False),
    "decider": (TEXT, True),
    "predictions": (LIST, True),
    "derivations": (LIST, False),
}
QUESTION_FIELDS = tuple(QUESTION_SPEC)
QUESTIONS_HEADER = (
    "# Where AI 2027 and Lambert's rebuttal disagree: each question names both\n"
    "# sides' predictions (by slug) about one quantity, and what would decide it.\n"
    "# derivations: an event prediction whose probability is read from the\n"
    "# quantiles of the named forecasts (see /methods/).\n"
)


def question_to_dict(question: Question, prediction_slugs: list[str]) -> dict:
    record = {
        name: sorted(prediction_slugs)
        if name == "predictions"
        else getattr(question, name)
        for name in QUESTION_FIELDS
    }
    # jsonb keeps no key order; the record does.
    record["derivations"] = [
        {"prediction": item["prediction"], "distributions": list(item["distributions"])}
        for item in question.derivations
    ]
    return record


def read_questions(
    raw: bytes, *, predictions: Mapping[str, Prediction], file: str = "questions.yaml"
) -> tuple[list[tuple[Question, list[str]]], list[RecordError]]:
    """Unsaved questions with the slugs of their predictions, and any errors."""
    items, errors = read_yaml_items(raw, file=file, spec=QUESTION_SPEC)
    errors += check_unique(((i.where, i.data.get("slug")) for i in items), file=file)
    questions = []
    for item in items:
        if not item.is_complete(QUESTION_SPEC):
            continue
        problems = _check_links(item.data, predictions)
        errors += [
            RecordError(file, item.where, name, message)
            for name, message in problems.items()
        ]
        slugs = item.data.pop("predictions")
        question = Question(**item.data)
        try:
            question.full_clean(validate_unique=False)
        except ValidationError as error:
            errors += errors_from_validation(
                error, file=file, where=item.where, model=Question
            )
        if not problems:
            questions.append((question, slugs))
    return questions, errors


def _check_links(data: dict, predictions: Mapping[str, Prediction]) -> dict[str, str]:
    slugs = data["predictions"]
    if not all(isinstance(slug, str) for slug in slugs):
        return {"predictions": "must be a list of prediction slugs."}
    unknown = [slug for slug in slugs if slug not in predictions]
    if unknown:
        return {"predictions": f"not in the record: {', '.join(unknown)}."}
    if len(set(slugs)) != len(slugs):
        return {"predictions": "names a prediction twice."}
    sources = {predictions[slug].source.slug for slug in slugs}
    if len(sources) < 2:
        return {"predictions": "must name predictions of at least two sources."}
    return _check_derivations(data["derivations"], set(slugs), predictions)


def _check_derivations(
    derivations: list, slugs: set[str], predictions: Mapping[str, Prediction]
) -> dict[str, str]:
    for number, item in enumerate(derivations, start=1):
        name = f"derivations[{number}]"
        if not isinstance(item, dict) or set(item) != {"prediction", "distributions"}:
            return {name: "must be a mapping of a prediction and its distributions."}
        named = [item["prediction"], *item["distributions"]]
        if not set(named) <= slugs:
            return {name: "must name predictions of this question."}
        if not item["distributions"]:
            return {name: "needs at least one distribution."}
        if any(not predictions[slug].quantiles for slug in item["distributions"]):
            return {name: "every distribution must be a prediction with quantiles."}
    return {}


def save_questions(questions: list[tuple[Question, list[str]]]) -> Counts:
    """Insert or update on slug; the prediction links are set to the file's."""
    counts = Counts()
    existing = {
        q.slug: q
        for q in Question.objects.filter(
            slug__in=[q.slug for q, _ in questions]
        ).prefetch_related("predictions")
    }
    ids = dict(Prediction.objects.values_list("slug", "pk"))
    for question, slugs in questions:
        current = existing.get(question.slug)
        if current is not None:
            current_slugs = [p.slug for p in current.predictions.all()]
            if question_to_dict(question, slugs) == question_to_dict(
                current, current_slugs
            ):
                counts.unchanged += 1
                continue
            question.pk = current.pk
        question.save()
        question.predictions.set([ids[slug] for slug in slugs])
        if current is None:
            counts.new += 1
        else:
            counts.changed += 1
    return counts


def export_questions() -> str:
    questions = Question.objects.prefetch_related("predictions")
    items = [
        question_to_dict(q, [p.slug for p in q.predictions.all()])
        for q in sorted(questions, key=lambda q: q.slug)
    ]
    return dump_yaml(items, header=QUESTIONS_HEADER)
