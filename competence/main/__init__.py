"""Public pages: the home page, the consent document, the language switch."""
