"""`manage.py verify_licence`: offline with a key set file it never touches the database
(these tests have no database access at all unless marked); the exit status says genuine
(0), not genuine (1) or unreadable (2)."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from onevisit.licences.signing import FORMAT, jwk, new_key_pair, sign

SECRET = "test secret for the offline command"
NUMBER = "330122-2026-E0123456789"
IDENTIFIER = "330122198001010018"


def _licence(*, kid: str = "o7-0badcafe", valid_until: str | None = "2031-03-02"):
    """A licence signed with a fresh key, and the key set that publishes the key: built
    from the signing module alone, without the database."""
    public, private = new_key_pair(SECRET)
    payload = {
        "v": 1,
        "number": NUMBER,
        "kid": kid,
        "type": {"code": "food", "name": "食品经营许可证"},
        "holder": {"kind": "person", "name": "李示例", "id": IDENTIFIER},
        "issuer": {"id": 7, "name": "桐庐县市场监督管理局", "region": "330122"},
        "issued_on": "2026-03-02",
        "valid_until": valid_until,
        "fields": {"holder_name": "李示例", "subject": "预包装食品销售"},
        "replaces": None,
    }
    document = {
        "format": FORMAT,
        "kid": kid,
        "payload": payload,
        "signature": sign(payload, private, SECRET),
    }
    keyset = {
        "keys": [jwk(kid=kid, public_key=public, issuer="桐庐县市场监督管理局", retired=False)],
        "revoked": [],
    }
    return document, keyset


def _files(tmp_path, document, keyset):
    licence_path, keyset_path = tmp_path / "licence.json", tmp_path / "keys.json"
    licence_path.write_text(
        document if isinstance(document, str) else json.dumps(document), encoding="utf-8"
    )
    keyset_path.write_text(
        keyset if isinstance(keyset, str) else json.dumps(keyset), encoding="utf-8"
    )
    return str(licence_path), str(keyset_path)


def _run(*args) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("verify_licence", *args, stdout=out)
    except CommandError as exc:
        return exc.returncode, out.getvalue()
    return 0, out.getvalue()


def test_offline_verification_needs_no_database(tmp_path):
    # No django_db mark: any query would fail the test.
    document, keyset = _licence()
    licence, keys = _files(tmp_path, document, keyset)
    status, out = _run(licence, "--keyset", keys, "--date", "2026-06-01")
    assert status == 0, out
    assert "genuine" in out
    assert NUMBER in out and "食品经营许可证" in out and "桐庐县市场监督管理局" in out
    assert "2031-03-02" in out and "李示例" in out
    # The identity number is printed masked.
    assert IDENTIFIER not in out and "3301************18" in out


def test_offline_verdicts_and_exit_statuses(tmp_path):
    document, keyset = _licence()
    licence, keys = _files(tmp_path, document, keyset)
    assert _run(licence, "--keyset", keys, "--date", "2031-03-02")[0] == 0
    status, out = _run(licence, "--keyset", keys, "--date", "2031-03-03")
    assert status == 1 and "expired" in out

    licence, keys = _files(tmp_path, document, {**keyset, "revoked": [NUMBER]})
    status, out = _run(licence, "--keyset", keys, "--date", "2026-06-01")
    assert status == 1 and "revoked" in out

    forged = {**document, "payload": {**document["payload"], "valid_until": "2099-12-31"}}
    licence, keys = _files(tmp_path, forged, keyset)
    status, out = _run(licence, "--keyset", keys, "--date", "2026-06-01")
    assert status == 1 and "tampered" in out
    assert "李示例" not in out  # nothing of a forged document is repeated as if vouched for

    other, other_keys = _licence()  # signed with a key the key set does not publish
    licence, keys = _files(tmp_path, other, keyset)
    assert _run(licence, "--keyset", keys, "--date", "2026-06-01")[0] == 1


def test_without_an_end_date_it_stays_genuine(tmp_path):
    document, keyset = _licence(valid_until=None)
    licence, keys = _files(tmp_path, document, keyset)
    assert _run(licence, "--keyset", keys, "--date", "2999-01-01")[0] == 0
    assert _run(licence, "--keyset", keys)[0] == 0  # today


@pytest.mark.parametrize(
    "content",
    ["", "{not json", "[1, 2]", '"licence"', "[" * 5000],
    ids=["empty", "not-json", "array", "string", "deep"],
)
def test_an_unreadable_licence_file_exits_2(tmp_path, content):
    _document, keyset = _licence()
    licence, keys = _files(tmp_path, content, keyset)
    status, _out = _run(licence, "--keyset", keys)
    assert status == 2


def test_a_missing_file_or_a_directory_exits_2(tmp_path):
    document, keyset = _licence()
    licence, keys = _files(tmp_path, document, keyset)
    assert _run(str(tmp_path / "nowhere.json"), "--keyset", keys)[0] == 2
    assert _run(str(tmp_path), "--keyset", keys)[0] == 2
    assert _run(licence, "--keyset", str(tmp_path / "nowhere.json"))[0] == 2


@pytest.mark.parametrize(
    "keyset",
    [
        "{not json",
        "[]",
        '{"revoked": []}',
        '{"keys": {}}',
        '{"keys": [1]}',
        '{"keys": [], "revoked": [[1]]}',
    ],
)
def test_an_unreadable_key_set_exits_2(tmp_path, keyset):
    document, _keyset = _licence()
    licence, keys = _files(tmp_path, document, keyset)
    assert _run(licence, "--keyset", keys)[0] == 2


def test_a_bad_date_is_refused(tmp_path):
    document, keyset = _licence()
    licence, keys = _files(tmp_path, document, keyset)
    with pytest.raises(CommandError, match="2026-13-01"):
        call_command("verify_licence", licence, "--keyset", keys, "--date", "2026-13-01")


@pytest.mark.django_db
def test_without_a_key_set_it_reads_the_published_keys(tmp_path, django_assert_max_num_queries):
    from onevisit.testing import case_factories as kf
    from onevisit.testing import factories as f
    from onevisit.testing import licence_factories as lf

    org = f.organization()
    _user, applicant = kf.citizen_account()
    issued = lf.issue(lf.licence_type(), applicant, org)
    document, keyset = _licence()
    licence, _keys = _files(tmp_path, issued.exported(), keyset)
    with django_assert_max_num_queries(2):  # the keys, the revocation list
        assert _run(licence)[0] == 0
    licence, _keys = _files(tmp_path, document, keyset)
    assert _run(licence)[0] == 1  # a key this platform did not publish


@pytest.mark.django_db
def test_export_keyset_writes_what_the_api_publishes(tmp_path, client):
    from onevisit.testing import case_factories as kf
    from onevisit.testing import factories as f
    from onevisit.testing import licence_factories as lf

    org = f.organization()
    _user, applicant = kf.citizen_account()
    issued = lf.issue(lf.licence_type(), applicant, org)
    path = tmp_path / "exported-keys.json"
    call_command("export_keyset", "--output", str(path), stderr=io.StringIO())
    assert json.loads(path.read_text(encoding="utf-8")) == client.get("/api/licences/keys").json()
    licence, _keys = _files(tmp_path, issued.exported(), "{}")
    assert _run(licence, "--keyset", str(path))[0] == 0
    out = io.StringIO()
    call_command("export_keyset", stdout=out)
    assert json.loads(out.getvalue())["keys"][0]["kid"] == issued.key.kid
