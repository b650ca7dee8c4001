"""Written by ``python -m model train --ship``: the sha256 of the shipped default bundle."""

DEFAULT_SHA256 = "e7b8459b2e2bea9dc760af489502abf75cf67b0661324276b0664480f2fc99fb"
