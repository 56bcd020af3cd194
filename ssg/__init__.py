"""Aloud: a static site generator for people who work out loud."""

__version__ = "0.1.0"
