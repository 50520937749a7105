"""One error tree (ARCHITECTURE.md "Errors"): every refusal descends from ``loyalty.exceptions.LoyaltyError``, lives
in its app's ``exceptions.py`` and carries a ``code`` defined on exactly one class."""

from __future__ import annotations

import importlib

from loyalty.exceptions import LoyaltyError

APPS = ("members", "points", "rewards")


def _tree() -> list[type[LoyaltyError]]:
    for app in APPS:
        importlib.import_module(f"{app}.exceptions")
    seen, stack = [], [LoyaltyError]
    while stack:
        cls = stack.pop()
        if cls not in seen:  # a class with two parents in the tree is reached twice
            seen.append(cls)
            stack.extend(cls.__subclasses__())
    return seen


def test_every_code_is_defined_once():
    owners: dict[str, list[str]] = {}
    for cls in _tree():
        if "code" in cls.__dict__:
            owners.setdefault(cls.__dict__["code"], []).append(cls.__qualname__)
    assert {code: names for code, names in owners.items() if len(names) > 1} == {}


def test_every_error_class_lives_in_an_exceptions_module():
    misplaced = [
        f"{cls.__module__}.{cls.__qualname__}" for cls in _tree() if cls.__module__.rpartition(".")[2] != "exceptions"
    ]
    assert misplaced == []


def test_each_app_hangs_its_tree_from_the_kernel_root():
    from members.exceptions import MembersError
    from points.exceptions import PointsError
    from rewards.exceptions import RewardsError

    for root in (MembersError, PointsError, RewardsError):
        assert root.__mro__[1] is LoyaltyError, root
