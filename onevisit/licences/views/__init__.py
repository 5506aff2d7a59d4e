"""Pages of the licence vault (namespace "licences"): the holder's vault, the printable
licence with its QR code, the access log ("who used my data") and consents; the public
verification of an exported licence or of a printed licence's QR link, and the published
key set.

Views parse input and render; reads go through `selectors`, writes through `services`.
Another holder's licence or consent is a 404; a refusal is shown next to its form with
the domain error's message and a 4xx status, never a 500.
"""

from .consents import consent_withdraw, consents
from .vault import access_log, licence_export, licence_page, vault
from .verify import keys, verify, verify_link

__all__ = [
    "access_log",
    "consent_withdraw",
    "consents",
    "keys",
    "licence_export",
    "licence_page",
    "vault",
    "verify",
    "verify_link",
]
