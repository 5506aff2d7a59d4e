"""The demo province as Python data: organizations, charters and their history.

Everything here is illustrative demo content written for onevisit. Organization names
follow the real naming of Zhejiang's Party and government organs after the 2018–2019
reform; functions, internal bodies, quotas, dates and document numbers are invented
(plausible, not authoritative).
"""
