"""E-mail outbox: messages written with the event, delivered by a sender with retries."""
