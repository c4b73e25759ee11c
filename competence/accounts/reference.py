"""Positions and subjects a user states in the profile: codes and their labels."""

from flask_babel import lazy_gettext as _l

# Codes are shared with the instrument files (`audience.positions`), see docs/instrument-format.md.
POSITIONS = {
    "teacher": _l("Subject teacher"),
    "primary_teacher": _l("Primary school teacher"),
    "deputy_director": _l("Deputy director"),
    "director": _l("Director"),
    "psychologist": _l("Educational psychologist"),
    "social_pedagogue": _l("Social pedagogue"),
    "speech_therapist": _l("Speech therapist, special needs teacher"),
    "tutor": _l("Tutor"),
    "additional_education": _l("Teacher of additional education"),
    "other": _l("Other position"),
}

# Positions whose holders lead a school; the role `director` is granted by an administrator.
LEADERSHIP_POSITIONS = frozenset({"director", "deputy_director"})

# Codes are shared with the instrument files (`audience.subjects`).
SUBJECTS = {
    "russian": _l("Russian language"),
    "literature": _l("Literature"),
    "mathematics": _l("Mathematics"),
    "informatics": _l("Computer science"),
    "physics": _l("Physics"),
    "chemistry": _l("Chemistry"),
    "biology": _l("Biology"),
    "geography": _l("Geography"),
    "history": _l("History"),
    "social_studies": _l("Social studies"),
    "english": _l("English"),
    "german": _l("German"),
    "french": _l("French"),
    "chinese": _l("Chinese"),
    "native_language": _l("Native language and literature"),
    "arts": _l("Fine arts"),
    "music": _l("Music"),
    "technology": _l("Technology"),
    "physical_education": _l("Physical education"),
    "life_safety": _l("Basics of life safety and homeland defence"),
    "primary": _l("Primary school subjects"),
}

ROLE_LABELS = {
    "teacher": _l("Teacher"),
    "director": _l("School director"),
    "methodist": _l("Methodist"),
    "coordinator": _l("Municipal coordinator"),
    "admin": _l("Administrator"),
    "ministry": _l("Ministry of education (read only)"),
    "tutor": _l("Tutor"),
}

SCHOOL_GROUP_LABELS = {
    "secondary": _l("Secondary school"),
    "basic": _l("Basic, evening or open school"),
}
