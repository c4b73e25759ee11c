"""Course groups: a catalogue module scheduled with dates and places, applications, enrolment."""
