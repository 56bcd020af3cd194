"""Feeds: planned here, implemented in the feeds issue."""

from __future__ import annotations

from .model import Output, Site


def plan_feeds(site: Site, templates, key: str, warnings: list) -> list[Output]:
    return []


def render_feed(env, config, output: Output) -> bytes:
    raise NotImplementedError
