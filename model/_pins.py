"""Written by ``python -m model train --ship``: the sha256 of the shipped default bundle."""

DEFAULT_SHA256 = "295c6a78dfae253be003f26ab66b654714d821203bbc9db46b9ea69b93609d54"
