"""SQL compiled once, for the requests that run most (热路径): submitting a case, a bearer
token's look-up, the audit trail.

Django builds and compiles every query anew, which on these machines costs several times
the statement itself (ARCHITECTURE.md: an ORM query's overhead dominates). Here the
statements are built from the models' fields once per database and kept.

`select_models` loads model instances (and one related object each, as `select_related`
would) from a WHERE clause. `insert_rows` builds the INSERT for a model and a number of
rows. Values still go through each field's own conversion
(`pre_save`, then `get_db_prep_save`): defaults, `auto_now_add` and JSON behave as with the
ORM. The primary keys come back through RETURNING (SQLite 3.35+ and PostgreSQL) and are set
on the objects, as `bulk_create` does. Like `bulk_create`, it sends no signals and calls no
`save()`: use it only for models whose `save()` adds nothing.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

from django.db import connections, models, router
from django.db.models import Model

DEFAULT = "default"


def _converters(fields, connection) -> list[tuple[int, list, object]]:
    """The ORM's conversions of each column read (aware datetimes, JSON, booleans…)."""
    out = []
    for n, f in enumerate(fields):
        col = f.get_col(f.model._meta.db_table)
        found = connection.ops.get_db_converters(col) + f.get_db_converters(connection)
        if found:
            out.append((n, found, col))
    return out


@functools.lru_cache(maxsize=64)
def _select(model: type[Model], related: str, where: str, alias: str) -> tuple:
    connection = connections[alias]
    qn = connection.ops.quote_name
    opts = model._meta
    fields = list(opts.concrete_fields)
    columns = [f"t.{qn(f.column)}" for f in fields]
    join, theirs = "", []
    if related:
        field = opts.get_field(related)
        other = field.related_model._meta
        theirs = [f.attname for f in other.concrete_fields]
        columns += [f"r.{qn(f.column)}" for f in other.concrete_fields]
        join = (
            f" JOIN {qn(other.db_table)} r"
            f" ON r.{qn(field.target_field.column)} = t.{qn(field.column)}"
        )
        fields += list(other.concrete_fields)
    sql = f"SELECT {', '.join(columns)} FROM {qn(opts.db_table)} t{join} WHERE {where}"  # noqa: S608
    own = [f.attname for f in opts.concrete_fields]
    return own, theirs, sql, _converters(fields, connection)


def select_models(
    model: type[Model], where: str, params: Sequence, *, related: str = "", using: str = DEFAULT
) -> list[Model]:
    """Instances of `model` whose row meets `where` (SQL over the table's alias `t`, with
    %s parameters), each with its `related` foreign key loaded (an inner join)."""
    own, theirs, sql, converters = _select(model, related, where, using)
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        rows = cursor.fetchall()
    found = []
    n = len(own)
    other = model._meta.get_field(related).related_model if related else None
    for raw in rows:
        row = list(raw)
        for i, funcs, col in converters:
            for func in funcs:
                row[i] = func(row[i], col, connection)
        obj = model.from_db(using, own, row[:n])
        if other is not None:
            obj._state.fields_cache[related] = other.from_db(using, theirs, row[n:])
        found.append(obj)
    return found


#: Field classes whose database value is the Python value itself when it already has one
#: of these types (their `pre_save` only reads the attribute): no conversion is needed.
#: Exact classes only: a subclass may convert (encrypt, normalise…) in `get_prep_value`.
_PLAIN = {
    models.CharField: (str,),
    models.TextField: (str,),
    models.BooleanField: (bool,),
    models.IntegerField: (int,),
    models.BigIntegerField: (int,),
    models.SmallIntegerField: (int,),
    models.PositiveIntegerField: (int,),
    models.PositiveSmallIntegerField: (int,),
    models.PositiveBigIntegerField: (int,),
}
_AUTO = (models.AutoField, models.BigAutoField, models.SmallAutoField)


def _plain_types(field) -> tuple[type, ...] | None:
    if type(field) in (models.ForeignKey, models.OneToOneField):
        return (int,) if type(field.target_field) in _AUTO else None
    return _PLAIN.get(type(field))


@functools.lru_cache(maxsize=256)
def _statement(model: type[Model], rows: int, alias: str) -> tuple[tuple, str]:
    connection = connections[alias]
    opts = model._meta
    fields = tuple(
        f
        for f in opts.local_concrete_fields
        # An auto-increment key is the database's to give (it comes back by RETURNING).
        if not getattr(f, "db_returning", False) and not getattr(f, "generated", False)
    )
    if any(f.has_db_default() for f in fields):
        raise TypeError(f"{opts.label}: insert_rows does not handle database defaults")
    qn = connection.ops.quote_name
    columns = ", ".join(qn(f.column) for f in fields)
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    pk = f"{qn(opts.db_table)}.{qn(opts.pk.column)}"
    sql = (
        f"INSERT INTO {qn(opts.db_table)} ({columns}) VALUES "  # noqa: S608
        f"{', '.join([one] * rows)} RETURNING {pk}"
    )
    plain = tuple((f, f.attname, _plain_types(f)) for f in fields)
    return plain, sql


def placeholders(values) -> str:
    """`%s, %s, …`, one per value, for an IN list."""
    return ", ".join(["%s"] * len(values))


def select_one(
    model: type[Model], where: str, params: Sequence, *, related: str = "", using: str = DEFAULT
) -> Model | None:
    """The first instance `select_models` finds, or None."""
    found = select_models(model, where, params, related=related, using=using)
    return found[0] if found else None


def insert_rows(objs: Sequence[Model], *, using: str | None = None) -> Sequence[Model]:
    """Insert new, unsaved objects of one model in one statement; sets their primary keys."""
    if not objs:
        return objs
    model = type(objs[0])
    alias = using or router.db_for_write(model)
    connection = connections[alias]
    fields, sql = _statement(model, len(objs), alias)
    for obj in objs:  # as bulk_create: refuse unsaved related objects, copy their keys
        obj._prepare_related_fields_for_save(operation_name="insert_rows")
    params = []
    for obj in objs:
        for f, attname, plain in fields:
            value = getattr(obj, attname)
            if plain is None or (value is not None and type(value) not in plain):
                value = f.get_db_prep_save(f.pre_save(obj, True), connection)
            params.append(value)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        keys = [row[0] for row in cursor.fetchall()]
    for obj, key in zip(objs, keys, strict=True):
        obj.pk = key
        obj._state.adding = False
        obj._state.db = alias
    return objs
