"""Which field key the data was written with, checked at start; and rotating to a new key.

The first start against a database stores a check value: a known text encrypted under the
field key. Every later start decrypts it; with another key it cannot, and the app refuses to
start with one line saying so, instead of answering every resident read with a 500 and letting
new registrations past the duplicate check (the look-up hash changes with the key).

``flask rotate-field-key`` re-encrypts the ID and phone numbers, and recomputes the look-up
hashes, from ``JOBMATCH_FIELD_KEY_OLD`` to ``JOBMATCH_FIELD_KEY``, a batch a transaction; the
last resident done is recorded with the batch, so a run that stops is continued by running the
command again. The check value moves to the new key when every row is done.
"""

from datetime import datetime

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy import Integer, LargeBinary, String, column, inspect, select, table
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError
from sqlalchemy.orm import Mapped, mapped_column

from jobmatch.crypto import EXTENSION_KEY, FieldCipher
from jobmatch.database import UtcDateTime, utcnow
from jobmatch.errors import DomainError
from jobmatch.extensions import db

CHECK_TEXT = "jobmatch field key check"
CURRENT = "current"  # the check value of the key the data is written with
ROTATION = "rotation"  # during a rotation: the new key's check value and the last row done
BATCH_SIZE = 500
# The residents' encrypted columns as stored bytes: the model's own columns decrypt on read and
# encrypt on write under the configured key, which is the wrong one for both jobs here.
RAW_RESIDENTS = table(
    "residents",
    column("id", Integer),
    column("id_number", LargeBinary),
    column("id_number_hash", String),
    column("phone", LargeBinary),
    column("phone_hash", String),
)


class FieldKeyCheck(db.Model):
    __tablename__ = "field_key_checks"

    name: Mapped[str] = mapped_column(String(16), primary_key=True)
    check_value: Mapped[bytes] = mapped_column(LargeBinary)
    last_resident_id: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)


class FieldKeyMismatch(SystemExit):
    """Raised at start: exits with its one line, never a traceback."""


class RotationPending(DomainError):
    status_code = 503


def _refuse_during_rotation() -> None:
    raise RotationPending("系统正在更换数据加密密钥，请稍后再试。")


def _opens(cipher: FieldCipher, token: bytes) -> bool:
    try:
        return cipher.decrypt(token) == CHECK_TEXT
    except ValueError:
        return False


MISMATCH = (
    "jobmatch: JOBMATCH_FIELD_KEY is not the key this database's ID and phone numbers were "
    "written with; set the right key (or finish `flask rotate-field-key`) and start again."
)


def verify_field_key(app: Flask) -> None:
    """Compare the configured field key with the database's check value; write it on first use.

    Skipped while the schema is not there yet (before ``flask db upgrade``) or the database
    cannot be reached (the requests then answer for that).
    """
    with app.app_context():
        cipher: FieldCipher = app.extensions[EXTENSION_KEY]
        try:
            if not inspect(db.engine).has_table(FieldKeyCheck.__tablename__):
                return
            old_key = app.config.get("JOBMATCH_FIELD_KEY_OLD")
            _verify(cipher, FieldCipher(old_key) if old_key else None)
        except (OperationalError, ProgrammingError) as error:
            app.logger.warning("field key not checked, database unavailable: %s", error.orig)
        except FieldKeyMismatch:
            db.session.remove()
            db.engine.dispose()  # this app never serves: leave no connection behind
            raise
        finally:
            db.session.remove()


def _verify(cipher: FieldCipher, old: FieldCipher | None) -> None:
    stored = db.session.get(FieldKeyCheck, CURRENT)
    if stored is not None:
        if _opens(cipher, stored.check_value):
            return
        old_fits = old is not None and _opens(old, stored.check_value)
    else:
        # A database from before check values: one stored number tells whether the key fits.
        sample = db.session.scalar(select(RAW_RESIDENTS.c.phone).limit(1))
        if sample is None or _decrypts(cipher, sample):
            _store_check_value(cipher, old)
            return
        old_fits = old is not None and _decrypts(old, sample)
    if not old_fits:
        raise FieldKeyMismatch(MISMATCH)
    # A rotation to this key is due or under way: start (so that the command can run), but
    # answer every request 503 until it is done and the old key unset.
    current_app.logger.warning("field key rotation pending: requests answer 503")
    current_app.before_request(_refuse_during_rotation)


def _decrypts(cipher: FieldCipher, token: bytes) -> bool:
    try:
        cipher.decrypt(token)
    except ValueError:
        return False
    return True


def _store_check_value(cipher: FieldCipher, old: FieldCipher | None) -> None:
    db.session.add(FieldKeyCheck(name=CURRENT, check_value=cipher.encrypt(CHECK_TEXT)))
    try:
        db.session.commit()
    except IntegrityError:
        # Another worker starting at the same moment stored it first: check against theirs.
        db.session.rollback()
        _verify(cipher, old)


def rotate(old: FieldCipher, new: FieldCipher, batch_size: int = BATCH_SIZE, echo=print) -> int:
    """Re-encrypt every resident from ``old`` to ``new``; returns the residents done this run."""
    residents = RAW_RESIDENTS
    current = db.session.get(FieldKeyCheck, CURRENT)
    progress = db.session.get(FieldKeyCheck, ROTATION)
    if current is not None and _opens(new, current.check_value) and progress is None:
        echo("the data is already under the new key: nothing to do")
        return 0
    if current is not None and not _opens(old, current.check_value):
        raise click.ClickException("JOBMATCH_FIELD_KEY_OLD is not the key the data is under.")
    if progress is None:
        progress = FieldKeyCheck(name=ROTATION, check_value=new.encrypt(CHECK_TEXT))
        progress.last_resident_id = 0
        db.session.add(progress)
        db.session.commit()
    elif not _opens(new, progress.check_value):
        raise click.ClickException(
            "A rotation to another key was started: finish it with that JOBMATCH_FIELD_KEY."
        )
    else:
        echo(f"continuing after resident {progress.last_resident_id}")
    done = 0
    while True:
        rows = db.session.execute(
            select(residents.c.id, residents.c.id_number, residents.c.phone)
            .where(residents.c.id > progress.last_resident_id)
            .order_by(residents.c.id)
            .limit(batch_size)
        ).all()
        if not rows:
            break
        for resident_id, id_number, phone in rows:
            number, mobile = old.decrypt(id_number), old.decrypt(phone)
            db.session.execute(
                residents.update()
                .where(residents.c.id == resident_id)
                .values(
                    id_number=new.encrypt(number),
                    id_number_hash=new.lookup_hash(number),
                    phone=new.encrypt(mobile),
                    phone_hash=new.phone_hash(mobile),
                )
            )
        # The batch and the mark of how far it got are one transaction: a rerun resumes here.
        progress.last_resident_id = rows[-1].id
        db.session.commit()
        done += len(rows)
        echo(f"re-encrypted residents up to id {progress.last_resident_id}")
    if current is None:
        current = FieldKeyCheck(name=CURRENT)
        db.session.add(current)
    current.check_value = new.encrypt(CHECK_TEXT)
    db.session.delete(progress)
    db.session.commit()
    return done


@click.command("rotate-field-key")
@with_appcontext
@click.option("--batch-size", type=click.IntRange(1, 100_000), default=BATCH_SIZE)
def rotate_field_key_command(batch_size: int) -> None:
    """Re-encrypt ID and phone numbers from JOBMATCH_FIELD_KEY_OLD to JOBMATCH_FIELD_KEY.

    Stop the app first. Safe to run again after an interruption: it continues where it stopped.
    """
    old_key = current_app.config.get("JOBMATCH_FIELD_KEY_OLD")
    new_key = current_app.config.get("JOBMATCH_FIELD_KEY")
    if not old_key or not new_key:
        raise click.ClickException("Set JOBMATCH_FIELD_KEY_OLD and the new JOBMATCH_FIELD_KEY.")
    try:
        old, new = FieldCipher(old_key), FieldCipher(new_key)
    except ValueError:
        raise click.ClickException("A field key is not a valid Fernet key.") from None
    done = rotate(old, new, batch_size, echo=click.echo)
    click.echo(f"done: {done} residents re-encrypted this run; the data is under the new key")
