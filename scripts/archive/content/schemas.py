"""JSON Schema checks: fastjsonschema's compiled yes/no for every value, jsonschema's detailed errors
only for the values that fail (jsonschema words them; it is imported only then)."""

from __future__ import annotations

import fastjsonschema


class Checker:
    """One schema: `errors(data)` is empty at the cost of the compiled check when `data` is valid."""

    def __init__(self, schema: dict):
        self.schema = schema
        self._check = fastjsonschema.compile(schema)
        self._explainer = None

    def is_valid(self, data) -> bool:
        try:
            self._check(data)
        except fastjsonschema.JsonSchemaException:
            return False
        return True

    def errors(self, data) -> list:
        """jsonschema's errors (Draft 2020-12), in its order."""
        if self.is_valid(data):
            return []
        if self._explainer is None:
            from jsonschema import Draft202012Validator

            self._explainer = Draft202012Validator(self.schema)
        return list(self._explainer.iter_errors(data))
