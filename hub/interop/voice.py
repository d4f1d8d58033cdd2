"""Voice out: speak the hub's reply in its language with espeak-ng (``genie say --speak``, the dashboard).

espeak-ng (Debian package ``espeak-ng``) has Mandarin (``cmn``), English and French voices and runs offline.
``speak(text, lang)`` plays the reply when the machine has an audio output, and writes a WAV file when it
has none (containers, CI, SSH sessions) or when a path is given; ``synthesize(text, lang)`` returns the
WAV bytes (for an HTTP response). Without espeak-ng both raise ``VoiceUnavailable`` saying how to install it.
"""

from __future__ import annotations

import asyncio
import glob
import logging
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from hub.errors import GenieError
from hub.language import LANGUAGES
from hub.nlu.data import language_file
from hub.paths import data_dir

_LOGGER = logging.getLogger(__name__)

VOICES: dict[str, str] = {lang: str(language_file(lang, "commands")["espeak_voice"]) for lang in LANGUAGES}
"""Reply language -> espeak-ng voice (``espeak_voice`` in its lang/<code>/commands.yaml)."""

SAMPLE_RATE = 22050
"""The sample rate of espeak-ng's WAV output (its voices are synthesised at 22.05 kHz)."""

ESPEAK_ENV = "GENIE_ESPEAK"
INSTALL_HINT = "espeak-ng is not installed: install it with `sudo apt-get install espeak-ng` (Debian/Ubuntu)"
TIMEOUT = 30.0
"""Seconds espeak-ng may take for one reply (a long reply takes well under one)."""


class VoiceUnavailable(GenieError, RuntimeError):
    """espeak-ng is missing or failed; the message says what to do."""


@dataclass(frozen=True)
class Speech:
    """What ``speak`` did."""

    voice: str
    played: bool
    """True if the reply went to the audio output."""
    path: Path | None
    """The WAV file written, if any."""

    def describe(self) -> str:
        """One line for the user."""
        if self.played:
            return f"(spoken with espeak-ng voice {self.voice})"
        return f"(no audio output; spoken reply written to {self.path})"


def find_espeak() -> str | None:
    """The espeak-ng executable: ``$GENIE_ESPEAK``, else ``espeak-ng`` on the PATH."""
    override = os.environ.get(ESPEAK_ENV)
    if override:
        return override if os.access(override, os.X_OK) else None
    return shutil.which("espeak-ng")


def voice_for(lang: str) -> str:
    """The espeak-ng voice of a reply language."""
    try:
        return VOICES[lang]
    except KeyError:
        raise ValueError(f"no voice for language {lang!r}; supported: {', '.join(VOICES)}") from None


def has_audio_output() -> bool:
    """True if the machine seems to have somewhere to play sound: a PulseAudio/PipeWire server or an ALSA
    playback device."""
    if os.environ.get("PULSE_SERVER"):
        return True
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime and (Path(runtime) / "pulse" / "native").exists():
        return True
    return bool(glob.glob("/dev/snd/pcmC*D*p"))


def default_wav_path() -> Path:
    """Where a reply is written when no path is given: the data directory's ``speech/``."""
    stamp = time.strftime("%Y%m%d-%H%M%S") + f"-{time.time_ns() % 1_000_000:06d}"
    return data_dir() / "speech" / f"reply-{stamp}.wav"


async def _espeak(text: str, voice: str, wav: Path | None, espeak: str | None) -> None:
    exe = espeak or find_espeak()
    if exe is None:
        raise VoiceUnavailable(INSTALL_HINT)
    # The text goes on stdin, so a reply starting with "-" is never read as an option.
    args = [exe, "-v", voice, "-b", "1", "--stdin"] + (["-w", str(wav)] if wav is not None else [])
    try:
        proc = await asyncio.create_subprocess_exec(*args, stdin=asyncio.subprocess.PIPE,
                                                    stdout=asyncio.subprocess.DEVNULL,
                                                    stderr=asyncio.subprocess.PIPE)
    except OSError as exc:
        raise VoiceUnavailable(f"cannot run {exe}: {exc.strerror}; {INSTALL_HINT}") from None
    try:
        async with asyncio.timeout(TIMEOUT):
            _out, err = await proc.communicate(text.encode("utf-8"))
    except TimeoutError:
        proc.kill()
        await proc.wait()
        raise VoiceUnavailable(f"espeak-ng took more than {TIMEOUT:g}s") from None
    if proc.returncode != 0:
        detail = err.decode("utf-8", "replace").strip() or f"exit status {proc.returncode}"
        raise VoiceUnavailable(f"espeak-ng failed: {detail}")


async def speak(text: str, lang: str, *, wav: Path | None = None, play: bool | None = None,
                espeak: str | None = None) -> Speech:
    """Speak ``text`` in ``lang``: play it (``play``, default: when there is an audio output), else — or
    also, when ``wav`` is given — write it to ``wav`` (default: ``default_wav_path()``)."""
    voice = voice_for(lang)
    if not text.strip():
        raise ValueError("nothing to speak")
    exe = espeak or find_espeak()
    if exe is None:
        raise VoiceUnavailable(INSTALL_HINT)
    played = False
    if has_audio_output() if play is None else play:
        try:
            await _espeak(text, voice, None, exe)
            played = True
        except VoiceUnavailable as exc:  # the audio output refused: keep the reply as a file instead
            _LOGGER.info("could not play the reply (%s); writing a WAV file", exc)
    if played and wav is None:
        return Speech(voice, True, None)
    path = wav or default_wav_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    await _espeak(text, voice, path, exe)
    return Speech(voice, played, path)


async def synthesize(text: str, lang: str, *, espeak: str | None = None) -> bytes:
    """The WAV bytes of ``text`` spoken in ``lang`` (for an HTTP response)."""
    voice = voice_for(lang)
    with tempfile.TemporaryDirectory(prefix="genie-voice-") as tmp:
        path = Path(tmp) / "reply.wav"
        await _espeak(text, voice, path, espeak)
        return path.read_bytes()
