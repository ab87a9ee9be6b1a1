"""plc-bot: a Discord bot that runs a professional learning community."""

__version__ = "0.1.0"
