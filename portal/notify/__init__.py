"""Messages to people: gateways (``gateways.py``), message kinds and texts (``kinds.py``, ``texts.py``), the
notifications each change causes (``events.py``), scheduled reminders (``reminders.py``) and the transactional
outbox the worker delivers (``outbox.py``)."""
