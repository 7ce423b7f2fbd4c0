"""Querysets built and compiled to SQL once per process, then run with new parameter values.

Building a queryset (``filter``, ``select_related``) and compiling it to SQL costs far more CPU than
running it: a scoped primary-key look-up spends ~1 ms in Django for a statement PostgreSQL answers in
~0.1 ms. ``CompiledQuery`` builds its queryset once with sentinel values in place of its parameters,
compiles it once, and afterwards runs the same SQL with the real values, turning rows into instances
through the ORM's own iterable (``select_related`` rows included). Only for querysets whose SQL has
the same shape whatever the values (no branching on them): the values must each reach the SQL
unchanged as exactly the parameters they stand for, or the query is not compiled and ``run`` answers
None (the caller takes the ordinary path).
"""

import copy
import threading
import weakref
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from django.db import connections
from django.db.models import QuerySet

#: sentinel parameter values: integers no real id takes, instants long before any booking
_SENTINEL = -7_340_000_000_000_000_000
_SENTINEL_AT = datetime(1901, 1, 1, tzinfo=UTC)


def _sentinel(kind: type, index: int):
    return _SENTINEL - index if kind is int else _SENTINEL_AT + timedelta(seconds=index)


class CompiledQuery:
    """``build(**values)`` compiled once; ``run(**values)`` is its result list (None: not compilable).

    ``kinds`` names each value and its type: ``int`` or ``datetime`` (an aware one).
    """

    def __init__(self, build: Callable[..., QuerySet], **kinds: type):
        self.build = build
        self.kinds = kinds
        self._lock = threading.Lock()
        self._compiled = None  # (queryset, compiler, sql, params, slots) or False when not compilable
        self._shapes = weakref.WeakKeyDictionary()  # connection -> (converters, composite) of the select

    def _compile(self):
        sentinels = {name: _sentinel(kind, index) for index, (name, kind) in enumerate(self.kinds.items())}
        queryset = self.build(**sentinels)
        compiler = queryset.query.get_compiler(using=queryset.db)
        sql, params = compiler.as_sql()
        slots = {}
        by_value = {(type(value), value): name for name, value in sentinels.items()}
        for index, value in enumerate(params):
            if (type(value), value) in by_value:
                slots[index] = by_value[type(value), value]
        if set(slots.values()) != set(self.kinds) or connections[queryset.db].vendor != "postgresql":
            return False
        return queryset, compiler, sql, tuple(params), slots

    def run(self, **values) -> list | None:
        if self._compiled is None:
            with self._lock:
                if self._compiled is None:
                    self._compiled = self._compile()
        if self._compiled is False:
            return None
        queryset, compiler, sql, params, slots = self._compiled
        bound = list(params)
        for index, name in slots.items():
            bound[index] = values[name]
        mine = copy.copy(compiler)  # the compiled select and its row layout, shared read-only
        connection = connections[queryset.db]
        mine.connection = connection  # this thread's connection, not the compiling one's
        mine.as_sql = lambda *args, **kwargs: (sql, tuple(bound))
        # What the row iterables ask of the select's columns on every run, answered once per connection
        # (the select is always the same): their converters, and whether any is a composite key.
        shape = self._shapes.get(connection)
        if shape is None:
            columns = [column for column, *_rest in compiler.select[: compiler.col_count]]
            shape = (mine.get_converters(columns), mine.has_composite_fields(columns))
            self._shapes[connection] = shape
        converters, composite = shape
        mine.get_converters = lambda expressions: converters
        mine.has_composite_fields = lambda expressions: composite
        chained = queryset._chain()  # its own query, asking for this compiler
        chained.query.get_compiler = lambda *args, **kwargs: mine
        return list(chained)


class CompiledInsert:
    """``instance.save()`` of a new ``model`` instance, by an ``INSERT`` the ORM compiles once per process.

    Saving a new instance builds an insert query and compiles it every time, though its SQL is always the
    same (one placeholder a column): ``save`` sends that SQL with the values the compiler would send
    (each field's ``pre_save(instance, add=True)`` prepared by ``get_db_prep_save``, in the same order,
    so ``auto_now`` fields get their times as before) and sets the returned primary key, the instance's
    ``_state`` and its related fields' ids as ``Model.save`` does. Anything outside that case takes
    ``instance.save()`` itself: an instance already saved or with deferred fields, a value that is an
    expression (a database default), ``pre_save``/``post_save`` receivers for the model, a model with
    parents or ``order_with_respect_to``, and any backend but PostgreSQL.
    """

    def __init__(self, model: type):
        self.model = model
        self._lock = threading.Lock()
        self._compiled = None  # (sql, fields, attnames, primary key, database) or False when not compilable

    def _compile(self):
        from django.db import router
        from django.db.models import sql as sql_queries

        meta = self.model._meta
        using = router.db_for_write(self.model)
        connection = connections[using]
        fields = [field for field in meta.local_concrete_fields if not field.generated]
        fields = [field for field in fields if field is not meta.auto_field]
        returning = meta.db_returning_fields
        if (
            connection.vendor != "postgresql"
            or meta.parents
            or meta.order_with_respect_to
            or meta.auto_field is None
            or returning != [meta.auto_field]
            or any(field.has_db_default() or hasattr(field, "get_placeholder") for field in fields)
            or connection.ops.get_db_converters(meta.auto_field.get_col(meta.db_table))
            or meta.auto_field.get_db_converters(connection)
        ):
            return False
        query = sql_queries.InsertQuery(self.model)
        query.insert_values(fields, [self.model()])
        compiler = query.get_compiler(using=using)
        compiler.returning_fields = returning
        ((sql, params),) = compiler.as_sql()
        if len(params) != len(fields) or sql.count("%s") != len(fields):
            return False
        return sql, fields, frozenset(field.attname for field in fields), meta.auto_field, using

    def save(self, instance) -> None:
        from django.db import router, transaction
        from django.db.models.signals import post_save, pre_save

        if self._compiled is None:
            with self._lock:
                if self._compiled is None:
                    self._compiled = self._compile()
        compiled = self._compiled
        model = type(instance)
        if (
            compiled is False
            or model is not self.model
            or not instance._state.adding
            or instance.pk is not None
            or not compiled[2] <= instance.__dict__.keys()
            or pre_save.has_listeners(model)
            or post_save.has_listeners(model)
        ):
            instance.save()
            return
        sql, fields, _attnames, pk_field, compiled_for = compiled
        if any(hasattr(instance.__dict__[field.attname], "resolve_expression") for field in fields):
            instance.save()
            return
        instance._prepare_related_fields_for_save(operation_name="save")
        using = router.db_for_write(model, instance=instance)
        if using != compiled_for:
            instance.save()
            return
        connection = connections[using]
        params = [
            field.get_db_prep_save(field.pre_save(instance, True), connection=connection) for field in fields
        ]
        with transaction.mark_for_rollback_on_error(using=using), connection.cursor() as cursor:
            cursor.execute(sql, params)
            (pk,) = cursor.fetchone()
        setattr(instance, pk_field.attname, pk)
        instance._state.db = using
        instance._state.adding = False
