"""API of the institutional registry."""

from ninja import Router

router = Router(tags=["organizations"])
