"""MCAP recording of sessions, their inspection, and a replay server with the live API (docs/replay.md)."""
