"""Datasets: espeak-ng voices, two-voice dialogues and the synthetic dyadic corpus."""
