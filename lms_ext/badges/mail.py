"""Outgoing e-mail through an outbox table: written in the transaction, sent by SMTP after the commit."""

import logging
import smtplib
from email.message import EmailMessage

import sqlalchemy as sa
from flask import current_app

from lms_ext.core.db import db
from lms_ext.core.time import utcnow

from .models import MailMessage

logger = logging.getLogger(__name__)


def queue_message(recipient: str, subject: str, body: str) -> MailMessage:
    message = MailMessage(recipient=recipient, subject=subject, body=body)
    db.session.add(message)
    db.session.flush()
    return message


def recent_messages(limit: int = 50) -> list[MailMessage]:
    return list(db.session.scalars(sa.select(MailMessage).order_by(MailMessage.id.desc()).limit(limit)))


def deliver_pending() -> int:
    """Send unsent messages by SMTP (call after the commit that wrote them); without SMTP_HOST, do nothing."""
    config = current_app.config
    if not config.get('SMTP_HOST'):
        return 0
    pending = list(db.session.scalars(sa.select(MailMessage).where(MailMessage.sent_at.is_(None))
                                      .order_by(MailMessage.id).limit(100)))
    if not pending:
        return 0
    with smtplib.SMTP(config['SMTP_HOST'], config['SMTP_PORT'], timeout=20) as smtp:
        if config.get('SMTP_STARTTLS'):
            smtp.starttls()
        if config.get('SMTP_USERNAME'):
            smtp.login(config['SMTP_USERNAME'], config['SMTP_PASSWORD'] or '')
        for message in pending:
            email = EmailMessage()
            email['From'], email['To'], email['Subject'] = config['MAIL_FROM'], message.recipient, message.subject
            email.set_content(message.body)
            smtp.send_message(email)
            message.sent_at = utcnow()
            logger.info('Sent %r', message)
    db.session.flush()
    return len(pending)
