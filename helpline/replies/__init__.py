"""Canned messages (snippets with placeholders) and predefined answers (whole replies with follow-up changes)."""
