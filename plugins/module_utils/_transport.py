# -*- coding: utf-8 -*-
# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The HTTP between the controller and Zadig: one session per task, a deadline per request, retried reads,
proxies, and every way a request can fail turned into one ``ZadigAPIError`` in words. It makes no decisions about
registries. Not a public API."""

from __future__ import annotations

import datetime
import email.utils
import json
import os
import re
import traceback
import time
import warnings
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

from ansible_collections.zadig.core.plugins.module_utils._connection import check_connection
from ansible_collections.zadig.core.plugins.module_utils._deadline import Deadline, watched_adapter
from ansible_collections.zadig.core.plugins.module_utils._errors import DOWN_HINT, WRITES, ZadigAPIError, hint_for, one_line, title
from ansible_collections.zadig.core.plugins.module_utils._mask import Masker
from ansible_collections.zadig.core.plugins.module_utils._proxies import Proxy, environ_value, proxies_for

RETRY_STATUSES = (429, 502, 503, 504)


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


class Transport:
    """Requests to one Zadig, each within ``timeout`` seconds, reads retried with backoff, writes never; every
    message masked of the task's secrets.

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
            self.session.mount('https://', watched_adapter())
            self.session.mount('http://', watched_adapter())
        # The environment is the task's, passed in: proxies and CA bundle come from it, and a ~/.netrc entry for
        # the host can never replace the bearer token (requests applies netrc only when it trusts the environment).
        self.session.trust_env = False
        self.session.headers.update({'Authorization': 'Bearer %s' % token, 'Accept': 'application/json'})
        self.proxies, self.proxy = proxies_for(self.base_url, environ)
        if self.proxy is not None:
            self.add_secrets(self.proxy.password)
        if ca_path and validate_certs:
            self.verify = ca_path
        elif validate_certs:
            self.verify = environ_value(environ, 'REQUESTS_CA_BUNDLE', 'CURL_CA_BUNDLE') or True
        else:
            self.verify = False

    def redact(self, text):
        return self._masker.redact(text)

    def add_secrets(self, *values):
        """Mask these values, in every form they can take, in every message from now on."""
        self._masker.add(*values)

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
        deadline = Deadline(self.timeout)
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
                              % (self.base_url, self.timeout, DOWN_HINT), delivered=False) from None
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
                              % (self.base_url, _reason(exc), DOWN_HINT), delivered=_delivered(exc)) from None
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
        proxy = self.proxy or Proxy('the proxy', 'the environment')
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
                                  % (status, title(text)), status, uncertain=method in WRITES)
            if body is None:
                what = 'a JSON null' if text == 'null' else 'a body that is not JSON (%s)' % (
                    content_type or 'no content type')
                raise self._error(method, path, 'HTTP %d with %s; check that zadig_url is the root address of the '
                                  'Zadig server' % (status, what), status, uncertain=method in WRITES)
            return body
        if 300 <= status < 400:
            raise self._error(method, path, 'HTTP %d redirect to %s; check zadig_url (scheme, host and no path)'
                              % (status, one_line(response.headers.get('Location') or '?')), status)
        if html:
            raise self._error(method, path, 'HTTP %d with an HTML page%s (%s): a proxy or load balancer answered, '
                              'not Zadig; check that Zadig is running behind it and that zadig_url is right'
                              % (status, title(text), content_type or 'no content type'), status)
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
        reason = one_line(response.headers.get('x-zadig-auth-reason') or '', 80) or None
        if reason and not description:
            description = reason
        hint = hint_for(status, method, path, reason, code)
        if status == 407:
            proxy = self.proxy or Proxy('a proxy', 'the environment')
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
        return one_line(self.redact(value if isinstance(value, str) else json.dumps(value)))


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
    """Every byte of the answer; ``Deadline`` bounds the time it may take."""
    try:
        return b''.join(response.iter_content(65536))
    finally:
        response.close()


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
