"""Pure calculations (numpy and the standard library only): no Flask, no database."""
