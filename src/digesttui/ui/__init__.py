"""The Textual user interface (the only part of digest-tui that imports Textual)."""
