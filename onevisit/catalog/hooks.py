"""Hooks run when what the public sees of the catalog changes (a version published, an
item withdrawn or transferred, a bundle published), inside the change's transaction.

The catalog does not know who listens; the portal registers its search indexer from its
AppConfig.ready():

    @register_change_hook("portal")
    def reindex(*, items, bundles): ...
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

ChangeHook = Callable[..., None]
_hooks: dict[str, ChangeHook] = {}


def register_change_hook(name: str) -> Callable[[ChangeHook], ChangeHook]:
    """Decorator: run the function after every public change of the catalog."""

    def decorator(func: ChangeHook) -> ChangeHook:
        _hooks[name] = func
        return func

    return decorator


def catalog_changed(*, items: Iterable = (), bundles: Iterable = ()) -> None:
    """Tell the listeners which items and bundles changed."""
    items, bundles = list(items), list(bundles)
    for hook in _hooks.values():
        hook(items=items, bundles=bundles)
