"""Rendering on the CLI side: how each kind of object and result looks as text."""
