# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run the collection's client against a Simulator in this process, without sockets.

The client's requests.Session is replaced by one that hands each request to
``Simulator.handle`` and turns its answer into a real requests.Response, so
property tests can run thousands of tasks in seconds with the client's own
error mapping, retries and id checks in the loop.
"""

from __future__ import annotations

import json
from urllib.parse import urlencode, urlsplit

import requests
from urllib3.exceptions import ProtocolError


class SimSession:
    """Stands in for requests.Session; a dropped connection becomes requests.ConnectionError, a truncated answer
    ChunkedEncodingError, as over a socket."""

    def __init__(self, sim):
        self.sim = sim
        self.headers = {}

    def request(self, method, url, json=None, params=None, timeout=None, allow_redirects=True,  # pylint: disable=redefined-outer-name
                verify=None, proxies=None, stream=False):  # pylint: disable=unused-argument
        parts = urlsplit(url)
        target = parts.path + ('?' + urlencode(params) if params else '')
        body = '' if json is None else _dumps(json)
        answer = self.sim.handle(method, target, dict(self.headers), body)
        if answer is None:
            raise requests.exceptions.ConnectionError('Connection aborted: the server closed the connection')
        payload = answer.payload()
        if answer.declared_length and answer.declared_length > len(payload):
            raise requests.exceptions.ChunkedEncodingError(ProtocolError(
                'Connection broken: IncompleteRead(%d bytes read, %d more expected)'
                % (len(payload), answer.declared_length - len(payload))))
        response = requests.Response()
        response.status_code = answer.status
        response._content = payload
        response._content_consumed = True  # iter_content then yields _content, as from a socket read to its end
        response.encoding = 'utf-8'
        if answer.content_type:
            response.headers['Content-Type'] = answer.content_type
        response.headers.update(answer.headers)
        response.url = url
        return response


def _dumps(value):
    return json.dumps(value)


def use_simulator(monkeypatch, sim):
    """Every client the collection creates from now on talks to ``sim`` in-process."""
    from ansible_collections.zadig.core.plugins.module_utils import _transport

    monkeypatch.setattr(_transport.requests, 'Session', lambda: SimSession(sim))
