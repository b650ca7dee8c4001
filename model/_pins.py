"""Written by ``python -m model train --ship``: the sha256 of the shipped default bundle."""

DEFAULT_SHA256 = "a2537f17354fd68b3642554c173c8a5226f847a660dc5d83e893eca1409b4721"
