"""The index result as plain data: the JSON object of `indeks calc --format json` and of the REST API."""

from __future__ import annotations

from typing import Any

from indeks.core.engine import IndexResult, NodeValue
from indeks.core.numbers import exact_str


def node_json(node: NodeValue) -> dict[str, str]:
    """One domain or aspect: code, name, exact and shown value (strings with a decimal point), predicate."""
    return {
        "code": node.code,
        "name": node.name,
        "exact": exact_str(node.exact),
        "value": format(node.value, "f"),
        "predicate": node.predicate.name,
    }


def result_json(result: IndexResult) -> dict[str, Any]:
    """The contract object: framework, index, domains, aspects, filled_in."""
    index = node_json(result.index)
    return {
        "framework": result.framework.id,
        "index": {key: index[key] for key in ("exact", "value", "predicate")},
        "domains": [node_json(d) for d in result.domains],
        "aspects": [node_json(a) for a in result.aspects],
        "filled_in": list(result.filled_in),
    }
