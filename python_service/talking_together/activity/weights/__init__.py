"""The voice counter's trained weights (activity/overlap.py), shipped as package data: no download."""
