"""Workspace views, one module per area. Each view: parse → access → action → render."""
