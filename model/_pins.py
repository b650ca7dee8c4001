"""Written by ``python -m model train --ship``: the sha256 of the shipped default bundle."""

DEFAULT_SHA256 = "4fcad855aec881f4023e8a5f58cf736b7e0ae5eb688cba3e24e333517bafb985"
