"""Accounts: registration, e-mail confirmation, sign-in, passwords, profile, consent."""
