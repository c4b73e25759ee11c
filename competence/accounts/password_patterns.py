"""Build the list of long common passwords from the patterns people follow.

Most lists of leaked passwords are dominated by short entries that the 12-character minimum
refuses anyway. The passwords people choose to reach 12 characters follow a few patterns:
keyboard walks, counting, a word said twice, a word with a year or "123456" added, a phrase
in transliterated Russian, a Russian word typed with the English layout. This module spells
those patterns out; `python -m competence.accounts.password_patterns` writes the result to
`common_passwords_generated.txt`, which the portal reads (and a test keeps in step).
"""

from itertools import product
from pathlib import Path

from competence.accounts.passwords import MAX_LENGTH, MIN_LENGTH

OUTPUT = Path(__file__).with_name("common_passwords_generated.txt")

KEYBOARD_ROWS = ("1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm")
RUSSIAN_ROWS = ("йцукенгшщзхъ", "фывапролджэ", "ячсмитьбю")
# Walks that run across the rows; every prefix of 12 characters or more is a password.
WALKS = (
    "qwertyuiopasdfghjklzxcvbnm",
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm",
    "1q2w3e4r5t6y7u8i9o0p",
    "q1w2e3r4t5y6u7i8o9p0",
    "qazwsxedcrfvtgbyhnujm",
    "zaqxswcdevfrbgtnhymju",
    "zaq1xsw2cde3vfr4bgt5",
    "zaq12wsxcde34rfvbgt56yhn",
    "1qazxsw23edcvfr45tgbnhy6",
    "!qaz@wsx#edc$rfv",
    "qweasdzxcrtyfghvbn",
    "qwerasdfzxcv1234",
    "asdfghjklqwertyuiop",
    "zxcvbnmasdfghjklqwertyuiop",
    "mnbvcxzlkjhgfdsapoiuytrewq",
    "poiuytrewqlkjhgfdsamnbvcxz",
    "1234qwerasdfzxcv",
    "qwer1234asdf5678",
    "йцукенгшщзхъфывапролджэячсмитьбю",
    "1йфя2цыч3увс4кам5епи",
)
DIGITS = "1234567890"

# Words and names that head the leaked lists, in English and in transliterated Russian.
WORDS = (
    "password",
    "passw0rd",
    "p@ssword",
    "p@ssw0rd",
    "qwerty",
    "iloveyou",
    "dragon",
    "monkey",
    "letmein",
    "football",
    "baseball",
    "welcome",
    "admin",
    "administrator",
    "sunshine",
    "princess",
    "master",
    "shadow",
    "superman",
    "batman",
    "trustno1",
    "whatever",
    "michael",
    "computer",
    "internet",
    "starwars",
    "pokemon",
    "minecraft",
    "school",
    "teacher",
    "student",
    "secret",
    "freedom",
    "hello",
    "love",
    "lovely",
    "angel",
    "flower",
    "summer",
    "winter",
    "spring",
    "autumn",
    "soccer",
    "hockey",
    "killer",
    "matrix",
    "cookie",
    "cheese",
    "chocolate",
    "samsung",
    "google",
    "yandex",
    "qwerty",
    "asdfgh",
    "zxcvbn",
    "abc123",
    "abcdef",
    "default",
    "changeme",
    "test",
    "user",
    "guest",
    "login",
    "access",
    "security",
    "parol",
    "parol1",
    "privet",
    "lyubov",
    "lubov",
    "solnce",
    "solnyshko",
    "kotenok",
    "zayka",
    "zaychik",
    "malysh",
    "nastya",
    "natasha",
    "masha",
    "sasha",
    "dima",
    "maksim",
    "andrey",
    "sergey",
    "olga",
    "tanya",
    "katya",
    "ekaterina",
    "anastasia",
    "alexander",
    "vladimir",
    "moskva",
    "rossiya",
    "russia",
    "khabarovsk",
    "habarovsk",
    "amur",
    "vladivostok",
    "uchitel",
    "shkola",
    "direktor",
    "student",
    "informatika",
    "matematika",
    "fizika",
    "klass",
    "dnevnik",
    "mama",
    "papa",
    "semya",
    "druzhba",
    "schaste",
    "pobeda",
    "zvezda",
    "spartak",
    "zenit",
    "dinamo",
    "medved",
    "tigr",
    "amurtigr",
    "kirill",
    "ivanov",
    "petrov",
    "smirnov",
)
SUFFIXES = (
    "1",
    "12",
    "123",
    "1234",
    "12345",
    "123456",
    "1234567",
    "12345678",
    "123456789",
    "111",
    "777",
    "666",
    "000",
    "007",
    "69",
    "!",
    "1!",
    "123!",
    "!!!",
    "01",
    "11",
    "99",
    "2000",
    "2001",
    "2005",
    "2010",
    "2015",
    "2018",
    "2019",
    "2020",
    "2021",
    "2022",
    "2023",
    "2024",
    "2025",
    "2026",
    "1990",
    "1985",
    "1980",
)
# Phrases in transliterated Russian, written with spaces, without them or with a separator.
PHRASES = (
    "ya tebya lyublyu",
    "ya tebya lublu",
    "ya tebya lyubly",
    "ya lyublyu tebya",
    "ya tebya lyublyu navsegda",
    "ya lyublyu mamu",
    "ya lyublyu papu",
    "ya lyublyu rossiyu",
    "ya lyublyu khabarovsk",
    "privet kak dela",
    "privet mir",
    "privet drug",
    "kak dela",
    "vsyo horosho",
    "vse horosho",
    "vsyo budet horosho",
    "zhizn prekrasna",
    "zhizn eto bol",
    "lyubov moya",
    "moya lyubov",
    "moya semya",
    "moya zhizn",
    "moy parol",
    "moi parol",
    "novyy parol",
    "noviy parol",
    "moy noviy parol",
    "eto moy parol",
    "eto parol",
    "parol parol",
    "nikto ne znaet",
    "nikto ne uznaet",
    "ne skazhu",
    "dobro pozhalovat",
    "s dnem rozhdeniya",
    "s novym godom",
    "mama papa ya",
    "mama i papa",
    "moya mama",
    "lyublyu mamu",
    "solnyshko moe",
    "zayka moya",
    "kotik moy",
    "moy kotik",
    "hochu v otpusk",
    "shkola nomer odin",
    "luchshiy uchitel",
    "uchitel goda",
    "ya uchitel",
    "ya direktor",
    "moya shkola",
    "pobeda za nami",
    "slava rossii",
    "rossiya vperyod",
    "bog est lyubov",
    "spasi i sohrani",
    "i love you",
    "i love you forever",
    "love you forever",
    "let me in",
    "open sesame",
    "hello world",
    "welcome home",
    "god is love",
    "jesus loves me",
    "i am the best",
    "my password",
    "this is my password",
    "forget me not",
    "trust no one",
    "correct horse battery staple",
    "the quick brown fox",
)
# Russian words often typed with the English layout on (пароль → gfhjkm).
RUSSIAN_WORDS = (
    "пароль",
    "привет",
    "любовь",
    "солнышко",
    "котенок",
    "хабаровск",
    "учитель",
    "школа",
    "наташа",
    "москва",
    "россия",
    "максим",
    "андрей",
    "сергей",
    "настя",
    "катя",
    "люблю",
    "ятебялюблю",
    "мойпароль",
    "новыйпароль",
    "директор",
    "зайка",
    "пароль123",
)
LAYOUT = dict(
    zip(
        "йцукенгшщзхъфывапролджэячсмитьбюё",
        "qwertyuiop[]asdfghjkl;'zxcvbnm,.`",
        strict=True,
    )
)


def _prefixes(text: str) -> list[str]:
    """Return the prefixes of a walk that are long enough, and their reversals."""
    found = [text[:n] for n in range(MIN_LENGTH, len(text) + 1)]
    return found + [word[::-1] for word in found]


def _typed_in_english_layout(word: str) -> str:
    """Return what a Russian word becomes when typed with the English layout on."""
    return "".join(LAYOUT.get(char, char) for char in word)


def _spellings(phrase: str) -> list[str]:
    """Return a phrase with spaces, without them, and with `_`, `.` or `-` between words."""
    words = phrase.split()
    return [separator.join(words) for separator in (" ", "", "_", ".", "-")]


def generated_passwords() -> list[str]:
    """Return the long common passwords the patterns produce, sorted and lower-cased."""
    found: set[str] = set()
    for walk in WALKS:
        found.update(_prefixes(walk))
    for row in (*KEYBOARD_ROWS, *RUSSIAN_ROWS):
        found.update(_prefixes(row * 2))
    for row in (*KEYBOARD_ROWS, *RUSSIAN_ROWS):
        for suffix in SUFFIXES:
            found.add(row + suffix)
    # Counting: up, down, there and back, in pairs and triples.
    for start in range(10):
        counting = "".join(DIGITS[(start + i) % 10] for i in range(30))
        found.update(counting[:n] for n in range(MIN_LENGTH, 21))
        found.update(counting[:n][::-1] for n in range(MIN_LENGTH, 21))
    for digit in DIGITS:
        found.update(digit * n for n in range(MIN_LENGTH, 21))
    for unit in ("12", "123", "1234", "12345", "123321", "321", "112233", "159", "147", "789"):
        found.update((unit * 10)[:n] for n in range(MIN_LENGTH, 17))
    found.update(("123456789" + tail) for tail in ("012", "0123", "01234", "987654321"))
    for word in WORDS:
        for times in (2, 3):
            found.add(word * times)
        for suffix in SUFFIXES:
            found.add(word + suffix)
        for prefix in ("1", "123", "123456", "777", "2024", "2025"):
            found.add(prefix + word)
        found.add(word + "123" + word)
    for phrase in PHRASES:
        for spelling in _spellings(phrase):
            found.add(spelling)
            for suffix in ("1", "123", "!", "2024", "2025"):
                found.add(spelling + suffix)
    for word in RUSSIAN_WORDS:
        for spelling in (word, _typed_in_english_layout(word)):
            found.add(spelling * 2)
            for suffix in SUFFIXES:
                found.add(spelling + suffix)
    for left, right in product(("qwerty", "asdfgh", "zxcvbn", "qazwsx", "abc"), SUFFIXES):
        found.add(left + right + right)
    return sorted(
        password.lower() for password in found if MIN_LENGTH <= len(password) <= MAX_LENGTH
    )


def write() -> int:
    """Write the generated list next to this module; return the number of entries."""
    passwords = generated_passwords()
    header = (
        "# Generated by `python -m competence.accounts.password_patterns`: long common\n"
        "# passwords from keyboard walks, counting, repeated words, words with years and digits,\n"
        "# transliterated Russian phrases and Russian words typed with the English layout.\n"
    )
    OUTPUT.write_text(header + "\n".join(passwords) + "\n", encoding="utf-8")
    return len(passwords)


if __name__ == "__main__":
    print(f"{write()} passwords written to {OUTPUT.name}")
