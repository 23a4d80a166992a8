"""`talking-together demo --voices`: real LibriSpeech test readers by default, espeak when the data is missing."""

from __future__ import annotations

import logging
import os

import pytest

from talking_together import demo
from talking_together.data import real_speech as rs
from talking_together.data.espeak import Voice


def test_real_voices_are_librispeech_test_readers():
    try:
        rs.root_dir()
    except FileNotFoundError as exc:
        if os.environ.get("CI"):
            pytest.fail(str(exc))
        pytest.skip(str(exc))
    test_ids = {r.id for r in rs.readers("test")}
    d = demo.choose_demo_dialogue("real")
    assert all(isinstance(v, str) and v.startswith("librispeech:") for v in d.voices)
    ids = [v.split(":", 1)[1] for v in d.voices]
    assert set(ids) <= test_ids and ids[0] != ids[1]
    genders = {r.id: r.gender for r in rs.readers("test")}
    assert sorted(genders[i] for i in ids) == ["F", "M"]
    assert {s for s, *_ in d.turns} == {0, 1} and 15.0 <= d.duration_s <= 40.0


def test_falls_back_to_espeak_with_a_warning(monkeypatch, tmp_path, caplog):
    missing = tmp_path / "no-real-speech"
    monkeypatch.setenv(rs.ENV_ROOT, str(missing))
    with caplog.at_level(logging.WARNING, logger=demo.__name__):
        d = demo.choose_demo_dialogue("real")
    assert all(isinstance(v, Voice) for v in d.voices)
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings and str(missing) in warnings[0].getMessage() and "espeak" in warnings[0].getMessage()


def test_voices_option_defaults_to_real():
    from talking_together.cli import build_parser

    assert build_parser().parse_args(["demo"]).voices == "real"
    assert build_parser().parse_args(["demo", "--voices", "espeak"]).voices == "espeak"
    with pytest.raises(SystemExit):
        build_parser().parse_args(["demo", "--voices", "tts"])
