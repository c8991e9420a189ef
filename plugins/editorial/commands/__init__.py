"""One module per command; `tasks.py` wraps each in an invoke task."""
