"""The ground floor: the session model, its checklist, its file and its evidence log."""
