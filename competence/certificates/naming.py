"""Words that depend on the holder's name: the grammatical gender and the names of PDF files.

Pure text rules (standard library only), shared by certificates, e-mails and personal reports.
"""

import re
from urllib.parse import quote

MASCULINE = "masculine"
FEMININE = "feminine"

# Turkic patronymics are written as a separate word after the father's name.
MASCULINE_PARTICLES = ("оглы", "улы", "уулу")
FEMININE_PARTICLES = ("кызы", "гызы")
# Russian patronymics: Иванович, Ильич, Кузьмич; Ивановна, Ильинична, Фоминишна.
MASCULINE_ENDINGS = ("ич",)
FEMININE_ENDINGS = ("вна", "чна", "шна")

TRANSLIT = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        [
            "a",
            "b",
            "v",
            "g",
            "d",
            "e",
            "e",
            "zh",
            "z",
            "i",
            "y",
            "k",
            "l",
            "m",
            "n",
            "o",
            "p",
            "r",
            "s",
            "t",
            "u",
            "f",
            "kh",
            "ts",
            "ch",
            "sh",
            "shch",
            "",
            "y",
            "",
            "e",
            "yu",
            "ya",
        ],
        strict=True,
    )
)


def grammatical_gender(full_name: str) -> str | None:
    """Return MASCULINE or FEMININE as the patronymic tells, None when it does not.

    The name is "Фамилия Имя Отчество": a name of two words has no patronymic, and a surname
    such as Бабич says nothing (only the third word and after are read).
    """
    words = [word.lower().replace("ё", "е") for word in full_name.split()]
    if len(words) < 3:
        return None
    if words[-1] in MASCULINE_PARTICLES:
        return MASCULINE
    if words[-1] in FEMININE_PARTICLES:
        return FEMININE
    patronymic = words[2]
    if patronymic.endswith(MASCULINE_ENDINGS):
        return MASCULINE
    if patronymic.endswith(FEMININE_ENDINGS):
        return FEMININE
    return None


def short_name(full_name: str) -> str:
    """Return the surname with initials: "Лебедева Ольга Сергеевна" -> "Лебедева_О.С."."""
    words = re.findall(r"[^\W\d_]+(?:-[^\W\d_]+)*", full_name)
    if not words:
        return ""
    initials = "".join(f"{word[0].upper()}." for word in words[1:3])
    return "_".join(part for part in (words[0], initials) if part)


def transliterate(text: str) -> str:
    """Write Cyrillic letters in Latin ones; drop anything else not safe in a file name."""
    out = []
    for char in text:
        latin = TRANSLIT.get(char.lower())
        if latin is not None:
            out.append(latin.capitalize() if char.isupper() else latin)
        elif char.isascii() and (char.isalnum() or char in "._-"):
            out.append(char)
    return "".join(out)


def file_name(*parts: str, extension: str = "pdf") -> str:
    """Join the non-empty parts of a file name with underscores, unsafe characters removed."""
    cleaned = [re.sub(r"[^\w.\-]+", "_", part).strip("_") for part in parts]
    return "_".join(part for part in cleaned if part) + f".{extension}"


def attachment(name: str) -> str:
    """Return a Content-Disposition header for a download: UTF-8 name and an ASCII fallback."""
    fallback = transliterate(name) or "document.pdf"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"
