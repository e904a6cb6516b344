"""The admin's CSV import of observations: all rows or none, errors by row and field."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from indicators.models import Indicator, Observation, Origin
from indicators.record import OBSERVATION_COLUMNS
from tests.factories import IndicatorFactory

pytestmark = pytest.mark.django_db

HEADER = ",".join(OBSERVATION_COLUMNS) + "\n"
ROW_1 = (
    "swe-bench,2025-01-10,71.7,,,false,primary,2025-01-12,,"
    "https://example.org/swebench/,Leaderboard,\n"
)
ROW_2 = (
    "swe-bench,2025-05-22,72.5,70,75,true,press,2025-05-23,,"
    "https://example.org/swebench/,Leaderboard,n\n"
)


@pytest.fixture
def indicator() -> Indicator:
    return IndicatorFactory(slug="swe-bench", min_value=0, max_value=100)


def import_url() -> str:
    return reverse("admin:indicators_observation_import_csv")


def upload(client: Client, text: str | bytes, name: str = "obs.csv"):
    content = text.encode() if isinstance(text, str) else text
    return client.post(
        import_url(), {"file": SimpleUploadedFile(name, content)}, follow=True
    )


def test_the_observation_list_links_to_the_import(staff_client: Client) -> None:
    response = staff_client.get(reverse("admin:indicators_observation_changelist"))

    assert import_url() in response.content.decode()


def test_a_valid_file_is_imported_and_counted(
    staff_client: Client, indicator: Indicator
) -> None:
    response = upload(staff_client, HEADER + ROW_1 + ROW_2)

    assert (
        "Imported obs.csv: 2 new, 0 changed, 0 unchanged." in response.content.decode()
    )
    assert Observation.objects.filter(indicator=indicator).count() == 2


def test_imported_rows_record_their_origin_and_editor(
    staff_client: Client, indicator: Indicator
) -> None:
    upload(staff_client, HEADER + ROW_1)

    row = Observation.objects.get()
    assert (row.origin, row.recorded_by) == (Origin.IMPORT, staff_client.user)


def test_importing_the_same_file_twice_changes_nothing(
    staff_client: Client, indicator: Indicator
) -> None:
    upload(staff_client, HEADER + ROW_1 + ROW_2)

    response = upload(staff_client, HEADER + ROW_1 + ROW_2)

    assert "0 new, 0 changed, 2 unchanged" in response.content.decode()


@pytest.mark.parametrize(
    ("bad_row", "expected"),
    [
        (
            ROW_2.replace("72.5", "lots"),
            "obs.csv, row 3, value: &#x27;lots&#x27; is not",
        ),
        (ROW_2.replace("swe-bench,", "swe-bnch,"), "row 3, indicator: &#x27;swe-bnch"),
        (ROW_2.replace(",72.5,70,75,", ",172.5,170,175,"), "row 3, value: 172.5 is"),
        (ROW_2.replace("2025-05-22", "2025-02-29"), "row 3, date: &#x27;2025-02-29"),
        (ROW_2.replace(",true,", ",yes,"), "row 3, is_estimate: &#x27;yes&#x27;"),
    ],
)
def test_a_bad_row_is_named_and_nothing_is_imported(
    staff_client: Client, indicator: Indicator, bad_row: str, expected: str
) -> None:
    response = upload(staff_client, HEADER + ROW_1 + bad_row)

    assert expected in response.content.decode()
    assert not Observation.objects.exists()


def test_a_row_repeated_in_one_upload_is_rejected(
    staff_client: Client, indicator: Indicator
) -> None:
    response = upload(staff_client, HEADER + ROW_1 + ROW_1)

    assert "obs.csv, row 3: (" in response.content.decode()
    assert not Observation.objects.exists()


def test_a_wrong_header_is_rejected(staff_client: Client, indicator: Indicator) -> None:
    response = upload(staff_client, HEADER.replace("note", "notes") + ROW_1)

    assert "line 1: the header must be exactly" in response.content.decode()
    assert not Observation.objects.exists()


def test_a_file_that_is_not_utf8_is_rejected(
    staff_client: Client, indicator: Indicator
) -> None:
    latin1 = (HEADER + ROW_1.replace("Leaderboard", "Résultats")).encode("latin-1")

    response = upload(staff_client, latin1)

    assert "line 2: not UTF-8 text" in response.content.decode()
    assert not Observation.objects.exists()


def test_an_editor_without_change_permission_cannot_import(
    client: Client, django_user_model
) -> None:
    user = django_user_model.objects.create_user("viewer", password="x" * 12)
    user.is_staff = True
    user.save()
    client.force_login(user)

    assert client.get(import_url()).status_code == 403


def test_the_import_form_shows_the_expected_header(staff_client: Client) -> None:
    response = staff_client.get(import_url())

    assert HEADER.strip() in response.content.decode()
