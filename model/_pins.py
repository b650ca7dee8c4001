"""Written by ``python -m model train --ship``: the sha256 of the shipped default bundle."""

DEFAULT_SHA256 = "6a98687c422180fd9590f40e5667edd00575578249bc262d7e0393d2e38a7d1d"
