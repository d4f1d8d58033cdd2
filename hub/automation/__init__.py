"""Scenes, timers and routines: what the hub does without being asked at that moment (docs/scenes.md, docs/time.md)."""
