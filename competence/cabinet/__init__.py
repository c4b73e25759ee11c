"""The personal cabinet: a user's diagnostics, results, development track and certificates."""
