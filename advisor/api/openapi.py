"""OpenAPI descriptions that come from data: the answers object is described from the
question rows, so a question staff add in the admin appears in the schema too."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.openapi import AutoSchema

from patterns.answers import MAX_TEXT_LENGTH
from patterns.engine import Engine
from patterns.store import live_or_shipped_engine


def schema_engine() -> Engine:
    """The live catalogue; the shipped one while the database is not set up yet.

    The schema is also built by `manage.py check` (drf-spectacular's system check), which
    runs before `migrate` on a new deployment.
    """
    return live_or_shipped_engine()


def _number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


def answers_schema(engine: Engine) -> dict[str, Any]:
    properties: dict[str, Any] = {}
    for question in engine.questions:
        if question.type == "bool":
            schema: dict[str, Any] = {"type": "boolean"}
        elif question.type in ("int", "number"):
            schema = {"type": "integer" if question.type == "int" else "number"}
            if question.min is not None:
                schema["minimum"] = _number(question.min)
            if question.max is not None:
                schema["maximum"] = _number(question.max)
        elif question.type == "choice":
            schema = {"type": "string", "enum": [choice.value for choice in question.choices]}
        else:
            schema = {"type": "string", "maxLength": MAX_TEXT_LENGTH}
        if question.nullable:
            schema["nullable"] = True
        schema["description"] = question.label
        properties[question.key] = schema
    return {
        "type": "object",
        "properties": properties,
        "additionalProperties": False,
        "description": "Answers about the workload; keys left out take their default.",
    }


class ApiSchema(AutoSchema):
    """Path ids are whole numbers from 0 up, as the URL patterns' ``int`` converter accepts."""

    def _resolve_path_parameters(self, variables):
        parameters = super()._resolve_path_parameters(variables)
        for parameter in parameters:
            if parameter["schema"].get("type") == "integer":
                parameter["schema"] = {**parameter["schema"], "minimum": 0}
        return parameters


class AnswersFieldExtension(OpenApiSerializerFieldExtension):
    target_class = "advisor.api.serializers.AnswersField"

    def map_serializer_field(self, auto_schema, direction):
        return answers_schema(schema_engine())


class AnswersBodySchema(ApiSchema):
    """For endpoints whose whole request body is an answers object."""

    def get_request_serializer(self):
        return {"application/json": answers_schema(schema_engine())}
