"""The import page and the export addresses: who may use them, refusals, the error table."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from onevisit.core.models import Role
from onevisit.orgs.choices import QuotaCategory
from onevisit.orgs.models import Appointment
from onevisit.testing import factories as f

from .conftest import broken_check_digit, identity, xlsx_bytes

pytestmark = pytest.mark.django_db

URL = "/registry/io/"
HEADER = ["姓名", "身份证号", "单位名称", "编制类别"]


@pytest.fixture
def bureau(tonglu):
    return f.organization(
        name="桐庐县财政局", region=tonglu, quotas=[(QuotaCategory.ADMINISTRATIVE, "", 5)]
    )


@pytest.fixture
def officer_client(client, tonglu):
    client.force_login(f.officer(tonglu))
    return client


def _upload(client, data, name="staff.xlsx", kind="staff", region="330122", **extra):
    return client.post(
        URL, {"kind": kind, "region": region, "file": SimpleUploadedFile(name, data), **extra}
    )


def test_the_page_is_a_404_for_everyone_but_establishment_officers(client, tonglu, bureau):
    clerk = f.UserFactory()
    f.grant(clerk, Role.WINDOW_CLERK, region=tonglu, organization=bureau)
    supervisor = f.UserFactory()
    f.grant(supervisor, Role.SUPERVISOR, region=tonglu)
    for user in (clerk, supervisor):
        client.force_login(user)
        assert client.get(URL).status_code == 404
        assert _upload(client, b"x").status_code == 404
    client.logout()
    assert client.get(URL).status_code == 302  # to the login page


def test_the_officer_sees_the_form(officer_client):
    response = officer_client.get(URL)
    assert response.status_code == 200
    assert b'enctype="multipart/form-data"' in response.content


def test_a_file_disguised_as_xlsx_is_a_400(officer_client, bureau):
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01"
    response = _upload(officer_client, png, "花名册.xlsx")
    assert response.status_code == 400
    assert "not an Excel workbook" in response.content.decode()
    text = _upload(officer_client, b"just some words", "notes.xlsx")
    assert text.status_code == 400


def test_wrong_headers_empty_and_too_big_are_400s(officer_client, bureau, settings):
    wrong = _upload(officer_client, xlsx_bytes(["姓名", "性别"], [["张三", "男"]]))
    assert wrong.status_code == 400
    assert "identity_number (身份证号)" in wrong.content.decode()
    assert _upload(officer_client, b"", "empty.csv").status_code == 400
    settings.IMPORT_MAX_BYTES = 100
    big = _upload(officer_client, b"a,b\n" * 100, "big.csv")
    assert big.status_code == 400
    assert "too big" in big.content.decode()


def test_bad_rows_render_the_error_table_and_nothing_is_imported(officer_client, bureau):
    rows = [
        ["张三", identity(1), "桐庐县财政局", "行政编制"],
        ["李四", broken_check_digit(identity(2)), "桐庐县财政局", "行政编制"],
        ["王五", identity(3), "桐庐县无此局", "行政编制"],
    ]
    response = _upload(officer_client, xlsx_bytes(HEADER, rows))
    assert response.status_code == 422
    page = response.content.decode()
    assert '<table class="import-errors">' in page
    assert "<td>3</td><td>身份证号</td>" in page
    assert "<td>4</td><td>单位名称</td>" in page
    assert "Nothing was imported: 2 problems" in page
    assert "3 rows read and checked" in page
    assert Appointment.objects.count() == 0


def test_a_good_file_is_imported_and_counted(officer_client, bureau):
    rows = [["张三", identity(1), "桐庐县财政局", "行政编制"]]
    response = _upload(officer_client, xlsx_bytes(HEADER, rows), document_number="桐编〔2020〕1号")
    assert response.status_code == 200
    assert "appointments: 1" in response.content.decode()
    assert Appointment.objects.get().document_number == "桐编〔2020〕1号"


def test_check_only_writes_nothing(officer_client, bureau):
    rows = [["张三", identity(1), "桐庐县财政局", "行政编制"]]
    response = _upload(officer_client, xlsx_bytes(HEADER, rows), dry_run="1")
    assert response.status_code == 200
    assert "check only" in response.content.decode()
    assert Appointment.objects.count() == 0


def test_an_officer_cannot_import_into_another_region(officer_client, bureau):
    f.RegionFactory(code="330603", name="柯桥区")
    rows = [["张三", identity(1), "桐庐县财政局", "行政编制"]]
    assert _upload(officer_client, xlsx_bytes(HEADER, rows), region="330603").status_code == 403
    assert _upload(officer_client, xlsx_bytes(HEADER, rows), region="999999").status_code == 400


def test_exports_are_scoped_and_mask_identity_numbers(client, tonglu, bureau):
    person = f.person(name="张三")
    f.appoint(bureau, person=person)
    keqiao = f.RegionFactory(code="330603", name="柯桥区")
    f.appoint(f.organization(name="柯桥区财政局", region=keqiao))

    client.force_login(f.officer(tonglu))
    response = client.get("/registry/io/export/staff.csv?region=33")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="staff-33.csv"')
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert person.identity_number in text and "柯桥区财政局" not in text  # scope: Tonglu only

    supervisor = f.UserFactory()
    f.grant(supervisor, Role.SUPERVISOR, region=tonglu)
    client.force_login(supervisor)
    response = client.get("/registry/io/export/staff.xlsx?region=330122")
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert rows[1][0] == "张三"
    assert rows[1][1] != person.identity_number and "*" in rows[1][1]

    quotas = client.get("/registry/io/export/quotas.csv?region=330122")
    text = b"".join(quotas.streaming_content).decode("utf-8-sig")
    assert "桐庐县财政局,330122,administrative,,5,1,4," in text

    assert client.get("/registry/io/export/staff.csv?region=999").status_code == 404
    assert client.get("/registry/io/export/people.csv?region=33").status_code == 404
    client.logout()
    assert client.get("/registry/io/export/staff.csv?region=33").status_code == 302
