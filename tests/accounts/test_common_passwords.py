"""The list of common passwords: long ones that the 12-character minimum lets through."""

import pytest

from competence.accounts import password_patterns
from competence.accounts.passwords import MIN_LENGTH, common_passwords, password_problems


def test_the_shipped_generated_list_is_what_the_patterns_produce():
    shipped = password_patterns.OUTPUT.read_text(encoding="utf-8").splitlines()
    entries = [line for line in shipped if line and not line.startswith("#")]
    assert entries == password_patterns.generated_passwords()


def test_most_of_the_list_is_long_enough_to_matter():
    long_ones = [entry for entry in common_passwords() if len(entry) >= MIN_LENGTH]
    assert len(long_ones) > 5000


@pytest.mark.parametrize(
    "password",
    [
        "ya tebya lyublyu",
        "YaTebyaLyublyu",
        "qwertyuiop12",
        "password1234",
        "123456789012",
        "1q2w3e4r5t6y7u",
        "qwertyqwerty",
        "privet kak dela",
        "gfhjkmgfhjkm",  # пароль пароль, typed with the English layout on
        "khabarovsk2024",
        "uchitel123456",
        "zaq12wsxcde34rfv",
    ],
)
def test_long_common_passwords_are_refused(app, password):
    assert [str(problem) for problem in password_problems(password)] == [
        "Этот пароль слишком распространён: выберите другой."
    ]


@pytest.mark.parametrize(
    "password", ["a long pass phrase here", "ветер над амуром 1987", "teacher-Ivanova-garden"]
)
def test_ordinary_pass_phrases_pass(app, password):
    assert password_problems(password) == []
