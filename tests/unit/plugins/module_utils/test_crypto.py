# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The RSA of Zadig's internal list read: Zadig's public key is read whatever its PEM label says, and one that cannot
wrap the AES key is refused in words."""

from __future__ import annotations

import pytest

from ansible_collections.zadig.core.plugins.module_utils._api import INTERNAL, PUBLIC_KEY, ZadigClient
from ansible_collections.zadig.core.plugins.module_utils._errors import ZadigAPIError
from ansible_collections.zadig.core.tests.unit.scripted_http import Call, script
from ansible_collections.zadig.core.tests.unit.scripted_client import TOKEN, URL


def failure(monkeypatch, calls, action=lambda c: c.list_registries()):
    session = script(monkeypatch, calls)
    with pytest.raises(ZadigAPIError) as info:
        action(ZadigClient(URL, TOKEN, retries=0))
    session.assert_done()
    return info.value


def _rsa_pem(label, pkcs1=False, bits=2048, line=64):
    """An RSA public key PEM with any label: Go's pem.Encode writes 64-character lines and a final newline."""
    import base64
    import textwrap

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import padding, rsa

    private = rsa.generate_private_key(public_exponent=65537, key_size=max(bits, 1024))
    public = private.public_key() if bits >= 1024 else rsa.RSAPublicNumbers(65537, (1 << bits) - 1).public_key()
    der = public.public_bytes(
        serialization.Encoding.DER,
        serialization.PublicFormat.PKCS1 if pkcs1 else serialization.PublicFormat.SubjectPublicKeyInfo)
    body = '\n'.join(textwrap.wrap(base64.b64encode(der).decode(), line))
    pem = '-----BEGIN %s-----\n%s\n-----END %s-----\n' % (label, body, label)
    return pem, lambda wrapped: private.decrypt(base64.b64decode(wrapped), padding.PKCS1v15())


@pytest.mark.parametrize('label, pkcs1, line', [
    ('RSA PUBLIC KEY', False, 64),  # Zadig's GetRsaKey: a SubjectPublicKeyInfo body under the PKCS#1 label
    ('PUBLIC KEY', False, 64),
    ('RSA PUBLIC KEY', True, 64),
    ('PUBLIC KEY', True, 76),
])
def test_the_public_key_is_read_whatever_its_label_says(monkeypatch, label, pkcs1, line):
    pem, decrypt = _rsa_pem(label, pkcs1, line=line)
    session = script(monkeypatch, [Call('GET', PUBLIC_KEY, answer={'publicKey': pem}),
                                   Call('GET', INTERNAL, answer=[])])
    client = ZadigClient(URL, TOKEN)
    assert client.list_registries_full() == []
    session.assert_done()
    wrapped = session.sent[1]['params']['encryptedKey']
    assert len(decrypt(wrapped)) == 32


def test_a_public_key_under_1024_bits_is_refused(monkeypatch):
    pem, dummy = _rsa_pem('RSA PUBLIC KEY', bits=512)
    error = failure(monkeypatch, [Call('GET', PUBLIC_KEY, answer={'publicKey': pem})],
                    lambda c: c.list_registries_full())
    assert 'no usable RSA public key' in str(error)


def test_an_ec_public_key_is_refused(monkeypatch):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    pem = ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    error = failure(monkeypatch, [Call('GET', PUBLIC_KEY, answer={'publicKey': pem})],
                    lambda c: c.list_registries_full())
    assert 'no usable RSA public key' in str(error)
