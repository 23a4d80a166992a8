"""Talking Together: two people's live 3D performances from one shared room microphone."""

__version__ = "0.1.0"
