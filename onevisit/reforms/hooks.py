"""Hooks run at the end of a plan's application, inside its transaction.

The registry app applies what it knows (organizations, charters, staff); later domains
move what hangs on those organizations — duties, service items, open cases — by registering
a hook from their AppConfig.ready(), without this app knowing about them:

    @register_apply_hook("duties")
    def move_duties(*, actor, plan, simulation, orgs_by_ref): ...

`orgs_by_ref` maps every reference of the simulation (an organization id, or the "new:…" key
of one the plan establishes) to the Organization row as it now stands. A hook that raises
rolls the whole application back.
"""

from __future__ import annotations

from collections.abc import Callable

ApplyHook = Callable[..., None]
_hooks: dict[str, ApplyHook] = {}


def register_apply_hook(name: str) -> Callable[[ApplyHook], ApplyHook]:
    """Decorator: run the function after every plan's application."""

    def decorator(func: ApplyHook) -> ApplyHook:
        _hooks[name] = func
        return func

    return decorator


def run_apply_hooks(*, actor, plan, simulation, orgs_by_ref: dict) -> None:
    for hook in list(_hooks.values()):
        hook(actor=actor, plan=plan, simulation=simulation, orgs_by_ref=orgs_by_ref)
