# -*- coding: utf-8 -*-
# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The RSA and AES of Zadig's internal list read, which returns each stored secret_key encrypted with a key the
client makes and sends wrapped in Zadig's public key. Not a public API."""

from __future__ import annotations

import base64
import re
import string
import traceback
from secrets import choice as secure_choice

from ansible.module_utils.basic import missing_required_lib

from ansible_collections.zadig.core.plugins.module_utils._errors import ZadigAPIError

_CRYPTOGRAPHY = {}
_PEM = re.compile(r'-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \1-----', re.S)


def load_cryptography():
    """Import cryptography on first use: only credential comparison needs it, and it costs ~40 ms per module run."""
    if not _CRYPTOGRAPHY:
        try:
            from cryptography.hazmat.primitives import serialization  # pylint: disable=import-outside-toplevel
            from cryptography.hazmat.primitives.asymmetric import padding, rsa  # pylint: disable=import-outside-toplevel
            from cryptography.hazmat.primitives.ciphers import Cipher, algorithms  # pylint: disable=import-outside-toplevel
            try:
                from cryptography.hazmat.decrepit.ciphers.modes import CFB  # pylint: disable=import-outside-toplevel
            except ImportError:  # cryptography < 47
                from cryptography.hazmat.primitives.ciphers.modes import CFB  # pylint: disable=import-outside-toplevel
        except ImportError:
            _CRYPTOGRAPHY['error'] = traceback.format_exc()
        else:
            _CRYPTOGRAPHY.update(serialization=serialization, padding=padding, rsa=rsa, Cipher=Cipher,
                                 algorithms=algorithms, CFB=CFB)
    if 'error' in _CRYPTOGRAPHY:
        raise ZadigAPIError(missing_required_lib('cryptography') + ' (needed to read or set stored credentials: '
                            'zadig_registry with update_secrets: compare, zadig_registry_info with details: true)')
    return _CRYPTOGRAPHY


def load_public_key(pem, crypto):
    """The RSA public key of a PEM, whatever its label says.

    Zadig labels its key ``RSA PUBLIC KEY`` (PKCS#1) but writes a
    SubjectPublicKeyInfo body, the encoding labelled ``PUBLIC KEY``. cryptography
    built on OpenSSL 1.1.1 refuses that mismatch in ``load_pem_public_key``, so the
    body is decoded here and loaded as DER, which takes either encoding.
    """
    match = _PEM.search(pem)
    if not match:
        raise ValueError('no PEM block')
    body = ''.join(line.strip() for line in match.group(2).splitlines() if ':' not in line)
    key = crypto['serialization'].load_der_public_key(base64.b64decode(body, validate=True))
    if not isinstance(key, crypto['rsa'].RSAPublicKey) or key.key_size < 1024:
        raise ValueError('not an RSA key of 1024 bits or more')
    return key


def wrap_new_key(pem, crypto):
    """A new AES key for one internal list read, and that key encrypted with Zadig's public key ``pem``, in base64.

    Zadig decrypts the key with its private key and encrypts each stored secret_key with it (AES-CFB).
    """
    public = load_public_key(pem, crypto)
    alphabet = string.ascii_letters + string.digits
    aes_key = ''.join(secure_choice(alphabet) for dummy in range(32)).encode()
    return aes_key, base64.b64encode(public.encrypt(aes_key, crypto['padding'].PKCS1v15())).decode()


def decrypt(aes_key, value, crypto):
    """Hex of a 16-byte IV and AES-CFB ciphertext under ``aes_key``; ValueError when it is not one."""
    raw = bytes.fromhex(value)
    if len(raw) < 16:
        raise ValueError('too short')
    decryptor = crypto['Cipher'](crypto['algorithms'].AES(aes_key), crypto['CFB'](raw[:16])).decryptor()
    return (decryptor.update(raw[16:]) + decryptor.finalize()).decode('utf-8')
