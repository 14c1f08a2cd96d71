# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Scripted HTTP for unit tests: each test lists the exact requests it expects, in order, and their answers.

A request that is not the next one scripted fails the test, and so does a
scripted request that was never made, so the number of requests is pinned.
"""

from __future__ import annotations

import json
import time

import requests

ANY = object()


class Call:
    """One expected request and the answer to give (or the exception to raise)."""

    def __init__(self, method, path, status=200, answer=None, text=None, body=ANY, exc=None, headers=None):
        self.method = method
        self.path = path
        self.status = status
        self.answer = answer
        self.text = text
        self.body = body
        self.exc = exc
        self.headers = headers or {}

    def response(self):
        response = requests.Response()
        response.status_code = self.status
        response.encoding = 'utf-8'
        if self.text is not None:
            response._content = self.text.encode('utf-8')
            response.headers['Content-Type'] = 'text/plain; charset=utf-8'
        elif self.answer is not None:
            response._content = json.dumps(self.answer).encode('utf-8')
            response.headers['Content-Type'] = 'application/json; charset=utf-8'
        else:
            response._content = b''
        response._content_consumed = True  # iter_content then yields _content, as from a socket read to its end
        response.headers.update(self.headers)
        return response


class ScriptedSession:
    """Stands in for requests.Session."""

    def __init__(self, base_url, calls):
        self.base_url = base_url
        self.calls = list(calls)
        self.sent = []
        self.headers = {}
        self.trust_env = True

    def request(self, method, url, json=None, params=None, timeout=None, allow_redirects=True,  # pylint: disable=redefined-outer-name
                verify=None, proxies=None, stream=False):  # pylint: disable=unused-argument
        assert url.startswith(self.base_url), url
        path = url[len(self.base_url):]
        self.sent.append(dict(method=method, path=path, body=json, params=params, timeout=timeout,
                              allow_redirects=allow_redirects, headers=dict(self.headers), verify=verify,
                              proxies=proxies))
        assert self.calls, 'unexpected request %s %s (no more scripted)' % (method, path)
        call = self.calls.pop(0)
        assert (method, path) == (call.method, call.path), 'expected %s %s, got %s %s' % (
            call.method, call.path, method, path)
        if call.body is not ANY:
            assert json == call.body, 'body of %s %s: %r != %r' % (method, path, json, call.body)
        if call.exc is not None:
            raise call.exc
        return call.response()

    def assert_done(self):
        assert not self.calls, 'scripted requests never made: %s' % [(c.method, c.path) for c in self.calls]


class _Clock:
    """Records back-off sleeps among the requests instead of sleeping."""

    def __init__(self, session):
        self.session = session

    def sleep(self, seconds):
        self.session.sent.append(dict(sleep=seconds))

    @staticmethod
    def monotonic():
        return time.monotonic()


def script(monkeypatch, calls, base_url='https://zadig.example.com'):
    """Make every requests.Session the collection creates a ScriptedSession with these calls."""
    from ansible_collections.zadig.core.plugins.module_utils import _transport

    session = ScriptedSession(base_url, calls)
    monkeypatch.setattr(_transport.requests, 'Session', lambda: session)
    monkeypatch.setattr(_transport, 'time', _Clock(session))
    return session
