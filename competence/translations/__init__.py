"""Message catalogues of the interface (Russian by default, English available)."""
