"""The e-mail channel: Django's mail backends, configured by URL like `EMAIL_URL`.

`django://` sends through the project's own mail settings (`EMAIL_URL`, or the
files under var/outbox/ on a laptop; Django's test outbox in tests). The other
schemes are django-environ's `EMAIL_URL` schemes (`smtp://user:pass@host:587`,
`smtps://…`, `smtp+tls://…`, `consolemail://`, `filemail:///path`, `memorymail://`,
`dummymail://`) and configure a connection of their own.
"""

from __future__ import annotations

import smtplib

import environ
from django.core.mail import EmailMessage, get_connection
from django.core.mail.message import make_msgid

from . import Channel, OutgoingMessage, PermanentFailure, Sent, TemporaryFailure, channel_scheme

SMTP_PERMANENT = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPNotSupportedError)


@channel_scheme("django", *environ.Env.EMAIL_SCHEMES)
class EmailChannel(Channel):
    kind = "email"

    def __init__(self, url: str, *, options: dict[str, str]):
        super().__init__(url, options=options)
        if options["scheme"] == "django":
            self.connection_options = {}
        else:
            config = environ.Env.email_url_config(url)
            self.connection_options = {
                "backend": config["EMAIL_BACKEND"],
                "host": config.get("EMAIL_HOST") or None,
                "port": config.get("EMAIL_PORT") or None,
                "username": config.get("EMAIL_HOST_USER") or None,
                "password": config.get("EMAIL_HOST_PASSWORD") or None,
                "use_tls": config.get("EMAIL_USE_TLS") or None,
                "use_ssl": config.get("EMAIL_USE_SSL") or None,
                "file_path": config.get("EMAIL_FILE_PATH") or None,
            }

    def send(self, message: OutgoingMessage) -> Sent:
        message_id = make_msgid(domain="mulin.outbox")
        options = {k: v for k, v in self.connection_options.items() if v is not None}
        connection = get_connection(**options) if options else None
        mail = EmailMessage(
            subject=message.subject,
            body=message.body,
            to=[message.address],
            connection=connection,
            headers={"Message-ID": message_id, "X-Outbox-Reference": message.reference},
        )
        try:
            mail.send()
        except SMTP_PERMANENT as exc:
            raise PermanentFailure(str(exc)[:500], code=type(exc).__name__) from exc
        except smtplib.SMTPResponseException as exc:
            failure = PermanentFailure if 500 <= exc.smtp_code < 600 else TemporaryFailure
            raise failure(str(exc)[:500], code=str(exc.smtp_code)) from exc
        except (OSError, smtplib.SMTPException) as exc:  # connection refused, timeout, server gone
            raise TemporaryFailure(str(exc)[:500] or type(exc).__name__, code=type(exc).__name__) from exc
        return Sent(provider_id=message_id)
