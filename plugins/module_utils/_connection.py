# -*- coding: utf-8 -*-
# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The connection options (zadig_url, zadig_token, validate_certs, ca_path, timeout): their argument spec, their
ZADIG_* environment variables, and the checks that refuse settings that cannot work before any request.
Not a public API."""

from __future__ import annotations

import os
import re
import ssl
from urllib.parse import urlsplit

from ansible.module_utils.errors import AnsibleFallbackNotFound

from ansible_collections.zadig.core.plugins.module_utils._errors import ZadigAPIError

MAX_TIMEOUT = 86400
_BASE_URL = re.compile(r'^https?://[^/\s?#@]+(/[^\s?#]*)?\Z', re.I)
_TOKEN = re.compile(r'^[\x21-\x7e]+\Z')

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
