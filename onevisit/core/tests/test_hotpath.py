"""The hot path's SQL (core.hotpath): `insert_rows` writes what the ORM would write (keys
in order, defaults, auto_now_add, JSON, aware datetimes) in one statement compiled once,
and fails whole; `select_models` loads what the ORM would load, with one related object
joined, in one query; the audit trail written through them still verifies."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from onevisit.cases.models import Applicant, Case, Notification
from onevisit.core import hotpath
from onevisit.core.audit import GENESIS, verify_chain
from onevisit.core.hotpath import insert_rows, select_models
from onevisit.core.models import ApiToken, AuditChainHead, AuditEntry
from onevisit.testing import case_factories as kf
from onevisit.testing import factories as f

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
#: Aware, not in UTC and with microseconds: what the database must give back unchanged.
AT = datetime.datetime(2024, 5, 1, 8, 30, 15, 123456, tzinfo=SHANGHAI)
AFTER = {
    "名称": "桐庐县自然资源和规划局",
    "编制": [3, 2, 1],
    "在编": True,
    "备注": None,
    "比例": 0.5,
}


def _values(obj) -> dict:
    """Every concrete column of an instance, by attribute name."""
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def _token(user, name: str, digest: str | None = None, **kwargs) -> ApiToken:
    digest = digest or ApiToken.digest_of(f"{user.pk}:{name}")
    return ApiToken(user=user, name=name, digest=digest, prefix=digest[:8], **kwargs)


def _entry(seq: int, **kwargs) -> AuditEntry:
    fields = {
        "seq": seq,
        "at": AT,
        "actor_label": "system",
        "action": "test.hotpath",
        "object_type": "test.thing",
        "object_id": str(seq),
        "object_repr": f"thing {seq}",
        "prev_hash": GENESIS,
        "hash": f"{seq:064d}",
    }
    return AuditEntry(**{**fields, **kwargs})


@pytest.fixture
def user():
    return f.UserFactory(display_name="王测试")


# --- insert_rows -------------------------------------------------------------------------
def test_one_row_gets_its_key_and_is_saved_as_the_orm_saves_it(user):
    """One row: the key comes back and is set, the instance counts as saved (a later save()
    updates it), and the row the ORM reads is the one written."""
    token = _token(user, "一个")
    assert insert_rows([token]) == [token]
    assert token.pk is not None
    assert (token._state.adding, token._state.db) == (False, "default")
    stored = ApiToken.objects.get(pk=token.pk)
    assert _values(stored) == _values(token)

    token.name = "改名"
    token.save()
    assert ApiToken.objects.filter(user=user).count() == 1
    assert ApiToken.objects.get(pk=token.pk).name == "改名"


def test_several_rows_get_their_keys_in_order(user):
    """Each object gets the key of its own row, in the order given (RETURNING's order)."""
    tokens = [_token(user, f"令牌{n}") for n in range(5)]
    insert_rows(tokens)
    keys = [t.pk for t in tokens]
    assert None not in keys and keys == sorted(keys) and len(set(keys)) == 5
    stored = ApiToken.objects.in_bulk(keys)
    for token in tokens:
        assert _values(stored[token.pk]) == _values(token)


def test_nothing_to_insert_is_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert insert_rows([]) == []


def test_python_defaults_and_auto_now_add_are_applied():
    """Fields left out take the model's defaults (a callable one too), and `auto_now_add`
    is set on the object and stored, as `save()` would do."""
    user, applicant = kf.citizen_account()
    start = timezone.now()
    notes = [
        Notification(applicant=applicant, channel="app", subject="一", body="正文"),
        Notification(user=user, channel="email", subject="二", body="正文"),
    ]
    insert_rows(notes)
    end = timezone.now()
    for note in notes:
        assert note.created_at is not None and start <= note.created_at <= end
        stored = Notification.objects.get(pk=note.pk)
        assert stored.created_at == note.created_at
        assert stored.error == "" and stored.sent_at is None and stored.case_id is None
    assert Notification.objects.get(pk=notes[1].pk).applicant_id is None

    case = kf.submit(user, applicant, items=[kf.online_item()]).case
    copy = Case(
        number="330122-TEST-000001",
        applicant=applicant,
        title="复制",
        channel=case.channel,
        region=case.region,
        submitted_by=user,
        idempotency_key="copy",
        submission_digest="0" * 64,
        submitted_at=AT,
        intake_date=AT.date(),
    )
    insert_rows([copy])
    stored = Case.objects.get(pk=copy.pk)
    default = Case()
    assert (stored.state, stored.visits, stored.form_data) == (
        default.state,
        default.visits,
        default.form_data,
    )
    assert stored.form_data == {} and stored.bundle_id is None and stored.window_id is None


def test_json_values_round_trip_through_the_orm():
    """A dict with Chinese text, nested lists, booleans, floats and a JSON null reads back
    equal through the ORM; None is SQL NULL, as the ORM stores it."""
    with_json = _entry(1, before={"count": 1}, after=AFTER)
    without = _entry(2)
    insert_rows([with_json, without])
    stored = AuditEntry.objects.get(pk=with_json.pk)
    assert stored.after == AFTER and stored.before == {"count": 1}
    assert AuditEntry.objects.filter(pk=with_json.pk, after__名称=AFTER["名称"]).exists()
    assert AuditEntry.objects.filter(
        pk=without.pk, before__isnull=True, after__isnull=True
    ).exists()


def test_an_aware_datetime_reads_back_equal():
    entry = _entry(1)
    insert_rows([entry])
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert stored.at == AT and timezone.is_aware(stored.at)
    assert AuditEntry.objects.filter(pk=entry.pk, at=AT).exists()


def test_a_unique_violation_raises_and_writes_nothing(user):
    """A statement that breaks a unique constraint writes none of its rows, sets no key,
    and leaves the transaction usable after its savepoint rolls back."""
    taken = _token(user, "已有")
    insert_rows([taken])
    fresh = _token(user, "新的")
    clash = _token(user, "重复", digest=taken.digest)
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_rows([fresh, clash])
    assert fresh.pk is None and clash.pk is None
    assert list(ApiToken.objects.filter(user=user).values_list("name", flat=True)) == ["已有"]

    twins = [_token(user, "甲", digest="a" * 64), _token(user, "乙", digest="a" * 64)]
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_rows(twins)
    assert ApiToken.objects.filter(user=user).count() == 1


def test_the_statement_is_compiled_once_per_model_and_row_count(user, django_assert_num_queries):
    """The INSERT for (model, row count, database) is built once and kept; each call is one
    query. Another row count or another model is another statement."""
    insert_rows([_token(user, "预热")])
    before = hotpath._statement.cache_info()
    with django_assert_num_queries(1):
        insert_rows([_token(user, "一")])
    with django_assert_num_queries(1):
        insert_rows([_token(user, "二")])
    after = hotpath._statement.cache_info()
    assert (after.hits - before.hits, after.misses - before.misses) == (2, 0)

    fields, sql = hotpath._statement(ApiToken, 3, "default")
    assert sql.count("(%s") == 3 and "RETURNING" in sql
    assert [f.name for f, _attname, _plain in fields] == [
        f.name for f in ApiToken._meta.concrete_fields if not f.primary_key
    ]
    assert hotpath._statement(ApiToken, 3, "default") == (fields, sql)
    assert hotpath._statement(Notification, 3, "default")[1] != sql


# --- select_models -------------------------------------------------------------------------
def test_a_loaded_instance_equals_the_orm_one_field_by_field():
    """A case (aware datetime, date, JSON, nullable foreign keys, choices) loads with the
    same values as the ORM gives, nothing deferred, ready to save."""
    user, applicant = kf.citizen_account()
    case = kf.submit(user, applicant, items=[kf.online_item()], form={}).case
    Case.objects.filter(pk=case.pk).update(
        form_data={"姓名": "王芳", "子女": [{"姓名": "王小", "出生": "2024-05-01"}]},
        decided_at=AT,
    )
    orm = Case.objects.get(pk=case.pk)
    [found] = select_models(
        Case, "t.submitted_by_id = %s AND t.idempotency_key = %s", [user.pk, orm.idempotency_key]
    )
    assert _values(found) == _values(orm)
    assert found.decided_at == AT and timezone.is_aware(found.submitted_at)
    assert isinstance(found.intake_date, datetime.date)
    assert found.bundle_id is None and found.window_id is None
    assert found.get_deferred_fields() == set()
    assert (found._state.adding, found._state.db) == (False, "default")

    found.title = "改过的标题"
    found.save(update_fields=["title"])
    assert Case.objects.get(pk=case.pk).title == "改过的标题"


def test_json_and_a_nullable_foreign_key_load_as_with_the_orm(user):
    with_actor = _entry(1, actor=user, before={"count": 1}, after=AFTER)
    without = _entry(2)
    insert_rows([with_actor, without])
    found = select_models(AuditEntry, "t.seq IN (%s, %s) ORDER BY t.seq", [1, 2])
    assert [_values(e) for e in found] == [
        _values(e) for e in AuditEntry.objects.filter(seq__in=[1, 2]).order_by("seq")
    ]
    assert found[0].after == AFTER and found[0].actor_id == user.pk
    assert found[1].actor_id is None and found[1].before is None


def test_the_related_object_comes_in_the_same_query(user, django_assert_num_queries):
    """Like select_related: the joined object is cached on the instance, equal to the ORM's
    own, with its values converted (a boolean is a bool, a datetime aware)."""
    token = _token(user, "接口", last_used_at=AT)
    insert_rows([token])
    with django_assert_num_queries(1):
        [found] = select_models(ApiToken, "t.digest = %s", [token.digest], related="user")
        assert found.user.username == user.username and found.user.display_name == "王测试"
        assert found.user.is_active is True and found.user.is_staff is False
    assert _values(found) == _values(ApiToken.objects.get(pk=token.pk))
    assert _values(found.user) == _values(type(user).objects.get(pk=user.pk))
    assert found.last_used_at == AT and timezone.is_aware(found.user.date_joined)


def test_an_applicant_with_its_region(django_assert_num_queries):
    user, applicant = kf.citizen_account(name="李示例")
    with django_assert_num_queries(1):
        [found] = select_models(Applicant, "t.user_id = %s", [user.pk], related="region")
        assert (found.name, found.region.code, found.region.name) == ("李示例", "330122", "桐庐县")
    orm = Applicant.objects.select_related("region").get(user=user)
    assert _values(found) == _values(orm)
    assert _values(found.region) == _values(orm.region)
    assert found == applicant and found.region == orm.region


def test_nothing_matching_is_an_empty_list(user, django_assert_num_queries):
    insert_rows([_token(user, "有一个")])
    with django_assert_num_queries(1):
        assert select_models(ApiToken, "t.digest = %s", ["f" * 64], related="user") == []
    assert select_models(Applicant, "t.user_id = %s", [user.pk], related="region") == []


# --- the audit trail, written through the hot path ------------------------------------------
_audit = f.audit_trail


def test_a_new_trail_starts_when_the_head_row_is_missing(user):
    """With no head row yet, the first entry is #1 after the genesis hash, and the head is
    created pointing at it."""
    AuditEntry.objects.all().delete()
    AuditChainHead.objects.all().delete()
    [first] = _audit(1, actor=user)
    assert (first.seq, first.prev_hash) == (1, GENESIS)
    head = AuditChainHead.objects.get(id=1)
    assert (head.last_seq, head.last_hash) == (1, first.hash)
    stored = AuditEntry.objects.get(pk=first.pk)
    assert _values(stored) == _values(first)
    assert verify_chain() is None


def test_several_entries_make_a_chain_verify_audit_accepts(user, capsys):
    AuditEntry.objects.all().delete()
    AuditChainHead.objects.all().delete()
    entries = _audit(3) + _audit(3, actor=user)
    assert [e.seq for e in entries] == [1, 2, 3, 4, 5, 6]
    assert [e.prev_hash for e in entries[1:]] == [e.hash for e in entries[:-1]]
    head = AuditChainHead.objects.get(id=1)
    assert (head.last_seq, head.last_hash) == (6, entries[-1].hash)
    assert verify_chain() is None
    call_command("verify_audit")
    assert "6 entries verified" in capsys.readouterr().out

    # The hashes were computed over what the database holds: a change there is caught.
    AuditEntry.objects.filter(seq=4).update(after={"count": 99, "名称": "测试"})
    assert verify_chain().seq == 4


def test_audit_record_continues_an_existing_trail():
    AuditEntry.objects.all().delete()
    AuditChainHead.objects.all().delete()
    first = _audit(2)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT last_seq FROM {AuditChainHead._meta.db_table} WHERE id = 1")
        assert cursor.fetchone()[0] == 2
    later = _audit(1)
    assert later[0].seq == 3 and later[0].prev_hash == first[-1].hash
    assert verify_chain() is None


def test_values_of_another_type_are_converted_as_the_orm_does(user):
    """Only values that already have their column's type skip the field's conversion: an
    enum member, a lazy string and a boolean for an integer are stored as the ORM stores
    them."""
    from django.utils.functional import lazy

    from onevisit.cases.choices import NotificationChannel

    lazy_text = lazy(lambda: "懒惰的主题", str)()
    note = Notification(
        user=user, channel=NotificationChannel.APP, subject=lazy_text, body="正文", error=""
    )
    insert_rows([note])
    stored = Notification.objects.get(pk=note.pk)
    assert (stored.channel, stored.subject) == ("app", "懒惰的主题")
    assert type(stored.channel) is str
