"""Tutors of the institute: their teachers, the review of plans and evidence, consultations."""
