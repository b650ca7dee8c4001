"""Written by ``python -m model train --ship``: the sha256 of the shipped default bundle."""

DEFAULT_SHA256 = "0c95989cf437730dd1b1d5ec23a1b564b04ac7f44374085e19af41cdf4ef5d9f"
