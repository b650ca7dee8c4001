"""Written by ``python -m model train --ship``: the sha256 of the shipped default bundle."""

DEFAULT_SHA256 = "c228ae2b2186b5a215b0e4516d90208b17a01550d412a087c1aa61e31096d9b4"
