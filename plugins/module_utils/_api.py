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
import datetime
import email.utils
import importlib.util
import json
import os
import re
import socket
import ssl
import string
import threading
import time
import traceback
import warnings
from secrets import choice as secure_choice
from urllib.parse import urlsplit

try:
    import requests
except ImportError:
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()
else:
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None

from ansible.module_utils.basic import missing_required_lib
from ansible.module_utils.errors import AnsibleFallbackNotFound

from ansible_collections.zadig.core.plugins.module_utils import _answers
from ansible_collections.zadig.core.plugins.module_utils._answers import REGISTRY_ID, ShapeError
from ansible_collections.zadig.core.plugins.module_utils._mask import Masker

OPENAPI = '/openapi/system/registry'
INTERNAL = '/api/aslan/system/registry/namespaces'
PUBLIC_KEY = '/api/aslan/system/rsaKey/publicKey'
RETRY_STATUSES = (429, 502, 503, 504)
WRITES = ('POST', 'PUT', 'DELETE')
LICENCE_CODE = 7050
MAX_TIMEOUT = 86400
_CRYPTOGRAPHY = {}
_BASE_URL = re.compile(r'^https?://[^/\s?#@]+(/[^\s?#]*)?\Z', re.I)
_TOKEN = re.compile(r'^[\x21-\x7e]+\Z')
_CONTROL_OR_SPACE = re.compile(r'[\x00-\x20\x7f]')
_TITLE = re.compile(r'<title[^>]*>(.*?)</title>', re.I | re.S)
_DOWN_HINT = ('check that Zadig is running, that zadig_url (or ZADIG_URL) names its address and port, and that this '
              'host can reach it (DNS, firewall, HTTPS_PROXY and NO_PROXY)')

ENVIRONMENT = dict(zadig_url='ZADIG_URL', zadig_token='ZADIG_TOKEN', validate_certs='ZADIG_VALIDATE_CERTS',
                   ca_path='ZADIG_CA_PATH', timeout='ZADIG_TIMEOUT')


def environment_fallback(*names, **kwargs):
    """Like Ansible's env_fallback, but a variable that is empty or only whitespace counts as unset.

    AWX and shells set variables to "" for fields left empty; that must mean
    "not given", not "an empty path" or "not a boolean". ``environ`` lets the
    action plugins pass the task's environment instead of the process's.
    """
    environ = kwargs.get('environ', os.environ)
    for name in names:
        value = environ.get(name)
        if value is not None and value.strip():
            return value
    raise AnsibleFallbackNotFound


CONNECTION_ARGUMENT_SPEC = dict(
    zadig_url=dict(type='str', required=True, fallback=(environment_fallback, ['ZADIG_URL'])),
    zadig_token=dict(type='str', required=True, no_log=True, fallback=(environment_fallback, ['ZADIG_TOKEN'])),
    validate_certs=dict(type='bool', default=True, fallback=(environment_fallback, ['ZADIG_VALIDATE_CERTS'])),
    ca_path=dict(type='path', fallback=(environment_fallback, ['ZADIG_CA_PATH'])),
    timeout=dict(type='int', default=30, fallback=(environment_fallback, ['ZADIG_TIMEOUT'])),
)


def connection_from_environment(args, environ):
    """The task's arguments with each connection option it leaves out taken from ``environ`` (ZADIG_*).

    As for a module, an option given as null is not left out: it stays null.
    """
    args = dict(args)
    for option, name in ENVIRONMENT.items():
        if option not in args:
            try:
                args[option] = environment_fallback(name, environ=environ)
            except AnsibleFallbackNotFound:
                pass
    return args


class _Again(Exception):
    """A read that failed in a way the same read may not: try it once more, after ``wait`` seconds when the server
    said how long (``Retry-After``), else after the back-off."""

    def __init__(self, wait=None):
        super().__init__(wait)
        self.wait = wait


class _Late(Exception):
    """The request did not end within its deadline; ``connected``: a connection was ready to carry it, so it may
    have been delivered."""

    def __init__(self, connected=True):
        super().__init__(connected)
        self.connected = connected


class ZadigAPIError(Exception):
    """Any failure to get an answer we can use from Zadig.

    ``status`` is the HTTP status (None when no answer came), ``description``
    the server's own words, ``method`` and ``path`` the request (never its body).
    ``uncertain`` marks a write whose answer does not say whether it was saved.
    """

    def __init__(self, message, status=None, description=None, method=None, path=None, delivered=True,
                 uncertain=False, code=None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.description = description
        self.method = method
        self.path = path
        self.delivered = delivered
        self.uncertain = uncertain
        self.retry_after = None  # seconds a 429 or 503 asked to wait (Retry-After), when it said

    @property
    def licence(self):
        """Zadig's licence check refused the request: its edition lacks a Professional or Enterprise licence."""
        return self.status == 400 and self.code == LICENCE_CODE

    @property
    def maybe_applied(self):
        """A write that got no answer, a 5xx or an answer we cannot read may have been committed: Zadig writes, then
        syncs its DinD, and a failed sync answers 500 after the commit."""
        return self.method in WRITES and (self.status is None or self.status >= 500 or self.uncertain)

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
    """Refuse an id Zadig would misread: Zadig drops a filter on an id it cannot parse,
    so a malformed id reads, and updates, the first registry instead."""
    if not isinstance(registry_id, str) or not REGISTRY_ID.match(registry_id):
        raise ZadigAPIError('registry_id must be 24 lowercase hexadecimal characters (a Zadig object id), got %r'
                            % (registry_id,))
    return registry_id


def _hint(status, method, path, reason=None, code=None):
    if status == 400 and code == LICENCE_CODE:
        return ("Zadig's licence check refused it: this Zadig edition has no Professional or Enterprise licence, "
                'which Zadig requires to change an ecr (or jfrog, acr-enterprise, tcr-enterprise) registry after '
                'its creation')
    if status == 401:
        return ('authentication failed: check zadig_token (or ZADIG_TOKEN) is a valid Zadig API token; from '
                "Zadig v4.3 on it must also be the user's current token (Zadig replaces it, for example when "
                'MFA becomes required) and the user must be allowed API tokens')
    if status == 403 and reason:
        return ('Zadig requires multi-factor authentication for the user of zadig_token (%s): make a new API token '
                'in Zadig after verifying MFA, or use a service account that needs none' % reason)
    if status == 403:
        return 'permission denied: the user of zadig_token must be a Zadig system administrator'
    if status == 404:
        return 'check that zadig_url is the root address of the Zadig server'
    if status == 405:
        return 'this Zadig server does not offer %s on %s' % (method, path)
    if status == 400:
        return 'the server refused the request'
    return None


def _valid_authority(base_url):
    """A host requests can use, and a port in range: urlsplit raises or returns None on what would fail later."""
    try:
        parts = urlsplit(base_url)
        port = parts.port
    except ValueError:
        return False
    host = parts.hostname or ''
    return bool(host.strip('.')) and (port is None or 0 < port <= 65535)


def check_connection(base_url, token, validate_certs, ca_path, timeout):
    """Refuse connection settings that cannot work, before any request; returns (base_url, token) trimmed.

    The messages name the option and never show the token.
    """
    base_url = base_url.strip() if isinstance(base_url, str) else base_url
    if isinstance(base_url, str) and '@' in base_url.split('://', 1)[-1].split('/', 1)[0]:
        raise ZadigAPIError('zadig_url must not hold a user name or password (the token authenticates); it is not '
                            'repeated here, as it may hold a password')
    if not base_url or not _BASE_URL.match(base_url) or not _valid_authority(base_url):
        raise ZadigAPIError('zadig_url must be an http:// or https:// address with a host and an optional port '
                            '(1-65535), and no spaces, control characters, user name, query or fragment, got %r'
                            % (base_url,))
    if not isinstance(token, str) or not token.strip():
        raise ZadigAPIError('zadig_token is empty: set it (or ZADIG_TOKEN) to a Zadig API token')
    token = token.strip()
    if not _TOKEN.match(token):
        raise ZadigAPIError('zadig_token must be a Zadig API token: one word of printable ASCII characters, without '
                            'spaces, control characters or non-ASCII characters inside it')
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not 0 < timeout <= MAX_TIMEOUT:
        raise ZadigAPIError('timeout must be a positive number of seconds, at most %d (option timeout or '
                            'ZADIG_TIMEOUT), got %r' % (MAX_TIMEOUT, timeout))
    if ca_path and validate_certs:
        if not os.path.exists(ca_path):
            raise ZadigAPIError('ca_path %s does not exist (option ca_path or ZADIG_CA_PATH)' % ca_path)
        if not os.access(ca_path, os.R_OK):
            raise ZadigAPIError('ca_path %s cannot be read by this user' % ca_path)
        if os.path.isfile(ca_path):
            try:
                ssl.create_default_context(cafile=ca_path)
            except (ssl.SSLError, ValueError, OSError) as exc:
                raise ZadigAPIError('ca_path %s holds no usable PEM CA certificate (%s)'
                                    % (ca_path, getattr(exc, 'reason', None) or type(exc).__name__)) from None
    return base_url.rstrip('/'), token


class ZadigClient:
    """One method per Zadig route the collection uses. Reads retry with backoff; writes never retry.

    ``warnings`` collects what the task should tell the user once, in words.
    """

    def __init__(self, base_url, token, validate_certs=True, ca_path=None, timeout=30, retries=3, backoff=0.5,
                 secrets=(), environ=None):
        if not HAS_REQUESTS:
            raise ZadigAPIError(missing_required_lib('requests'))
        self._masker = Masker()
        self.add_secrets(token if isinstance(token, str) else None, *secrets)
        self.base_url, token = check_connection(base_url, token, validate_certs, ca_path, timeout)
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self._aes_key = None
        self._wrapped_key = None
        self.warnings = []
        if not validate_certs and self.base_url.lower().startswith('https://'):
            self.warnings.append('validate_certs is false: the TLS certificate of %s is not verified, so the token '
                                 'could be read by whoever answers in its place; set ca_path to the CA that signed '
                                 'it instead' % self.base_url)
        if ca_path and not validate_certs:
            self.warnings.append('ca_path is ignored because validate_certs is false')
        environ = os.environ if environ is None else environ
        self.session = requests.Session()
        if hasattr(self.session, 'mount'):
            self.session.mount('https://', _adapter())
            self.session.mount('http://', _adapter())
        # The environment is the task's, passed in: proxies and CA bundle come from it, and a ~/.netrc entry for
        # the host can never replace the bearer token (requests applies netrc only when it trusts the environment).
        self.session.trust_env = False
        self.session.headers.update({'Authorization': 'Bearer %s' % token, 'Accept': 'application/json'})
        self.proxies, self.proxy = _proxies(self.base_url, environ)
        if self.proxy is not None:
            self.add_secrets(self.proxy.password)
        if ca_path and validate_certs:
            self.verify = ca_path
        elif validate_certs:
            self.verify = _environ(environ, 'REQUESTS_CA_BUNDLE', 'CURL_CA_BUNDLE') or True
        else:
            self.verify = False

    def redact(self, text):
        return self._masker.redact(text)

    def add_secrets(self, *values):
        """Mask these values, in every form they can take, in every message from now on."""
        self._masker.add(*values)

    # ---- transport -------------------------------------------------------------

    def request(self, method, path, body=None, params=None):
        """Send one request and return its decoded JSON.

        A GET is repeated, with backoff, after a network error, a 429/502/503/504 (waiting what ``Retry-After``
        asks, when that fits in ``timeout``), or an answer cut off, garbled or late on the way: reading twice
        changes nothing. A write is never repeated here. Home-made rather than urllib3's ``Retry``: that one
        cannot repeat a read whose body broke after the headers, nor keep ``Retry-After`` within the task's time.
        """
        attempts = 1 + (self.retries if method == 'GET' else 0)
        for attempt in range(attempts):
            last = attempt == attempts - 1
            try:
                return self._attempt(method, path, body, params, last)
            except _Again as again:
                time.sleep(again.wait if again.wait is not None else self.backoff * (2 ** attempt))
        raise AssertionError('unreachable')  # pragma: no cover

    def _attempt(self, method, path, body, params, last):
        """One try, within ``timeout`` seconds as a whole (connecting, the headers and every byte of the body).

        Raises ``_Again`` when a GET may be tried once more, else the final ``ZadigAPIError``.
        """
        again = method == 'GET' and not last
        deadline = _Deadline(self.timeout)
        try:
            with warnings.catch_warnings(), deadline:
                # Said once, in words, through the task's warnings instead (see __init__).
                warnings.simplefilter('ignore', requests.packages.urllib3.exceptions.InsecureRequestWarning)
                try:
                    response = self.session.request(method, self.base_url + path, json=body, params=params,
                                                    timeout=self.timeout, allow_redirects=False, verify=self.verify,
                                                    proxies=self.proxies, stream=True)
                    content = _read_body(response)
                except Exception:
                    if deadline.cut:
                        raise _Late(deadline.connected) from None
                    raise
                if deadline.cut:
                    raise _Late(deadline.connected)
        except _Late as late:
            if again:
                raise _Again() from None
            if not late.connected:
                raise self._error(method, path, 'cannot connect to Zadig at %s within %s seconds (timeout): %s '
                                  'took the connection but did not complete it'
                                  % (self.base_url, self.timeout, 'the proxy %s (from %s)'
                                     % (self.proxy.shown, self.proxy.variable) if self.proxy else 'the server'),
                                  delivered=False) from None
            raise self._error(method, path, 'the answer from %s did not arrive in full within %s seconds (timeout; '
                              'a slow link or a buffering proxy)' % (self.base_url, self.timeout)) from None
        except requests.exceptions.SSLError as exc:
            reason = _reason(exc)
            # What OpenSSL says when the port answers in plain HTTP (or another protocol) to a TLS hello.
            if re.search(r'WRONG_VERSION_NUMBER|wrong version number|RECORD_LAYER_FAILURE|record layer failure|'
                         r'PACKET_LENGTH_TOO_LONG|packet length too long|UNKNOWN_PROTOCOL|unknown protocol|'
                         r'HTTP_REQUEST|http request', reason):
                raise self._error(method, path, 'the server at %s does not speak TLS on that port (%s): it answered '
                                  'the TLS handshake in plain HTTP or another protocol; if Zadig serves plain HTTP '
                                  'there, use http:// in zadig_url (or ZADIG_URL), else check the port'
                                  % (self.base_url, reason)) from None
            if self.verify is False:
                raise self._error(method, path, 'the TLS handshake with %s failed (%s); validate_certs is already '
                                  'false, so the certificate is not the cause: check the port, and the TLS '
                                  'settings of Zadig or of the proxy in front of it' % (self.base_url, reason)) from None
            raise self._error(method, path, 'TLS verification of %s failed (%s); set ca_path to the CA bundle '
                              'that signed the server certificate, or validate_certs to false'
                              % (self.base_url, reason)) from None
        except requests.exceptions.ProxyError as exc:
            raise self._proxy_error(method, path, exc, again) from None
        except requests.exceptions.ConnectTimeout:
            if again:
                raise _Again() from None
            raise self._error(method, path, 'cannot connect to Zadig at %s within %s seconds; %s'
                              % (self.base_url, self.timeout, _DOWN_HINT), delivered=False) from None
        except requests.exceptions.Timeout as exc:
            if self.proxy and deadline.unconnected:
                raise self._proxy_error(method, path, exc, again) from None
            if again:
                raise _Again() from None
            raise self._error(method, path, 'no answer from %s within %s seconds (timeout)'
                              % (self.base_url, self.timeout), delivered=not deadline.unconnected) from None
        except (requests.exceptions.ChunkedEncodingError, requests.exceptions.ContentDecodingError) as exc:
            if again:
                raise _Again() from None
            raise self._error(method, path, 'the answer from %s was cut off or garbled on the way (%s); a proxy '
                              'or the network broke it' % (self.base_url, _reason(exc))) from None
        except (requests.exceptions.InvalidURL, requests.exceptions.InvalidHeader,
                requests.exceptions.InvalidSchema, requests.exceptions.MissingSchema) as exc:
            if self.proxy:
                raise self._error(method, path, 'the request could not be built (%s): check the proxy %s from %s, '
                                  'and zadig_url' % (type(exc).__name__, self.proxy.shown, self.proxy.variable),
                                  delivered=False) from None
            raise self._error(method, path, 'the request could not be built (%s): check zadig_url and '
                              'zadig_token' % type(exc).__name__, delivered=False) from None
        except requests.exceptions.RequestException as exc:
            if self.proxy and deadline.unconnected:
                raise self._proxy_error(method, path, exc, again) from None
            if again:
                raise _Again() from None
            if _cut_off(exc):
                raise self._error(method, path, 'the answer from %s was cut off before its end (%s); a proxy '
                                  'or the network broke it' % (self.base_url, _reason(exc))) from None
            raise self._error(method, path, 'cannot reach Zadig at %s: %s; %s'
                              % (self.base_url, _reason(exc), _DOWN_HINT), delivered=_delivered(exc)) from None
        except (OSError, ValueError, UnicodeError) as exc:
            raise self._error(method, path, 'could not send the request to %s (%s: %s)'
                              % (self.base_url, type(exc).__name__, exc), delivered=False) from None
        if response.status_code in RETRY_STATUSES and again:
            wait = _retry_after(response.headers.get('Retry-After'))
            if wait is None or wait <= self.timeout:
                raise _Again(wait)
        return self._decode(method, path, response, content, again)

    def _proxy_error(self, method, path, exc, again):
        """A proxy's refusal in words, naming the proxy and the variable it came from (never its password)."""
        proxy = self.proxy or _Proxy('the proxy', 'the environment')
        reason = _reason(exc)
        if re.search(r'\b407\b', ' '.join(_texts(exc))):
            return self._error(method, path, 'the proxy %s (from %s) refused authentication (HTTP 407 Proxy '
                               'Authentication Required): check the user name and password in %s'
                               % (proxy.shown, proxy.variable, proxy.variable), 407, delivered=False)
        if again:
            return _Again()
        return self._error(method, path, 'cannot reach Zadig through the proxy %s (from %s): %s; check that the '
                           'proxy runs and is reachable, or set no_proxy for %s'
                           % (proxy.shown, proxy.variable, reason, urlsplit(self.base_url).hostname),
                           delivered=False)

    def _error(self, method, path, message, status=None, description=None, delivered=True, uncertain=False,
               code=None):
        message = self.redact('%s %s: %s' % (method, path, message))
        description = self.redact(description) if description else description
        return ZadigAPIError(message, status=status, description=description, method=method, path=path,
                             delivered=delivered, uncertain=uncertain, code=code)

    def _decode(self, method, path, response, content, again=False):
        """The answer's JSON, or the error it means. ``again``: a GET that may be read once more when cut off."""
        status = response.status_code
        content_type = (response.headers.get('Content-Type') or '').split(';')[0].strip().lower()
        text = content.decode(response.encoding or 'utf-8', errors='replace').strip()
        html = content_type in ('text/html', 'application/xhtml+xml') or text[:1] == '<'
        body = None
        if text and not html:
            try:
                body = json.loads(text)
            except (ValueError, RecursionError):
                body = None
        if 200 <= status < 300:
            if body is None and again and (not text or text[0] in '[{'):
                raise _Again()  # no body, or JSON that stops short: an answer closed early, without a length to tell
            if html:
                raise self._error(method, path, 'HTTP %d with an HTML page%s, not JSON: a proxy, a single sign-on '
                                  'or a login page answered instead of Zadig; check zadig_url'
                                  % (status, _title(text)), status, uncertain=method in WRITES)
            if body is None:
                what = 'a JSON null' if text == 'null' else 'a body that is not JSON (%s)' % (
                    content_type or 'no content type')
                raise self._error(method, path, 'HTTP %d with %s; check that zadig_url is the root address of the '
                                  'Zadig server' % (status, what), status, uncertain=method in WRITES)
            return body
        if 300 <= status < 400:
            raise self._error(method, path, 'HTTP %d redirect to %s; check zadig_url (scheme, host and no path)'
                              % (status, _one_line(response.headers.get('Location') or '?')), status)
        if html:
            raise self._error(method, path, 'HTTP %d with an HTML page%s (%s): a proxy or load balancer answered, '
                              'not Zadig; check that Zadig is running behind it and that zadig_url is right'
                              % (status, _title(text), content_type or 'no content type'), status)
        description = code = None
        if isinstance(body, dict):
            code = body.get('code') if isinstance(body.get('code'), int) and not isinstance(body.get('code'), bool) \
                else None
            description = self._text(body.get('description')) or self._text(body.get('reason')) or None
            if not description and self._text(body.get('message')):
                description = '%s (code %s)' % (self._text(body['message']), self._text(body.get('code')))
        elif text and body is None:
            description = self._text(text)
        parts = ['HTTP %d' % status]
        if description:
            parts.append(description)
        reason = _one_line(response.headers.get('x-zadig-auth-reason') or '', 80) or None
        if reason and not description:
            description = reason
        hint = _hint(status, method, path, reason, code)
        if status == 407:
            proxy = self.proxy or _Proxy('a proxy', 'the environment')
            hint = ('the proxy %s (from %s) refused authentication: check the user name and password in %s'
                    % (proxy.shown, proxy.variable, proxy.variable))
        wait = _retry_after(response.headers.get('Retry-After')) if status in RETRY_STATUSES else None
        if wait is not None and wait > self.timeout:
            hint = ('%s asked to be asked again in %d seconds, longer than timeout (%s seconds): rerun later, or '
                    'raise timeout' % ('a gateway' if status == 429 else 'Zadig', wait, self.timeout))
        if hint:
            parts.append(hint)
        elif not description:
            parts.append('the server gave no description')
        error = self._error(method, path, ': '.join(parts), status, description, code=code)
        error.retry_after = wait
        raise error

    def _text(self, value):
        """Words the server sent, secrets masked first (before any flattening or cut could hide one), on one line."""
        if value is None or value == '':
            return None
        return _one_line(self.redact(value if isinstance(value, str) else json.dumps(value)))

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

    # ---- routes ----------------------------------------------------------------

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
        crypto = _cryptography()
        if self._wrapped_key is None:
            pem = self._shape('GET', PUBLIC_KEY, _answers.public_key, self.request('GET', PUBLIC_KEY))
            try:
                public = load_public_key(pem, crypto)
                alphabet = string.ascii_letters + string.digits
                aes_key = ''.join(secure_choice(alphabet) for dummy in range(32)).encode()
                wrapped = public.encrypt(aes_key, crypto['padding'].PKCS1v15())
            except Exception:  # pylint: disable=broad-exception-caught
                # cryptography raises ValueError, TypeError, UnsupportedAlgorithm... for a key it cannot use
                raise self._error('GET', PUBLIC_KEY, 'the answer holds no usable RSA public key (a PEM of an RSA '
                                  'public key, at least 1024 bits, is expected)') from None
            self._aes_key = aes_key
            self._wrapped_key = base64.b64encode(wrapped).decode()
        docs = self.request('GET', INTERNAL, params={'encryptedKey': self._wrapped_key})
        docs = self._shape('GET', INTERNAL, _answers.internal_registries, docs)
        for doc in docs:
            doc['secret_key'] = self._decrypt(doc['secret_key'])
            self.add_secrets(doc['access_key'], doc['secret_key'])
        return docs

    def _decrypt(self, value):
        """Hex of a 16-byte IV and AES-CFB ciphertext, under the key this client wrapped."""
        if not value:
            return ''
        try:
            raw = bytes.fromhex(value)
            if len(raw) < 16:
                raise ValueError('too short')
            crypto = _cryptography()
            cipher = crypto['Cipher'](crypto['algorithms'].AES(self._aes_key), crypto['CFB'](raw[:16]))
            decryptor = cipher.decryptor()
            return (decryptor.update(raw[16:]) + decryptor.finalize()).decode('utf-8')
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


def _environ(environ, *names):
    return next((environ[name] for name in names if (environ.get(name) or '').strip()), None)


class _Proxy:
    """The proxy requests will use for Zadig: ``shown`` without any password, and the variable it came from."""

    def __init__(self, shown, variable, password=None):
        self.shown = shown
        self.variable = variable
        self.password = password


PROXY_SCHEMES = ('http', 'https', 'socks4', 'socks4a', 'socks5', 'socks5h')


def _proxies(base_url, environ):
    """The proxies the task's environment names for ``base_url``, as requests would pick them from os.environ, and
    the one it will use (a ``_Proxy``, or None). A malformed proxy fails here, before any request, naming it."""
    proxies, names = {}, {}
    for name, value in environ.items():
        lowered = name.lower()
        if lowered.endswith('_proxy') and lowered != 'no_proxy' and value and (
                name == lowered or lowered[:-6] not in proxies):
            proxies[lowered[:-6]] = value
            names[lowered[:-6]] = name
    if not proxies:
        return {}, None
    no_proxy = _environ(environ, 'no_proxy', 'NO_PROXY') or ''
    if requests.utils.should_bypass_proxies(base_url, no_proxy=no_proxy):
        return {}, None
    scheme = urlsplit(base_url).scheme.lower()
    key = scheme if scheme in proxies else 'all' if 'all' in proxies else None
    if key is None:
        return proxies, None
    return proxies, _check_proxy(proxies[key].strip(), names[key])


def _check_proxy(value, variable):
    """The proxy of ``variable``, checked as requests and urllib3 will read it (no scheme means http://)."""
    text = value if '://' in value else 'http://' + value
    parts = urlsplit(text)
    host = parts.hostname or ''
    shown = '%s://%s%s' % (parts.scheme, '***@' if '@' in parts.netloc else '', parts.netloc.rpartition('@')[2])
    proxy = _Proxy(shown, variable, parts.password)
    problem = None
    try:
        port = parts.port
    except ValueError:
        problem = 'its port must be a number from 1 to 65535'
    else:
        if port is not None and not 0 < port <= 65535:
            problem = 'its port must be a number from 1 to 65535'
    if parts.scheme.lower() not in PROXY_SCHEMES:
        problem = 'its scheme must be one of %s' % ', '.join(PROXY_SCHEMES)
    elif parts.scheme.lower().startswith('socks') and importlib.util.find_spec('socks') is None:
        problem = 'a SOCKS proxy needs the PySocks library (pip install requests[socks]) in the Python that runs ' \
                  'the task'
    elif not host.strip('.'):
        problem = 'it has no host'
    elif _CONTROL_OR_SPACE.search(text):
        problem = 'it holds spaces or control characters'
    if problem:
        raise ZadigAPIError('the proxy %s in %s cannot be used to reach Zadig: %s. Fix %s, or name Zadig\'s host in '
                            'NO_PROXY to reach it directly' % (_one_line(shown, 120), variable, problem, variable))
    return proxy


def _retry_after(value):
    """The seconds a ``Retry-After`` header asks to wait (a number, or an HTTP date), None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return int(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=datetime.timezone.utc)
    return max(0, int((when - datetime.datetime.now(datetime.timezone.utc)).total_seconds() + 0.999))


def _read_body(response):
    """Every byte of the answer; ``_Deadline`` bounds the time it may take."""
    try:
        return b''.join(response.iter_content(65536))
    finally:
        response.close()


_DEADLINE = threading.local()


class _Deadline:
    """The deadline of one request: when it passes, every socket the request connected or reused is shut down.

    requests' timeout bounds connecting and each read of the socket, not the
    request: a server or proxy that trickles its headers or its body, or stalls
    a CONNECT or a TLS handshake a few bytes at a time, could hold a task for
    ever. Shutting the socket down ends whatever call is blocked on it, whatever
    the library versions. The connections of the session's pools hand their
    sockets over (``_WatchedConnection``); each is kept as a duplicate, which
    stays usable while TLS takes the original over.
    """

    def __init__(self, seconds):
        self.cut = False  # the deadline passed and a socket of the request was shut down
        self.connected = False  # a connection was ready to carry the request: it may have been delivered
        self.watched = False  # a connection of the request was seen at all (not so with a stand-in session)
        self._fired = False
        self._socks = {}
        self._lock = threading.Lock()
        self._timer = threading.Timer(max(0.0, seconds), self._fire)
        self._timer.daemon = True

    def __enter__(self):
        _DEADLINE.current = self
        self._timer.start()
        return self

    def __exit__(self, *_exc_info):
        self._timer.cancel()
        _DEADLINE.current = None
        with self._lock:
            socks, self._socks = self._socks, None
        for sock in socks.values():
            sock.close()

    @property
    def unconnected(self):
        """The request failed while its connection was being opened (to a proxy, through its CONNECT, or in the
        TLS handshake): nothing of it can have reached Zadig."""
        return self.watched and not self.connected

    def watch(self, sock):
        """Shut ``sock`` down at the deadline, at once if it passed already."""
        self.watched = True
        try:
            number = sock.fileno()
            duplicate = socket.socket(fileno=os.dup(number))
        except (OSError, AttributeError, ValueError):
            return  # closed already (fileno -1), or not a socket
        with self._lock:
            if self._socks is None or number in self._socks:
                duplicate.close()
                return
            self._socks[number] = duplicate
            if self._fired:
                self._shut(duplicate)

    def _fire(self):
        with self._lock:
            self._fired = True
            for sock in (self._socks or {}).values():
                self._shut(sock)

    def _shut(self, sock):
        self.cut = True
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def _watch(sock=None, connected=False):
    deadline = getattr(_DEADLINE, 'current', None)
    if deadline is not None:
        if sock is not None:
            deadline.watch(sock)
        if connected:
            deadline.watched = deadline.connected = True


class _WatchedConnection:  # pylint: disable=no-member
    """Mixed into urllib3's connection classes: hands the request's deadline every socket it opens or reuses."""

    def _new_conn(self):
        sock = super()._new_conn()
        _watch(sock)
        return sock

    def connect(self):
        super().connect()
        _watch(connected=True)

    def putrequest(self, *args, **kwargs):
        if self.sock is not None:
            _watch(self.sock, connected=True)
        return super().putrequest(*args, **kwargs)


_WATCHED_POOLS = {}


def _watched_pools(manager):
    """Make a urllib3 pool manager build pools whose connections hand their sockets to the request's deadline:
    plain, TLS, through a proxy (CONNECT or not) or SOCKS alike."""
    classes = getattr(manager, 'pool_classes_by_scheme', None)
    if isinstance(classes, dict):
        manager.pool_classes_by_scheme = {scheme: _watched_pool(pool) for scheme, pool in classes.items()}


def _watched_pool(pool):
    if pool not in _WATCHED_POOLS and not getattr(pool, 'zadig_watched', False):
        connection = type('Watched' + pool.ConnectionCls.__name__, (_WatchedConnection, pool.ConnectionCls), {})
        _WATCHED_POOLS[pool] = type('Watched' + pool.__name__, (pool,),
                                    {'ConnectionCls': connection, 'zadig_watched': True})
    return _WATCHED_POOLS.get(pool, pool)


def _adapter():
    """requests' adapter, its pools' connections watched by the request's deadline (``_Deadline``)."""

    class Adapter(requests.adapters.HTTPAdapter):
        def init_poolmanager(self, *args, **kwargs):
            super().init_poolmanager(*args, **kwargs)
            _watched_pools(self.poolmanager)

        def proxy_manager_for(self, proxy, **proxy_kwargs):
            manager = super().proxy_manager_for(proxy, **proxy_kwargs)
            _watched_pools(manager)
            return manager

    return Adapter()


_PEM = re.compile(r'-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \1-----', re.S)


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


def _one_line(text, limit=300):
    text = re.sub(r'\s+', ' ', re.sub(r'[\x00-\x08\x0b-\x1f\x7f]', '', str(text))).strip()
    return text if len(text) <= limit else text[:limit] + '...'


def _title(html):
    match = _TITLE.search(html)
    return ' "%s"' % _one_line(match.group(1), 80) if match and match.group(1).strip() else ''


def _cryptography():
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


def _causes(exc):
    """The reasons nested in a requests exception (urllib3 wraps each in ``args[0].reason``), outermost first."""
    while True:
        yield exc
        inner = exc.args[0] if getattr(exc, 'args', None) else None
        if not hasattr(inner, 'reason'):
            return
        exc = inner.reason


def _texts(exc, depth=0):
    """Every message nested in an exception (urllib3 puts the proxy's answer in a second argument)."""
    if depth > 8:
        return
    for arg in getattr(exc, 'args', ()) or ():
        if isinstance(arg, BaseException):
            yield from _texts(arg, depth + 1)
        else:
            yield str(arg)
    reason = getattr(exc, 'reason', None)
    if isinstance(reason, BaseException):
        yield from _texts(reason, depth + 1)


def _cut_off(exc):
    """An answer that stopped before its announced end: retrying a proxy that truncates does not help."""
    return any(type(cause).__name__ in ('IncompleteRead', 'InvalidChunkLength') or 'IncompleteRead' in str(cause)
               for cause in _causes(exc))


def _delivered(exc):
    """False only when no connection was opened, so the request cannot have reached the server."""
    return not any(type(cause).__name__ in ('NewConnectionError', 'ConnectTimeoutError', 'NameResolutionError')
                   for cause in _causes(exc))


def _reason(exc):
    """The innermost cause of a requests exception, in words, without object addresses."""
    cause = list(_causes(exc))[-1]
    while getattr(cause, 'args', None) and isinstance(cause.args[0], Exception):
        cause = cause.args[0]
    args = getattr(cause, 'args', None)
    text = args[0] if args and isinstance(args[0], str) else str(cause)
    text = re.sub(r'<[^>]+>: ', '', text)
    return re.sub(r'HTTPS?Connection(Pool)?\([^)]*\): ', '', text)
