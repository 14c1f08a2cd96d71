# -*- coding: utf-8 -*-
# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Private HTTP client for Zadig's image-registry API.

It speaks HTTP and maps errors; it makes no decisions about registries.
Everything that can fail raises ``ZadigAPIError``. Not a public API: this
module may change in any release.
"""

from __future__ import annotations

import base64
import re
import string
import time
import traceback
from secrets import choice as secure_choice

try:
    import requests
except ImportError:
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()
else:
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None

from ansible.module_utils.basic import env_fallback, missing_required_lib

OPENAPI = '/openapi/system/registry'
INTERNAL = '/api/aslan/system/registry/namespaces'
PUBLIC_KEY = '/api/aslan/system/rsaKey/publicKey'
REGISTRY_ID = re.compile(r'^[0-9a-f]{24}$')
RETRY_STATUSES = (502, 503, 504)
MASK = '********'
_CRYPTOGRAPHY = {}

CONNECTION_ARGUMENT_SPEC = dict(
    zadig_url=dict(type='str', required=True, fallback=(env_fallback, ['ZADIG_URL'])),
    zadig_token=dict(type='str', required=True, no_log=True, fallback=(env_fallback, ['ZADIG_TOKEN'])),
    validate_certs=dict(type='bool', default=True, fallback=(env_fallback, ['ZADIG_VALIDATE_CERTS'])),
    ca_path=dict(type='path', fallback=(env_fallback, ['ZADIG_CA_PATH'])),
    timeout=dict(type='int', default=30, fallback=(env_fallback, ['ZADIG_TIMEOUT'])),
)


class ZadigAPIError(Exception):
    """Any failure to get an answer we can use from Zadig.

    ``status`` is the HTTP status (None when no answer came), ``description``
    the server's own words, ``method`` and ``path`` the request (never its body).
    """

    def __init__(self, message, status=None, description=None, method=None, path=None, delivered=True):
        super().__init__(message)
        self.status = status
        self.description = description
        self.method = method
        self.path = path
        self.delivered = delivered

    @property
    def maybe_applied(self):
        """A write that got no answer or a 5xx may have been committed, now or later (zadig-api.md §10.3)."""
        return self.method in ('POST', 'PUT', 'DELETE') and (self.status is None or self.status >= 500)

    @property
    def safe_to_resend(self):
        """Only a write the server refused outright (503) or never received (no connection) may be sent again.

        A timeout, a dropped connection, 502 or 504 can be followed by a commit
        that lands after we look, so resending could create a duplicate.
        """
        return self.status == 503 or not self.delivered

    def as_result(self):
        return dict(status=self.status, description=self.description, method=self.method, path=self.path)


def check_registry_id(registry_id):
    """Refuse an id Zadig would misread: a malformed id silently selects another registry (§7.2)."""
    if not isinstance(registry_id, str) or not REGISTRY_ID.match(registry_id):
        raise ZadigAPIError('registry_id must be 24 lowercase hexadecimal characters (a Zadig object id), got %r'
                            % (registry_id,))
    return registry_id


def _hint(status, method, path):
    if status == 401:
        return 'authentication failed: check zadig_token (or ZADIG_TOKEN) is a valid Zadig API token'
    if status == 403:
        return 'permission denied: the user of zadig_token must be a Zadig system administrator'
    if status == 404:
        return 'check that zadig_url is the root address of the Zadig server'
    if status == 405:
        return 'this Zadig server does not offer %s on %s' % (method, path)
    if status == 400:
        return 'the server refused the request'
    return None


class ZadigClient:
    """One method per Zadig route the collection uses. Reads retry with backoff; writes never retry."""

    def __init__(self, base_url, token, validate_certs=True, ca_path=None, timeout=30, retries=3, backoff=0.5,
                 secrets=()):
        if not HAS_REQUESTS:
            raise ZadigAPIError(missing_required_lib('requests'))
        if not re.match(r'^https?://[^/\s]+', base_url or ''):
            raise ZadigAPIError('zadig_url must be an http:// or https:// address, got %r' % (base_url,))
        self.base_url = base_url.rstrip('/')
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self._secrets = [s for s in (token,) + tuple(secrets) if s]
        self._aes_key = None
        self._wrapped_key = None
        self.session = requests.Session()
        self.session.headers.update({'Authorization': 'Bearer %s' % token, 'Accept': 'application/json'})
        # Passed on every request: requests lets REQUESTS_CA_BUNDLE override a Session's own verify setting.
        self.verify = ca_path if (ca_path and validate_certs) else bool(validate_certs)

    def redact(self, text):
        for secret in self._secrets:
            text = text.replace(secret, MASK)
        return text

    def add_secrets(self, *values):
        self._secrets.extend(v for v in values if v)

    # ---- transport -------------------------------------------------------------

    def request(self, method, path, body=None, params=None):
        """Send one request and return its decoded JSON; GETs retry on network errors and 502/503/504."""
        attempts = 1 + (self.retries if method == 'GET' else 0)
        for attempt in range(attempts):
            last = attempt == attempts - 1
            try:
                response = self.session.request(method, self.base_url + path, json=body, params=params,
                                                timeout=self.timeout, allow_redirects=False, verify=self.verify)
            except requests.exceptions.SSLError as exc:
                raise self._error(method, path, 'TLS verification of %s failed (%s); set ca_path to the CA bundle '
                                  'that signed the server certificate, or validate_certs to false'
                                  % (self.base_url, _reason(exc))) from None
            except requests.exceptions.ConnectTimeout:
                if last:
                    raise self._error(method, path, 'cannot connect to Zadig at %s within %s seconds'
                                      % (self.base_url, self.timeout), delivered=False) from None
            except requests.exceptions.Timeout:
                if last:
                    raise self._error(method, path, 'no answer from %s within %s seconds (timeout)'
                                      % (self.base_url, self.timeout)) from None
            except requests.exceptions.RequestException as exc:
                if last:
                    raise self._error(method, path, 'cannot reach Zadig at %s: %s' % (self.base_url, _reason(exc)),
                                      delivered=_delivered(exc)) from None
            else:
                if response.status_code not in RETRY_STATUSES or last:
                    return self._decode(method, path, response)
            time.sleep(self.backoff * (2 ** attempt))
        raise AssertionError('unreachable')  # pragma: no cover

    def _error(self, method, path, message, status=None, description=None, delivered=True):
        message = self.redact('%s %s: %s' % (method, path, message))
        description = self.redact(description) if description else description
        return ZadigAPIError(message, status=status, description=description, method=method, path=path,
                             delivered=delivered)

    def _decode(self, method, path, response):
        status = response.status_code
        text = response.text.strip()
        try:
            body = response.json() if text else None
        except ValueError:
            body = None
        if 200 <= status < 300:
            if body is None:
                raise self._error(method, path, 'HTTP %d with a body that is not JSON; check that zadig_url is the '
                                  'root address of the Zadig server' % status, status)
            return body
        if 300 <= status < 400:
            raise self._error(method, path, 'HTTP %d redirect to %s; check zadig_url (scheme, host and no path)'
                              % (status, response.headers.get('Location', '?')), status)
        description = None
        if isinstance(body, dict):
            description = body.get('description') or body.get('reason') or None
            if not description and body.get('message'):
                description = '%s (code %s)' % (body['message'], body.get('code'))
        elif text and body is None:
            description = text[:500]
        parts = ['HTTP %d' % status]
        if description:
            parts.append(description)
        hint = _hint(status, method, path)
        if hint:
            parts.append(hint)
        elif not description:
            parts.append('the server gave no description')
        raise self._error(method, path, ': '.join(parts), status, description)

    # ---- routes ----------------------------------------------------------------

    def list_registries(self):
        """Every registry in the server's order (the OpenAPI list: no secrets, no TLS, no projects)."""
        body = self.request('GET', OPENAPI)
        if not isinstance(body, list):
            raise self._error('GET', OPENAPI, 'expected a JSON list of registries, got %s' % type(body).__name__)
        return body

    def get_registry(self, registry_id):
        path = '%s/%s' % (OPENAPI, check_registry_id(registry_id))
        body = self.request('GET', path)
        if not isinstance(body, dict) or body.get('registry_id') != registry_id:
            raise self._error('GET', path, 'Zadig answered with registry %r instead of %s; refusing to use it'
                              % (body.get('registry_id') if isinstance(body, dict) else body, registry_id))
        return body

    def create_registry(self, body):
        return self.request('POST', OPENAPI, body)

    def update_registry(self, registry_id, body):
        return self.request('PUT', '%s/%s' % (OPENAPI, check_registry_id(registry_id)), body)

    def list_registries_full(self):
        """The internal list (zadig-api.md §13): the whole model, secret_key decrypted here.

        The AES key is made and wrapped once per client, so a read-back costs one request.
        """
        crypto = _cryptography()
        if self._wrapped_key is None:
            body = self.request('GET', PUBLIC_KEY)
            try:
                public = crypto['serialization'].load_pem_public_key(body['publicKey'].encode())
            except (KeyError, TypeError, ValueError) as exc:
                raise self._error('GET', PUBLIC_KEY, 'the answer holds no usable RSA public key (%s)'
                                  % type(exc).__name__) from None
            alphabet = string.ascii_letters + string.digits
            self._aes_key = ''.join(secure_choice(alphabet) for dummy in range(32)).encode()
            self._wrapped_key = base64.b64encode(public.encrypt(self._aes_key, crypto['padding'].PKCS1v15())).decode()
        docs = self.request('GET', INTERNAL, params={'encryptedKey': self._wrapped_key})
        if not isinstance(docs, list):
            raise self._error('GET', INTERNAL, 'expected a JSON list of registries, got %s' % type(docs).__name__)
        for doc in docs:
            doc['secret_key'] = self._decrypt(doc.get('secret_key') or '')
            self.add_secrets(doc.get('access_key'), doc['secret_key'])
        return docs

    def _decrypt(self, value):
        """Hex of a 16-byte IV and AES-CFB ciphertext, under the key this client wrapped."""
        if not value:
            return ''
        try:
            raw = bytes.fromhex(value)
            crypto = _cryptography()
            cipher = crypto['Cipher'](crypto['algorithms'].AES(self._aes_key), crypto['CFB'](raw[:16]))
            decryptor = cipher.decryptor()
            return (decryptor.update(raw[16:]) + decryptor.finalize()).decode('utf-8')
        except ValueError:
            raise self._error('GET', INTERNAL, 'a stored secret_key could not be decrypted') from None

    def update_registry_full(self, registry_id, doc):
        """The internal whole-document PUT: every key omitted from ``doc`` is wiped on the server."""
        return self.request('PUT', '%s/%s' % (INTERNAL, check_registry_id(registry_id)), doc)

    def delete_registry(self, registry_id):
        """The internal route: the OpenAPI has no delete (§6). Deleting an absent id succeeds."""
        return self.request('DELETE', '%s/%s' % (INTERNAL, check_registry_id(registry_id)))


def _cryptography():
    """Import cryptography on first use: only credential comparison needs it, and it costs ~40 ms per module run."""
    if not _CRYPTOGRAPHY:
        try:
            from cryptography.hazmat.primitives import serialization  # pylint: disable=import-outside-toplevel
            from cryptography.hazmat.primitives.asymmetric import padding  # pylint: disable=import-outside-toplevel
            from cryptography.hazmat.primitives.ciphers import Cipher, algorithms  # pylint: disable=import-outside-toplevel
            try:
                from cryptography.hazmat.decrepit.ciphers.modes import CFB  # pylint: disable=import-outside-toplevel
            except ImportError:  # cryptography < 47
                from cryptography.hazmat.primitives.ciphers.modes import CFB  # pylint: disable=import-outside-toplevel
        except ImportError:
            _CRYPTOGRAPHY['error'] = traceback.format_exc()
        else:
            _CRYPTOGRAPHY.update(serialization=serialization, padding=padding, Cipher=Cipher, algorithms=algorithms,
                                 CFB=CFB)
    if 'error' in _CRYPTOGRAPHY:
        raise ZadigAPIError(missing_required_lib('cryptography') + ' (needed to compare stored credentials; '
                            'update_secrets: on_create does without)')
    return _CRYPTOGRAPHY


def _causes(exc):
    """The reasons nested in a requests exception (urllib3 wraps each in ``args[0].reason``), outermost first."""
    while True:
        yield exc
        inner = exc.args[0] if getattr(exc, 'args', None) else None
        if not hasattr(inner, 'reason'):
            return
        exc = inner.reason


def _delivered(exc):
    """False only when no connection was opened, so the request cannot have reached the server."""
    return not any(type(cause).__name__ in ('NewConnectionError', 'ConnectTimeoutError', 'NameResolutionError')
                   for cause in _causes(exc))


def _reason(exc):
    """The innermost cause of a requests exception, without object addresses."""
    text = str(list(_causes(exc))[-1])
    text = re.sub(r'<[^>]+>: ', '', text)
    return re.sub(r"HTTP(S)?ConnectionPool\([^)]*\): ", '', text)


def client_from_module(module, **kwargs):
    """Build the client from the module's connection options, failing the module cleanly when it cannot."""
    if not HAS_REQUESTS:
        module.fail_json(msg=missing_required_lib('requests'), exception=REQUESTS_IMPORT_ERROR)
    params = module.params
    try:
        return ZadigClient(params['zadig_url'], params['zadig_token'], validate_certs=params['validate_certs'],
                           ca_path=params['ca_path'], timeout=params['timeout'], **kwargs)
    except ZadigAPIError as exc:
        module.fail_json(msg=str(exc))
    return None  # pragma: no cover
