# -*- coding: utf-8 -*-
# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Private client for Zadig's image-registry routes: one method per route, each answer's shape checked.

It makes no decisions about registries. Everything that can fail raises
``ZadigAPIError``. Not a public API: this module may change in any release.
"""

from __future__ import annotations

from ansible_collections.zadig.core.plugins.module_utils import _answers
from ansible_collections.zadig.core.plugins.module_utils._answers import REGISTRY_ID, ShapeError
from ansible_collections.zadig.core.plugins.module_utils._crypto import decrypt, load_cryptography, wrap_new_key
from ansible_collections.zadig.core.plugins.module_utils._errors import WRITES, ZadigAPIError
from ansible_collections.zadig.core.plugins.module_utils._transport import Transport

OPENAPI = '/openapi/system/registry'
INTERNAL = '/api/aslan/system/registry/namespaces'
PUBLIC_KEY = '/api/aslan/system/rsaKey/publicKey'


def check_registry_id(registry_id):
    """Refuse an id Zadig would misread: Zadig drops a filter on an id it cannot parse,
    so a malformed id reads, and updates, the first registry instead."""
    if not isinstance(registry_id, str) or not REGISTRY_ID.match(registry_id):
        raise ZadigAPIError('registry_id must be 24 lowercase hexadecimal characters (a Zadig object id), got %r'
                            % (registry_id,))
    return registry_id


class ZadigClient(Transport):
    """One method per Zadig route the collection uses. Reads retry with backoff; writes never retry."""

    _aes_key = None  # the key of this client's internal list reads, made and wrapped once
    _wrapped_key = None

    def _shape(self, method, path, check, body):
        """Check an answer's shape; a bad one fails naming the route and what was wrong."""
        try:
            return check(body)
        except ShapeError as exc:
            raise self._error(method, path, 'unexpected answer from Zadig: %s' % exc, 200,
                              uncertain=method in WRITES) from None

    def _write(self, method, path, body=None):
        answer = self.request(method, path, body)
        return self._shape(method, path, _answers.success, answer)

    def list_registries(self):
        """Every registry in the server's order (the OpenAPI list: no secrets, no TLS, no projects)."""
        return self._shape('GET', OPENAPI, _answers.registries, self.request('GET', OPENAPI))

    def get_registry(self, registry_id):
        path = '%s/%s' % (OPENAPI, check_registry_id(registry_id))
        registry = self._shape('GET', path, _answers.registry, self.request('GET', path))
        if registry['registry_id'] != registry_id:
            raise self._error('GET', path, 'Zadig answered with registry %r instead of %s; refusing to use it'
                              % (registry['registry_id'], registry_id))
        return registry

    def create_registry(self, body):
        return self._write('POST', OPENAPI, body)

    def update_registry(self, registry_id, body):
        return self._write('PUT', '%s/%s' % (OPENAPI, check_registry_id(registry_id)), body)

    def list_registries_full(self):
        """The internal list: the whole model, secret_key decrypted here.

        The AES key is made and wrapped once per client, so a read-back costs one request.
        """
        crypto = load_cryptography()
        if self._wrapped_key is None:
            pem = self._shape('GET', PUBLIC_KEY, _answers.public_key, self.request('GET', PUBLIC_KEY))
            try:
                self._aes_key, self._wrapped_key = wrap_new_key(pem, crypto)
            except Exception:  # pylint: disable=broad-exception-caught
                # cryptography raises ValueError, TypeError, UnsupportedAlgorithm... for a key it cannot use
                raise self._error('GET', PUBLIC_KEY, 'the answer holds no usable RSA public key (a PEM of an RSA '
                                  'public key, at least 1024 bits, is expected)') from None
        docs = self.request('GET', INTERNAL, params={'encryptedKey': self._wrapped_key})
        docs = self._shape('GET', INTERNAL, _answers.internal_registries, docs)
        for doc in docs:
            doc['secret_key'] = self._decrypt(doc['secret_key'], crypto)
            self.add_secrets(doc['access_key'], doc['secret_key'])
        return docs

    def _decrypt(self, value, crypto):
        if not value:
            return ''
        try:
            return decrypt(self._aes_key, value, crypto)
        except ValueError:
            raise self._error('GET', INTERNAL, 'a stored secret_key could not be decrypted') from None

    def update_registry_full(self, registry_id, doc):
        """The internal whole-document PUT: every key omitted from ``doc`` is wiped on the server."""
        return self._write('PUT', '%s/%s' % (INTERNAL, check_registry_id(registry_id)), doc)

    def registry_references(self, registry_id):
        """Who uses a registry (Zadig v4.2 and later): a list of projects with their environments.

        None when this Zadig has no such route (v4.1 answers 404 ``Invalid path``): only the delete's own
        refusal can tell then.
        """
        path = '%s/%s/references' % (INTERNAL, check_registry_id(registry_id))
        try:
            body = self.request('GET', path)
        except ZadigAPIError as exc:
            if exc.status == 404:
                return None
            raise
        return self._shape('GET', path, _answers.references, body)

    def delete_registry(self, registry_id):
        """The internal route: the OpenAPI has no delete. Deleting an absent id succeeds."""
        return self._write('DELETE', '%s/%s' % (INTERNAL, check_registry_id(registry_id)))
