"""The gRPC service: sessions, the room, health and reflection, and a Python client."""
