"""Administration: users and roles, the register of schools, the outbox, the audit log."""
