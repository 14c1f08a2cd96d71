# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Opt-in faults for the Zadig simulator, and the pages a reverse proxy answers with.

None of this is Zadig's behaviour: by default the simulator injects no fault and
serves every route at the root, as Zadig does.  Tests opt in, to see how
the client copes with what a network, a proxy or a broken server can do.

Imported by ``zadig_simulator.py`` both as a package module and when the
simulator runs as a script; it imports nothing from it.
"""

from __future__ import annotations

import json
import re

# nginx's own error pages (ngx_http_special_response.c): the reason text of its status lines and titles.
NGINX_REASONS = {
    400: 'Bad Request', 401: 'Authorization Required', 403: 'Forbidden', 404: 'Not Found', 405: 'Not Allowed',
    408: 'Request Time-out', 413: 'Request Entity Too Large', 429: 'Too Many Requests',
    500: 'Internal Server Error', 501: 'Not Implemented', 502: 'Bad Gateway',
    503: 'Service Temporarily Unavailable', 504: 'Gateway Time-out',
}
HTML = 'text/html'

# What a captive portal or an SSO proxy answers, with 200, in place of the API.
LOGIN_PAGE = ('<!DOCTYPE html>\n<html>\n<head><title>Sign in</title></head>\n<body>\n'
              '<form method="post" action="/login">\n<input name="username"><input name="password" type="password">\n'
              '<button type="submit">Sign in</button>\n</form>\n</body>\n</html>\n')

_UNSET = object()


def proxy_page(status):
    """The HTML page nginx sends for ``status``; for 200, a login page (captive portal, SSO proxy)."""
    if status == 200:
        return LOGIN_PAGE
    title = '%d %s' % (status, NGINX_REASONS.get(status, 'Error'))
    return ('<html>\r\n<head><title>%s</title></head>\r\n<body>\r\n<center><h1>%s</h1></center>\r\n'
            '<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n' % (title, title))


class Fault:
    """One injected fault, applied to the next ``count`` requests that match ``method`` and ``path`` (a regex).

    ``path`` is matched against the path aslan sees, without the simulator's ``prefix``.

    Kinds, and the parameters each reads:

    - ``status``: answer ``status`` (503) with an empty body, or a Go 500 error with ``description``; ``headers``
      adds headers, such as a gateway's ``Retry-After``.
    - ``drop``: close the connection without an answer.
    - ``latency``: wait ``delay`` seconds, then handle the request as usual.
    - ``slow``: like latency, but ``delay`` defaults to 60 s (longer than any sane client timeout); with
      ``when='after'`` the request is handled (and committed) at once and only the answer waits.
    - ``commit_then_500`` / ``commit_then_drop``: a successful write commits, then the answer is a 500
      (``description``) or a dropped connection, as when the DinD sync fails.
    - ``echo_500``: a 500 whose description repeats the request body (a server that leaks what it was sent).
    - ``html``: a proxy's HTML page with ``Content-Type: text/html``, status ``status`` (502); 200 gives a
      login page, as a captive portal does; ``raw`` replaces the page.
    - ``malformed``: answer ``status`` (200) with ``body`` (any JSON value, ``None`` giving ``null``) or ``raw``
      text, as ``content_type`` (``application/json; charset=utf-8``).
    - ``truncate``: the real answer's headers, with a Content-Length larger than what follows: only ``keep``
      bytes of the body (half of it) are sent, then the connection closes.
    - ``trickle``: the real answer (handled, and so committed, at once), its body sent ``keep`` bytes (100) every
      ``delay`` seconds (0.5), as over a saturated link or through a buffering proxy.
    - ``trickle_headers``: the real answer (handled, and so committed, at once), its status line and headers sent
      ``keep`` bytes (10) every ``delay`` seconds (0.5), each write well within a client's read timeout, as a
      stalling gateway or proxy can; the body follows at once.

    ``commit=True`` (for status, drop, echo_500, html and malformed) lets aslan handle the request first,
    effects and all, before the fault replaces its answer; by default the request never reaches aslan.
    """

    KINDS = ('status', 'drop', 'latency', 'slow', 'commit_then_500', 'commit_then_drop', 'echo_500', 'html',
             'malformed', 'truncate', 'trickle', 'trickle_headers')
    REPLACING = ('status', 'drop', 'echo_500', 'html', 'malformed')
    DELAYING = ('latency', 'slow')
    DEFAULT_STATUS = {'status': 503, 'html': 502, 'malformed': 200}

    def __init__(self, kind, method='*', path='.*', count=1, status=None, delay=None, description=None,
                 body=_UNSET, raw=None, content_type=None, keep=None, when='before', commit=False, headers=None):
        if kind not in self.KINDS:
            raise ValueError('fault kind must be one of %s' % ', '.join(self.KINDS))
        if when not in ('before', 'after'):
            raise ValueError("when must be 'before' or 'after'")
        if kind == 'malformed' and (body is _UNSET) == (raw is None):
            raise ValueError('a malformed fault needs exactly one of body (a JSON value) or raw (text)')
        self.kind = kind
        self.method = method.upper()
        self.path = re.compile(path)
        self.count = int(count)
        self.status = int(status if status is not None else self.DEFAULT_STATUS.get(kind, 503))
        self.delay = float(delay if delay is not None else
                           {'slow': 60.0, 'trickle': 0.5, 'trickle_headers': 0.5}.get(kind, 0.0))
        self.description = description
        self.body = None if body is _UNSET else body
        self.raw = raw
        self.content_type = content_type
        self.keep = None if keep is None else int(keep)
        self.when = when
        self.commit = bool(commit)
        self.headers = dict(headers or {})

    @property
    def after(self):
        """True when the fault acts on aslan's answer, after the request was handled."""
        if self.kind in self.REPLACING:
            return self.commit
        if self.kind in self.DELAYING:
            return self.kind == 'slow' and self.when == 'after'
        return True

    def matches(self, method, path):
        return self.count > 0 and self.method in ('*', method) and self.path.fullmatch(path) is not None

    def answer(self, request_body):
        """What a replacing fault answers, ``(status, text, content_type)``, or None to drop the connection.

        ``status`` and ``echo_500`` answer with Go error bodies, which the simulator builds itself."""
        if self.kind == 'drop':
            return None
        if self.kind == 'html':
            return self.status, self.raw if self.raw is not None else proxy_page(self.status), HTML
        if self.kind == 'malformed':
            content_type = self.content_type or 'application/json; charset=utf-8'
            text = self.raw if self.raw is not None else json.dumps(self.body, separators=(',', ':'))
            return self.status, text, content_type
        raise ValueError('fault %s has no answer of its own' % self.kind)

    def cut(self, length):
        """For ``truncate``: ``(bytes to send, Content-Length to declare)`` for a body of ``length`` bytes."""
        keep = length // 2 if self.keep is None else max(0, min(self.keep, length))
        return keep, max(length, keep + 1)
