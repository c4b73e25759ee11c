"""Codes of the positions and subjects an instrument may be offered to.

The codes and their (translated) labels live with the profile fields in
`competence.accounts.reference`, so a user's profile and an instrument's audience share them.
"""

from competence.accounts import reference

POSITIONS = tuple(reference.POSITIONS)
SUBJECTS = tuple(reference.SUBJECTS)
