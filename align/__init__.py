"""align: German→English translation, alignment and figure checking on a CPU."""

__version__ = "0.2.0"
