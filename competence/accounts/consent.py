"""The consent to personal-data processing (152-ФЗ): versions and acceptances."""

from sqlalchemy import select

from competence.accounts.models import ConsentDocument, ConsentRecord, User
from competence.database import utcnow
from competence.extensions import db


def current_document() -> ConsentDocument | None:
    """Return the latest published consent version."""
    return db.session.scalars(
        select(ConsentDocument).order_by(
            ConsentDocument.published_at.desc(), ConsentDocument.id.desc()
        )
    ).first()


def current_document_id() -> int | None:
    """Return the id of the latest published consent version (cheap: checked on every page)."""
    return db.session.scalar(
        select(ConsentDocument.id)
        .order_by(ConsentDocument.published_at.desc(), ConsentDocument.id.desc())
        .limit(1)
    )


def has_accepted(user: User, document_id: int) -> bool:
    """Tell whether `user` has accepted the consent version with this id."""
    return (
        db.session.scalar(
            select(ConsentRecord.id).where(
                ConsentRecord.user_id == user.id, ConsentRecord.document_id == document_id
            )
        )
        is not None
    )


def has_accepted_any(user: User) -> bool:
    """Tell whether `user` has accepted some version of the consent."""
    return (
        db.session.scalar(select(ConsentRecord.id).where(ConsentRecord.user_id == user.id).limit(1))
        is not None
    )


def record_acceptance(
    user: User, document: ConsentDocument, ip_address: str, user_agent: str
) -> ConsentRecord:
    """Record (not commit) that `user` accepted `document` now, from `ip_address`."""
    record = ConsentRecord(
        user=user,
        document=document,
        accepted_at=utcnow(),
        ip_address=ip_address[:45],
        user_agent=(user_agent or "")[:300],
    )
    db.session.add(record)
    return record


def publish(version: str, title: str, body: str) -> ConsentDocument:
    """Publish (not commit) a new consent version; earlier acceptances stay as they were."""
    document = ConsentDocument(version=version, title=title, body=body, published_at=utcnow())
    db.session.add(document)
    return document
