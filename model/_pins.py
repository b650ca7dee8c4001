"""Written by ``python -m model train --ship``: the sha256 of the shipped default bundle."""

DEFAULT_SHA256 = "5c3920d51fd0a23b46e307cd8456842673bbe54ca420f3e6ad2773712130fd96"
