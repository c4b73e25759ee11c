"""A small banked instrument for tests: two competences, a bank of BANK items each, K a sitting."""

from competence.instruments import services
from competence.instruments.validation import Document, validate_documents

KEY = "bank-test"
COMPETENCES = ("fgos-planning", "differentiation")
BANK = 6  # items per competence in the bank
K = 3  # items per competence in one sitting
DIFFICULTIES = ("easy", "easy", "medium", "medium", "hard", "hard")


def bank_data(attempts_per_year=3, shared=False) -> dict:
    """Return the instrument as YAML data; `shared` links the last item to both competences."""
    items = []
    for c, competence in enumerate(COMPETENCES):
        for n in range(BANK):
            items.append(
                {
                    "id": f"bt-{c + 1}{n + 1}",
                    "type": "single_choice",
                    "competences": {competence: 1},
                    "stem": f"Вопрос {n + 1} банка компетенции {competence}: что верно?",
                    "options": [
                        {"id": "a", "text": "Верное утверждение", "correct": True},
                        {"id": "b", "text": "Неверное утверждение"},
                        {"id": "c", "text": "Ещё одно неверное утверждение"},
                    ],
                    "difficulty": DIFFICULTIES[n],
                }
            )
    if shared:
        items[-1]["competences"] = {COMPETENCES[0]: 1, COMPETENCES[1]: 1}
    return {
        "instrument": KEY,
        "title": "Тестовый банк заданий",
        "description": "Инструмент с банком заданий для тестов.",
        "framework": "khkiro-pedagogue",
        "audience": {"positions": ["teacher"]},
        "time_limit_minutes": 30,
        "retake": {"cooldown_days": 0, "attempts_per_year": attempts_per_year},
        "levels": "levels-4",
        "deficit_threshold": 65,
        "competences": list(COMPETENCES),
        "form": {"items_per_competence": K},
        "items": items,
    }


def publish_bank(**options) -> None:
    """Validate and publish the banked instrument (the shipped ones must be loaded first)."""
    result = validate_documents(
        [Document(bank_data(**options), file="bank-test.yaml")],
        services.published_library_objects(),
    )
    assert not result.errors, result.errors
    services.publish_objects(list(result.objects), source="test")
