# -*- coding: utf-8 -*-
# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The proxy a request to Zadig goes through, read from the task's environment as requests reads os.environ, and
checked before any request so that a malformed one is named. Not a public API."""

from __future__ import annotations

import importlib.util
import re
from urllib.parse import urlsplit

try:
    import requests
except ImportError:
    pass  # the modules say requests is missing before any client is made

from ansible_collections.zadig.core.plugins.module_utils._errors import ZadigAPIError, one_line

_CONTROL_OR_SPACE = re.compile(r'[\x00-\x20\x7f]')


def environ_value(environ, *names):
    return next((environ[name] for name in names if (environ.get(name) or '').strip()), None)


class Proxy:
    """The proxy requests will use for Zadig: ``shown`` without any password, and the variable it came from."""

    def __init__(self, shown, variable, password=None):
        self.shown = shown
        self.variable = variable
        self.password = password


PROXY_SCHEMES = ('http', 'https', 'socks4', 'socks4a', 'socks5', 'socks5h')


def proxies_for(base_url, environ):
    """The proxies the task's environment names for ``base_url``, as requests would pick them from os.environ, and
    the one it will use (a ``Proxy``, or None). A malformed proxy fails here, before any request, naming it."""
    proxies, names = {}, {}
    for name, value in environ.items():
        lowered = name.lower()
        if lowered.endswith('_proxy') and lowered != 'no_proxy' and value and (
                name == lowered or lowered[:-6] not in proxies):
            proxies[lowered[:-6]] = value
            names[lowered[:-6]] = name
    if not proxies:
        return {}, None
    no_proxy = environ_value(environ, 'no_proxy', 'NO_PROXY') or ''
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
    proxy = Proxy(shown, variable, parts.password)
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
                            'NO_PROXY to reach it directly' % (one_line(shown, 120), variable, problem, variable))
    return proxy
