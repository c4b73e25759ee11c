"""Taking diagnostics: attempts, autosave, the time limit, scoring, deficit profiles, growth."""
