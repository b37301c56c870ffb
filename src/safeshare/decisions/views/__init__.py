"""The decision record's pages: the guided flow (sections, questions, check), the
finalised record, and consent withdrawal. URLs are in decisions/urls.py."""
