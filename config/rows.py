"""Model instances from the columns of a hand-written statement, converted as the ORM converts them.

For the few hot statements written in SQL once per process (``bookings.services.locks``): a
``RowLoader`` names a model's columns under a table alias for the ``SELECT`` list, and turns that
slice of a result row into an instance exactly as a queryset would (the backend's and the fields'
converters: JSON text decoded, time zones applied), loaded from the database like any other.
"""

from django.db import DEFAULT_DB_ALIAS, connection, connections, models


class RowLoader:
    """The concrete columns of ``model`` under ``alias``, and instances made from their values."""

    def __init__(self, model: type[models.Model], alias: str):
        self.model = model
        fields = model._meta.concrete_fields
        self.width = len(fields)
        self.columns = ", ".join(f'{alias}."{field.column}"' for field in fields)
        self.attnames = [field.attname for field in fields]
        self._converters: dict[int, list] = {}  # by connection: each thread has its own
        self._cols = [field.get_col(alias) for field in fields]

    def converters(self) -> list[tuple[int, list, object]]:
        wrapper = connections[DEFAULT_DB_ALIAS]
        found = self._converters.get(id(wrapper))
        if found is None:
            found = []
            for index, col in enumerate(self._cols):
                functions = wrapper.ops.get_db_converters(col) + col.get_db_converters(wrapper)
                if functions:
                    found.append((index, functions, col))
            self._converters[id(wrapper)] = found
        return found

    def load(self, row, start: int = 0) -> models.Model:
        """The instance whose columns begin at ``row[start]``."""
        values = list(row[start : start + self.width])
        for index, functions, col in self.converters():
            for function in functions:
                values[index] = function(values[index], col, connection)
        return self.model.from_db(connection.alias, self.attnames, values)
