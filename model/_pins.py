"""Written by ``python -m model train --ship``: the sha256 of the shipped default bundle."""

DEFAULT_SHA256 = "ad324574502f9fa5a20d943923b658db9edd0334730d7c6811d1b1c6221d93e8"
