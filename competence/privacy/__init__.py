"""Personal data under 152-ФЗ: a person's copy of their data, consent withdrawal and deletion."""
