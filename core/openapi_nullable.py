"""A nullable nested schema in the OpenAPI document is that schema or ``null`` — nothing
else (issue 15).

apispec (OpenAPI 3.0) writes ``fields.Nested(..., allow_none=True)`` as
``anyOf: [{$ref}, {type: object, nullable: true}]``, whose second branch accepts *any*
object, so a client (or Schemathesis) may send ``{"retirement": {"\\u001a": 1}}`` as valid
and get a 422. This attribute function narrows that branch to ``null`` alone.
"""

_LOOSE = {"type": "object", "nullable": True}
_NULL_ONLY = {"type": "object", "nullable": True, "enum": [None]}


def nullable_nested_property(self, field, ret, **kwargs) -> dict:
    """apispec attribute function: ``anyOf``'s any-object branch becomes ``null`` only."""
    branches = ret.get("anyOf")
    if not branches or _LOOSE not in branches:
        return {}
    return {"anyOf": [_NULL_ONLY if branch == _LOOSE else branch for branch in branches]}


def init_app(api) -> None:
    api.ma_plugin.converter.add_attribute_function(nullable_nested_property)
