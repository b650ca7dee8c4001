"""Written by ``python -m model train --ship``: the sha256 of the shipped default bundle."""

DEFAULT_SHA256 = "1d3516b8519a457158585dbaa7c115667d8ca6fb3c8bf2ffe27449cd854825b4"
