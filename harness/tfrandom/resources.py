"""``random_password`` and ``random_string``, as hashicorp/random 3.7.2 declares and plans them.

Both are plugin-framework resources: every argument has ``RequiresReplace`` (a change makes a
new value), the optional ones are also computed with the documented defaults, and the value
never changes on read (there is no API: the state is the object).
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import string
from typing import Any, ClassVar

from harness.tfprovider.context import ProviderError
from harness.tfprovider.resource import Resource, State
from harness.tfprovider.schema import BOOL, NUMBER, STRING, STRING_MAP, Attr, block, comp

DEFAULT_SPECIAL = "!@#$%&*()-_=+[]{}<>:?"
"""The provider's special characters when ``override_special`` is not set (its docs)."""


def _optd(name: str, type_: Any, default: Any) -> Attr:
    """Optional and computed with a default, and RequiresReplace (framework style)."""
    return Attr(name, type_, optional=True, computed=True, force_new=True, default=default)


def _arguments() -> tuple[Attr, ...]:
    return (
        Attr("keepers", STRING_MAP, optional=True, force_new=True),
        Attr("length", NUMBER, required=True, force_new=True),
        _optd("special", BOOL, True),
        _optd("upper", BOOL, True),
        _optd("lower", BOOL, True),
        _optd("number", BOOL, True),
        _optd("numeric", BOOL, True),
        _optd("min_numeric", NUMBER, 0),
        _optd("min_upper", NUMBER, 0),
        _optd("min_lower", NUMBER, 0),
        _optd("min_special", NUMBER, 0),
        Attr("override_special", STRING, optional=True, force_new=True),
        comp("id", STRING),
    )


def generate(config: State) -> str:
    """A value meeting ``config``'s length and minimum counts (the provider's algorithm:
    the minimums first, then the rest from every enabled class, then shuffled)."""
    special = config.get("override_special")
    numeric = config.get("numeric") is not False and config.get("number") is not False
    classes = [
        (config.get("upper") is not False, string.ascii_uppercase, config.get("min_upper")),
        (config.get("lower") is not False, string.ascii_lowercase, config.get("min_lower")),
        (numeric, string.digits, config.get("min_numeric")),
        (config.get("special") is not False, DEFAULT_SPECIAL if special is None else special,
         config.get("min_special")),
    ]  # fmt: skip
    length = int(config["length"])
    chosen = [
        secrets.choice(chars) for on, chars, n in classes if chars for _ in range(int(n or 0))
    ]
    pool = "".join(chars for on, chars, _ in classes if on)
    if len(chosen) > length or not pool:
        raise ProviderError("length is less than the sum of the minimums, or no class is enabled")
    chosen += [secrets.choice(pool) for _ in range(length - len(chosen))]
    secrets.SystemRandom().shuffle(chosen)
    return "".join(chosen)


class RandomString(Resource):
    type_name = "random_string"
    schema_version: ClassVar[int] = 2
    schema = block(*_arguments(), comp("result", STRING))

    def plan(self, prior: State | None, planned: State) -> State:
        return planned  # no region, no tags

    def create(self, planned: State) -> State:
        value = generate(planned)
        return {**planned, "id": self.identity(value), "result": value}

    def identity(self, value: str) -> str:
        return value  # the provider's id for a string is the result itself

    def read(self, state: State) -> State | None:
        return state

    def update(self, prior: State, planned: State) -> State:
        return {**planned, "id": prior["id"], "result": prior["result"]}

    def delete(self, state: State) -> None:
        return None


class RandomPassword(RandomString):
    type_name = "random_password"
    schema_version: ClassVar[int] = 3
    schema = block(
        *_arguments(),
        Attr("result", STRING, computed=True, sensitive=True),
        Attr("bcrypt_hash", STRING, computed=True, sensitive=True),
    )

    def identity(self, value: str) -> str:
        return "none"  # the provider never shows a password in its id

    def create(self, planned: State) -> State:
        out = super().create(planned)
        out["bcrypt_hash"] = _hash(out["result"])
        return out

    def update(self, prior: State, planned: State) -> State:
        return {**super().update(prior, planned), "bcrypt_hash": prior.get("bcrypt_hash")}


def _hash(value: str) -> str:
    """A stand-in for the bcrypt hash (no bcrypt here): salted, one-way, bcrypt's ``$2a$10$``
    shape; nothing in the harness verifies it."""
    salt = secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", value.encode(), salt, 1000)
    return "$2a$10$" + base64.b64encode(salt + digest).decode()[:53]


RESOURCES: list[type[Resource]] = [RandomString, RandomPassword]
