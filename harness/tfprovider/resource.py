"""The base classes a resource or data source of the stand-in provider implements."""

from __future__ import annotations

from typing import Any, ClassVar

from harness.tfprovider.context import Context, ProviderError
from harness.tfprovider.schema import Block
from harness.tfprovider.values import UNKNOWN

State = dict[str, Any]


class Resource:
    """CRUD against the API; ``read`` returns None when the object is gone."""

    type_name: ClassVar[str]
    schema: ClassVar[Block]
    schema_version: ClassVar[int] = 0
    """The state schema version the real provider declares (Terraform stores it in state)."""
    unsupported: ClassVar[dict[str, str]] = {}
    """Arguments declared (they are hashicorp/aws's) whose non-empty values the stand-in cannot honour."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def check_supported(self, planned: State) -> None:
        """Refuse, naming it, a value the stand-in would otherwise ignore (never silently)."""
        for name, why in self.unsupported.items():
            if planned.get(name) not in (None, False, [], {}, "", UNKNOWN):
                raise ProviderError(
                    f"{self.type_name}.{name} is not implemented by the stand-in provider", why
                )

    def create(self, planned: State) -> State:
        raise NotImplementedError

    def read(self, state: State) -> State | None:
        raise NotImplementedError

    def update(self, prior: State, planned: State) -> State:
        raise NotImplementedError

    def delete(self, state: State) -> None:
        raise NotImplementedError

    def plan(self, prior: State | None, planned: State) -> State:
        """Adjust a plan: by default, the region and ``tags_all`` (``tags`` + default tags)."""
        if self.schema.attr("region") is not None and planned.get("region") in (None, UNKNOWN):
            planned["region"] = self.ctx.region
        if self.schema.attr("tags_all") is not None:
            tags = planned.get("tags")
            planned["tags_all"] = UNKNOWN if tags is UNKNOWN else self.ctx.tags_all(tags)
        return planned

    def equivalent(self, name: str, prior: Any, fresh: Any, state: State) -> bool:
        """Whether ``fresh`` (read back, or planned; ``state`` is all of it) means the same as
        ``prior``: the real provider's DiffSuppressFunc for this attribute."""
        return False

    # helpers for subclasses -----------------------------------------------------------
    def tags_for_api(self, state: State) -> dict[str, str]:
        return self.ctx.tags_all(state.get("tags"))

    def split_tags(
        self, prior: State, api_tags: dict[str, str]
    ) -> tuple[dict[str, str] | None, dict[str, str]]:
        """(tags, tags_all) from what the API holds, as the real provider splits them."""
        visible = {k: v for k, v in api_tags.items() if not k.startswith("aws:")}
        own = prior.get("tags") or {}
        tags = {k: v for k, v in visible.items() if k in own or self.ctx.default_tags.get(k) != v}
        return (tags if tags or prior.get("tags") is not None else None), visible


class DataSource:
    type_name: ClassVar[str]
    schema: ClassVar[Block]

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def read(self, config: State) -> State:
        raise NotImplementedError


def tag_list(tags: dict[str, str], key: str = "Key", value: str = "Value") -> list[dict[str, str]]:
    return [{key: k, value: v} for k, v in sorted(tags.items())]


def tag_dict(
    items: list[dict[str, str]] | None, key: str = "Key", value: str = "Value"
) -> dict[str, str]:
    return {t[key]: t[value] for t in items or []}


_ZERO: tuple[Any, ...] = (None, "", False)  # 0 == False


def same_block(a: Any, b: Any) -> bool:
    """Whether two objects of a block or a set differ at most by zero vs null values (SDK v2
    keeps an unset number, string or bool there as its zero value: both mean unset)."""
    if not (isinstance(a, dict) and isinstance(b, dict)):
        return False
    return all(a.get(k) == b.get(k) or (a.get(k) in _ZERO and b.get(k) in _ZERO)
               for k in set(a) | set(b))  # fmt: skip


def same_objects(a: Any, b: Any) -> bool:
    """Two lists of objects (a set attribute) equal under :func:`same_block`, in any order."""
    if not (isinstance(a, list) and isinstance(b, list)) or len(a) != len(b):
        return False
    return all(any(same_block(x, y) for y in b) for x in a)
