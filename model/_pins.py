"""Written by ``python -m model train --ship``: the sha256 of the shipped default bundle."""

DEFAULT_SHA256 = "5cfef8646955736956727411779f1816f8fc020f5251d0e275bf68e506ddd5f4"
