"""Renderers: data computed elsewhere, turned into text, Markdown, JSON or HTML."""
