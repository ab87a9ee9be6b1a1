"""The facilitation feature's tables: the rotation of facilitators (``rotation``), live
sessions and their turns (``sessions``), their notes, decisions and drawn questions
(``session_notes``) and the actions members commit to (``actions``)."""
