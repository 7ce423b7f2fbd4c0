"""Workflows as declared tables, run by one runner.

A workflow is a table: for each action, the states it starts from, the state it leads to, and the
event it records. ``Workflow.run`` is the one place that does what every transition does, in one
transaction, in this order:

1. ask who acts before anything is locked (``admit``: their role in the object's organisation, which
   a row lock would not change), then check the request's own input (``prepare``, given by the service),
2. lock the object (``lock``: the workflow's lock order, e.g. the set before the booking),
3. let the workflow step in before anything is checked (``intercept``: a hold whose time ran out is
   expired and the request answered 409 *after* the expiry is committed),
4. check who acts on the locked object (``authorize``: e.g. its assignee) and its state against the
   table (``refuse`` words the 409),
5. apply the action's own work (a function given by the service: its checks and the fields it sets),
   move to the target state (``move``: by default, set the field) and save (``subject``: the object
   that moves, the locked one unless the action made another, e.g. a next version),
6. record what happened (``record``: the history row, the event and its messages).

The table is data, so the API's actions, the admin's buttons and the pages are checked against it
(``tests/test_workflows.py``), and ``docs/workflows.md`` is printed from it.

Why not django-fsm-2 (or viewflow's FSM): they keep the transition on the model instance and check
the source state on the in-memory object, with no row lock; ours must lock rows in a fixed order,
re-read the state under the lock, expire a lapsed hold and commit that before refusing, and record the
outbox event in the same transaction. Their ``@transition`` decorator would cover step 4 only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Transition:
    """One row of a workflow's table."""

    action: str
    sources: frozenset
    #: the state the action leads to; None: the object stays in its state (e.g. a booking moved in time)
    target: str | None = None
    #: the event recorded (None: none, or the workflow's ``record`` decides)
    event: str | None = None
    #: False for what only the system does (a sweep expiring holds): no person's button or API action
    by_person: bool = True

    def __post_init__(self):
        object.__setattr__(self, "sources", frozenset(self.sources))


def transitions(*rows: Transition) -> dict[str, Transition]:
    return {row.action: row for row in rows}


#: every workflow declared (each app's ``workflow`` module makes its one instance)
WORKFLOWS: list[Workflow] = []


def all_workflows() -> list[Workflow]:
    """Every workflow of the installed apps (their ``workflow`` modules imported)."""
    from importlib import import_module
    from importlib.util import find_spec

    from django.apps import apps

    for config in apps.get_app_configs():
        if find_spec(f"{config.name}.workflow") is not None:
            import_module(f"{config.name}.workflow")
    return list(WORKFLOWS)


class Workflow:
    """The table of one model's states and the runner over it; subclasses fill in the steps."""

    name: str = ""
    field: str = "status"
    table: dict[str, Transition] = {}

    def __init__(self):
        WORKFLOWS.append(self)

    # -- the table ---------------------------------------------------------------------------------

    def transition(self, action: str) -> Transition:
        return self.table[action]

    def actions_from(self, state: str, *, by_person: bool = True) -> list[str]:
        """The actions the table allows from ``state`` (for buttons and pages)."""
        return [
            row.action
            for row in self.table.values()
            if state in row.sources and (row.by_person or not by_person)
        ]

    def actions_from_any(self, *, by_person: bool = True) -> list[str]:
        """Every action of the table (with ``by_person``, only those a person may take)."""
        return [row.action for row in self.table.values() if row.by_person or not by_person]

    def rows(self) -> Iterable[tuple[str, str, str | None]]:
        """(state, action, next state) for every entry of the table, in declaration order."""
        for row in self.table.values():
            for source in sorted(row.sources):
                yield source, row.action, row.target

    def allows(self, obj, action: str) -> bool:
        return getattr(obj, self.field) in self.table[action].sources

    # -- the steps, for subclasses -----------------------------------------------------------------

    def atomic(self):
        from config.locking import locked_transaction

        return locked_transaction()

    def admit(self, obj, row: Transition, by) -> None:
        """Raise unless ``by`` may ask for ``row.action`` at all (before the lock, on the object as given)."""

    def lock(self, obj, row: Transition):
        """The object, re-read under its row lock (and whatever must be locked before it)."""
        from config.locking import lock

        return lock(type(obj), obj.pk)

    def intercept(self, obj, row: Transition, now: datetime) -> Exception | None:
        """An error to raise once the transaction has committed what this step wrote, or None to go on."""
        return None

    def authorize(self, obj, row: Transition, by) -> None:
        """Raise unless ``by`` may do ``row.action`` on ``obj``."""

    def refuse(self, obj, row: Transition) -> Exception:
        """The error for an action the object's state does not allow."""
        raise NotImplementedError

    def check(self, obj, row: Transition) -> None:
        if getattr(obj, self.field) not in row.sources:
            raise self.refuse(obj, row)

    def subject(self, obj, row: Transition, details: dict):
        """The object that moves to the target state, saved and recorded: ``obj``, or one ``apply`` made."""
        return obj

    def move(self, obj, row: Transition, now: datetime) -> dict | None:
        """Put ``obj`` in ``row.target``; return details for the record (or None)."""
        setattr(obj, self.field, row.target)
        return None

    def save(self, obj, row: Transition, fields: list[str] | None) -> None:
        obj.save(update_fields=fields)

    def record(self, obj, row: Transition, *, by, now: datetime, source: str, details: dict) -> None:
        """Write the history row and the event of a transition that happened."""

    # -- what the system moves in bulk ---------------------------------------------------------------

    def bulk(self, action: str, queryset, **changes) -> int:
        """Move every row of ``queryset`` in one of ``action``'s source states to its target, in one UPDATE.

        For what the system does to many rows as a side effect of another transition (a scene scheduled
        when a stop lists it, shot when its day wraps): no per-row history and no event of its own (the
        transition that caused it records one). The table still decides which states move and where.
        """
        row = self.table[action]
        assert not row.by_person, f"{self.name}: {action} is a person's action; run it"
        return queryset.filter(**{f"{self.field}__in": row.sources}).update(
            **{self.field: row.target}, **changes
        )

    # -- the runner --------------------------------------------------------------------------------

    def run(
        self,
        action: str,
        obj,
        *,
        by,
        now: datetime,
        prepare: Callable[[object], None] | None = None,
        apply: Callable[[object], dict | None] | None = None,
        fields: Iterable[str] | None = (),
    ):
        """Do ``action`` on ``obj``: lock, check, apply, move to the target state, record; return the object.

        ``prepare(obj)`` checks the request before anything is locked (once ``admit`` let ``by`` ask).
        ``apply(obj)`` does the action's own work on the locked object, still in its old state: its checks
        (raising refuses everything) and the fields it sets; it returns details for the record (or None).
        The runner then moves the object (``subject``: the locked one, unless the workflow says ``apply``
        made the one that moves) to the target state and saves the state field, ``fields`` and
        ``updated_at`` where the model keeps one (``fields=None``: the whole row), and returns it.
        """
        row = self.table[action]
        deferred = None
        with self.atomic():
            self.admit(obj, row, by)
            if prepare is not None:
                prepare(obj)
            obj = self.lock(obj, row)
            deferred = self.intercept(obj, row, now)
            if deferred is None:
                self.authorize(obj, row, by)
                self.check(obj, row)
                source = getattr(obj, self.field)
                details = (apply(obj) if apply is not None else None) or {}
                obj = self.subject(obj, row, details)
                if row.target is not None:
                    details = {**details, **(self.move(obj, row, now) or {})}
                self.save(obj, row, None if fields is None else [self.field, *fields, *_touched(obj)])
                self.record(obj, row, by=by, now=now, source=source, details=details)
        if deferred is not None:
            raise deferred
        return obj


def _touched(obj) -> list[str]:
    """``updated_at``, when the model keeps one (saved along with every transition)."""
    return ["updated_at"] if any(f.name == "updated_at" for f in obj._meta.concrete_fields) else []


def markdown(workflow: Workflow) -> str:
    """The workflow's table as Markdown (``docs/workflows.md`` holds it; a test keeps the two equal)."""
    lines = [f"### {workflow.name}", "", "| from | action | to | event |", "|---|---|---|---|"]
    for row in workflow.table.values():
        target = f"`{row.target}`" if row.target is not None else "(unchanged)"
        who = "" if row.by_person else " (system)"
        event = f"`{row.event}`" if row.event else ""
        sources = ", ".join(f"`{source}`" for source in sorted(row.sources))
        lines.append(f"| {sources} | `{row.action}`{who} | {target} | {event} |")
    return "\n".join(lines) + "\n"
