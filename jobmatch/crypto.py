"""Protection at rest for ID and phone numbers.

Values are encrypted with Fernet (AES-128-CBC with HMAC-SHA256) under the key in
``JOBMATCH_FIELD_KEY``; look-ups use a keyed hash (HMAC-SHA256 under a sub-key derived from
the same secret), so equality can be checked without decrypting every row. Without a key in
the environment a development key is made on first run under the instance folder.
"""

import hashlib
import hmac
import os
from contextlib import suppress
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import Flask, current_app
from sqlalchemy import LargeBinary
from sqlalchemy.types import TypeDecorator

from jobmatch.validators import parse_mobile

EXTENSION_KEY = "jobmatch_crypto"


class FieldCipher:
    def __init__(self, key: str | bytes):
        key_bytes = key.encode() if isinstance(key, str) else key
        self._fernet = Fernet(key_bytes)
        self._lookup_key = HKDF(
            algorithm=hashes.SHA256(), length=32, salt=None, info=b"jobmatch lookup hash"
        ).derive(key_bytes)

    def encrypt(self, plaintext: str) -> bytes:
        return self._fernet.encrypt(plaintext.encode())

    def decrypt(self, token: bytes) -> str:
        try:
            return self._fernet.decrypt(bytes(token)).decode()
        except InvalidToken:
            raise ValueError("encrypted field cannot be read with the configured key") from None

    def encrypt_bytes(self, data: bytes) -> bytes:
        return self._fernet.encrypt(data)

    def decrypt_bytes(self, token: bytes) -> bytes:
        try:
            return self._fernet.decrypt(bytes(token))
        except InvalidToken:
            raise ValueError("encrypted data cannot be read with the configured key") from None

    def lookup_hash(self, plaintext: str) -> str:
        return hmac.new(self._lookup_key, plaintext.encode(), hashlib.sha256).hexdigest()

    def phone_hash(self, phone: str) -> str:
        """The keyed hash a resident is found by mobile with, of the number as ``parse_mobile``
        writes it: 138 0013 8000, 138-0013-8000 and +86 13800138000 hash alike. Prefixed, so
        it never equals the hash of an ID number or of anything else hashed here."""
        with suppress(ValueError):  # no mainland mobile (none is stored so): hashed as it is
            phone = parse_mobile(phone)
        return self.lookup_hash(f"mobile:{phone}")


def _development_key(instance_path: str) -> str:
    """The key kept under instance/ for a machine with no JOBMATCH_FIELD_KEY set."""
    path = Path(instance_path) / "field.key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(Fernet.generate_key().decode())
    return path.read_text().strip()


def init_app(app: Flask) -> None:
    key = app.config.get("JOBMATCH_FIELD_KEY") or _development_key(app.instance_path)
    app.extensions[EXTENSION_KEY] = FieldCipher(key)


def cipher() -> FieldCipher:
    return current_app.extensions[EXTENSION_KEY]


class EncryptedText(TypeDecorator):
    """A string column stored as a Fernet token; reads and writes need an app context."""

    impl = LargeBinary
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else cipher().encrypt(value)

    def process_result_value(self, value, dialect):
        return None if value is None else cipher().decrypt(value)
