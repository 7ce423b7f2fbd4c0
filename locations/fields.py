"""A JSON list of words with a ``has`` lookup that is indexed on PostgreSQL and exact on SQLite."""

import json

from django.db import models


class WordListField(models.JSONField):
    """A list of strings stored as JSON; ``filter(tags__has="悬疑")`` keeps rows whose list holds the word."""


@WordListField.register_lookup
class Has(models.Lookup):
    lookup_name = "has"
    prepare_rhs = False

    def get_prep_lookup(self):
        return str(self.rhs)

    def process_rhs(self, compiler, connection):
        return "%s", [self.rhs]

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return (
            f"EXISTS (SELECT 1 FROM json_each({lhs}) WHERE json_each.value = %s)",
            [*lhs_params, self.rhs],
        )

    def as_postgresql(self, compiler, connection):
        # ``@>`` on jsonb is served by the GIN (jsonb_path_ops) index.
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} @> %s::jsonb", [*lhs_params, json.dumps([self.rhs], ensure_ascii=False)]
