"""Refusals the domain functions raise, whatever door (admin, page, API, task) called them."""


class ActionRefused(Exception):
    """An action that may not happen now; `messages` say why, translated for the user."""

    def __init__(self, messages):
        if isinstance(messages, str):
            messages = [messages]
        self.messages = [str(m) for m in messages]
        super().__init__("; ".join(self.messages))
