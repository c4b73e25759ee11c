"""Codes of positions and subjects an instrument may be offered to, with their Russian labels."""

from types import MappingProxyType

POSITION_LABELS = MappingProxyType(
    {
        "teacher": "Учитель",
        "primary_teacher": "Учитель начальных классов",
        "deputy_director": "Заместитель директора",
        "director": "Директор",
        "psychologist": "Педагог-психолог",
        "social_pedagogue": "Социальный педагог",
        "speech_therapist": "Учитель-логопед, учитель-дефектолог",
        "tutor": "Тьютор",
        "additional_education": "Педагог дополнительного образования",
        "other": "Другая должность",
    }
)

SUBJECT_LABELS = MappingProxyType(
    {
        "russian": "Русский язык",
        "literature": "Литература",
        "mathematics": "Математика",
        "informatics": "Информатика",
        "physics": "Физика",
        "chemistry": "Химия",
        "biology": "Биология",
        "geography": "География",
        "history": "История",
        "social_studies": "Обществознание",
        "english": "Английский язык",
        "german": "Немецкий язык",
        "french": "Французский язык",
        "chinese": "Китайский язык",
        "native_language": "Родной язык и литература",
        "arts": "Изобразительное искусство",
        "music": "Музыка",
        "technology": "Труд (технология)",
        "physical_education": "Физическая культура",
        "life_safety": "Основы безопасности и защиты Родины",
        "primary": "Предметы начальной школы",
    }
)

POSITIONS = tuple(POSITION_LABELS)
SUBJECTS = tuple(SUBJECT_LABELS)
