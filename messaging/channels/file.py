"""The file channel for `make run` and the fault tests: one file per message, like the mail.

`file:///abs/folder` writes each message as a text file in that folder. The
file's name is derived from the message's `reference` (its outbox key) and is
created exclusively, so the folder behaves like a provider that takes an
idempotency reference: delivering the same reference twice leaves one file
(the second call returns the first's id). Every call is also appended to
`attempts.log`, so a test can tell deliveries from attempts.

`?delay=0.2` sleeps that many seconds per message (fault tests kill a worker
mid-batch); `?fail=temporary|permanent` makes every send fail that way.
"""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

from . import Channel, OutgoingMessage, PermanentFailure, Sent, TemporaryFailure, channel_scheme


@channel_scheme("file")
class FileChannel(Channel):
    kind = "file"

    def __init__(self, url: str, *, options: dict[str, str]):
        super().__init__(url, options=options)
        # file:///abs/folder, or file://var/outbox/sms (relative to the working directory, as the
        # README writes it: its first segment parses as the host).
        folder = unquote(urlsplit(url).netloc) + options["path"]
        if not folder:
            raise ImproperlyConfigured("file URL needs a folder, e.g. file:///srv/mulin/var/outbox/sms")
        self.folder = Path(folder)
        self.delay = float(options.get("delay") or 0)
        self.fail = options.get("fail", "")

    def send(self, message: OutgoingMessage) -> Sent:
        self.folder.mkdir(parents=True, exist_ok=True)
        with open(self.folder / "attempts.log", "a", encoding="utf-8") as log:
            log.write(f"{message.reference or message.address}\n")
        if self.delay:
            time.sleep(self.delay)
        if self.fail == "temporary":
            raise TemporaryFailure("file channel told to fail (temporary)")
        if self.fail == "permanent":
            raise PermanentFailure("file channel told to fail (permanent)")
        name = hashlib.sha256((message.reference or repr(message)).encode()).hexdigest()[:32]
        text = (
            f"Reference: {message.reference}\nTo: {message.address}\nSubject: {message.subject}\n"
            f"Template: {message.template_code} {message.template_params}\nShort: {message.short_body}\n\n"
            f"{message.body}\n"
        )
        temporary = self.folder / f".{name}.{os.getpid()}.tmp"
        temporary.write_text(text, encoding="utf-8")
        try:
            os.link(temporary, self.folder / f"{name}.txt")  # atomic and exclusive
        except FileExistsError:
            pass  # delivered before (a worker died after sending, before recording it)
        finally:
            temporary.unlink(missing_ok=True)
        return Sent(provider_id=name)
