"""Voice out with espeak-ng: a valid WAV in each language, and a clear message when espeak-ng is missing.

Skipped when espeak-ng is not installed, unless GENIE_REQUIRE_ESPEAK=1 (set by .ci/run, which installs it).
"""

from __future__ import annotations

import io
import os
import wave
from pathlib import Path

import pytest

from hub.interop import voice
from hub.interop.voice import SAMPLE_RATE, VoiceUnavailable, find_espeak, speak, synthesize
from tests.interop.conftest import InteropHome

REQUIRE = os.environ.get("GENIE_REQUIRE_ESPEAK") == "1"

REPLIES = {"zh": "好的，客厅的灯已打开。", "en": "OK, desk lamp brightness set to 30%.",
           "fr": "D'accord, la lampe de bureau est allumée."}


@pytest.fixture
def espeak() -> str:
    exe = find_espeak()
    if exe is None:
        if REQUIRE:
            pytest.fail("espeak-ng is required (GENIE_REQUIRE_ESPEAK=1) but not installed")
        pytest.skip("espeak-ng is not installed (apt-get install -y espeak-ng)")
    return exe


def wav_info(data: bytes) -> tuple[int, int, int, int]:
    """(sample rate, channels, sample width, frames) of a RIFF/WAVE file, which must be well formed."""
    assert data[:4] == b"RIFF" and data[8:12] == b"WAVE"
    assert int.from_bytes(data[4:8], "little") == len(data) - 8  # the RIFF size matches the file
    with wave.open(io.BytesIO(data)) as wav:
        return wav.getframerate(), wav.getnchannels(), wav.getsampwidth(), wav.getnframes()


@pytest.mark.parametrize("lang", ["zh", "en", "fr"])
async def test_a_reply_is_written_as_a_wav_in_its_language(espeak: str, lang: str, tmp_path: Path) -> None:
    path = tmp_path / f"reply-{lang}.wav"
    speech = await speak(REPLIES[lang], lang, wav=path, play=False)
    assert (speech.path, speech.played, speech.voice) == (path, False, voice.VOICES[lang])
    rate, channels, width, frames = wav_info(path.read_bytes())
    assert (rate, channels, width) == (SAMPLE_RATE, 1, 2)
    assert frames > SAMPLE_RATE // 2  # more than half a second of speech
    assert str(path) in speech.describe()


async def test_the_languages_sound_different(espeak: str) -> None:
    same_text = "123"
    wavs = {lang: await synthesize(same_text, lang) for lang in ("zh", "en", "fr")}
    assert len(set(wavs.values())) == 3  # three voices, not one
    for data in wavs.values():
        assert wav_info(data)[0] == SAMPLE_RATE


async def test_without_an_audio_output_the_reply_goes_to_the_data_directory(
        espeak: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(voice, "has_audio_output", lambda: False)
    speech = await speak("-v sounds like an option", "en")  # a reply starting with '-' is still text
    assert speech.path is not None and not speech.played
    assert speech.path.parent == Path(os.environ["GENIE_DATA_DIR"]) / "speech"
    assert wav_info(speech.path.read_bytes())[3] > 0


async def test_a_refusing_audio_output_falls_back_to_a_file(espeak: str, tmp_path: Path) -> None:
    fake = tmp_path / "espeak-ng"
    # A wrapper that fails whenever asked to play (no -w), as espeak-ng does without a sound server.
    fake.write_text(f'#!/bin/sh\ncase "$*" in *" -w "*) exec {espeak} "$@";; esac\n'
                    'echo "cannot open audio device" >&2; exit 1\n')
    fake.chmod(0o755)
    speech = await speak("hello", "en", play=True, espeak=str(fake))
    assert not speech.played and speech.path is not None and speech.path.exists()


async def test_without_espeak_the_error_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.delenv(voice.ESPEAK_ENV, raising=False)
    assert find_espeak() is None
    with pytest.raises(VoiceUnavailable, match="apt-get install espeak-ng"):
        await speak("你好", "zh", play=False)
    with pytest.raises(VoiceUnavailable, match="apt-get install espeak-ng"):
        await synthesize("hello", "en")


async def test_an_unknown_language_or_empty_text_is_refused() -> None:
    with pytest.raises(ValueError, match="supported: zh, en, fr"):
        await speak("hallo", "de")
    with pytest.raises(ValueError, match="nothing"):
        await speak("  ", "en")


@pytest.mark.e2e
@pytest.mark.parametrize(("text", "lang"), [("打开客厅的灯", "zh"), ("turn on the desk lamp", "en"),
                                            ("allume la lampe de bureau", "fr")])
async def test_the_hubs_reply_is_spoken_in_the_language_of_the_command(
        espeak: str, interop_home: InteropHome, text: str, lang: str, tmp_path: Path) -> None:
    """What ``genie say --speak`` does: the hub's reply, then espeak-ng in that reply's language."""
    result = await interop_home.hub.handle_text(text)
    assert result.ok and result.lang == lang, result.reply
    speech = await speak(result.reply, result.lang, wav=tmp_path / "reply.wav", play=False)
    assert speech.voice == voice.VOICES[lang]
    assert wav_info(speech.path.read_bytes())[0] == SAMPLE_RATE  # type: ignore[union-attr]
