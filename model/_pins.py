"""Written by ``python -m model train --ship``: the sha256 of the shipped default bundle."""

DEFAULT_SHA256 = "e39f98b16a20d22bc390f6940bcaac90846515b2cbe7e355510e72160df6032c"
