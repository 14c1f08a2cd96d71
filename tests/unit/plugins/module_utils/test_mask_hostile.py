# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""An adversary's findings on masking: each test reproduces one way the promise that secrets never appear, in any
form, was attacked.

Tests that fail reproduce a defect; tests that pass pin a promise nobody had tested in this form.
Secrets are looked for in every form a reader could recover them from: as given, with its whitespace
collapsed, escaped the way Go's encoding/json escapes it, or cut short.
"""

from __future__ import annotations

import json
import re

import pytest
import requests

from ansible_collections.zadig.core.plugins.module_utils import _api
from ansible_collections.zadig.core.plugins.module_utils._api import ZadigClient
from ansible_collections.zadig.core.plugins.module_utils._entry import EXPECTED_ERRORS, failure
from ansible_collections.zadig.core.plugins.module_utils._errors import ZadigAPIError
from ansible_collections.zadig.core.plugins.module_utils._manage import ensure_registry
from ansible_collections.zadig.core.tests.simulator.zadig_simulator import Simulator
from ansible_collections.zadig.core.tests.unit.sim_transport import use_simulator

TOKEN = 'adversary-admin-token-31f7c9'
URL = 'https://zadig.example.com'


def _sim(**kwargs):
    return Simulator(admin_tokens=[TOKEN], **kwargs)


def _outcome(client, task):
    """Run ``task(client)``; returns everything a user could see of it, as one text, and whether it failed."""
    try:
        result = task(client)
        failed = False
    except EXPECTED_ERRORS as exc:
        result = failure(exc, client)
        failed = True
    result.setdefault('warnings', [])
    result['warnings'] = [client.redact(w) for w in result['warnings'] + client.warnings]
    return '\n'.join(_strings(result)), failed


def _strings(value):
    """Every string in a result, as the user reads it (not re-escaped)."""
    if isinstance(value, dict):
        return [text for key, item in value.items() for text in [str(key)] + _strings(item)]
    if isinstance(value, (list, tuple)):
        return [text for item in value for text in _strings(item)]
    return [str(value)]


def _collapsed(secret):
    return re.sub(r'\s+', ' ', secret).strip()


def _go_escaped(secret):
    return json.dumps(secret, ensure_ascii=False)[1:-1].replace('<', '\\u003c').replace('>', '\\u003e').replace(
        '&', '\\u0026')


def _assert_no_form(text, secret):
    for form in (secret, _collapsed(secret), _go_escaped(secret), json.dumps(secret)[1:-1]):
        assert form not in text, 'secret %r leaked as %r in: %s' % (secret, form, text)


# ---- Promise 1: secrets never appear, in any form ----------------------------------------------------------------

@pytest.mark.parametrize('secret', ['two  spaces  inside-4f1a', 'ends with two spaces-9c2e  xq7z', 'tab\tinside-77d0'])
def test_a_secret_with_repeated_whitespace_is_masked_in_an_echoing_500(monkeypatch, secret):
    """A 500 that repeats the request body (echo_500): the description's whitespace is collapsed *before*
    redaction, so 'two  spaces' comes back as 'two spaces', which no masked form matches."""
    sim = _sim()
    sim.add_fault('echo_500', method='POST', count=5)
    use_simulator(monkeypatch, sim)
    client = ZadigClient(URL, TOKEN, retries=0)
    text, failed = _outcome(client, lambda c: ensure_registry(c, {
        'address': 'https://echo.example.com', 'namespace': 'n', 'provider': 'native', 'secret_key': secret,
        'access_key': 'robot-user', 'state': 'present', 'update_secrets': 'compare'}))
    assert failed
    _assert_no_form(text, secret)
    assert _collapsed(secret).split()[-1] not in text


def test_a_secret_echoed_the_way_go_escapes_json_is_masked(monkeypatch):
    """Zadig is written in Go: a description built from json.Marshal(body) carries &, < and > as \\u0026,
    \\u003c and \\u003e. secret_forms() knows Python's escapes only."""
    secret = 'pa&ss<wo>rd-Go-6b3e'
    body = {'address': 'https://echo.example.com', 'namespace': 'n', 'secret_key': secret}
    described = 'invalid request: ' + _go_escaped_json(body)

    def request(self, method, url, json=None, **kwargs):  # pylint: disable=redefined-outer-name,unused-argument
        response = requests.Response()
        response._content_consumed = True  # the body below is the whole answer, as read from a socket
        if method == 'GET':
            response.status_code, response._content = 200, b'[]'
        else:
            response.status_code = 500
            response._content = _go_escaped_json(
                {'code': 500, 'description': described, 'message': 'Internal Error: '}).encode()
        response.headers['Content-Type'] = 'application/json; charset=utf-8'
        return response

    monkeypatch.setattr(requests.Session, 'request', request)
    client = ZadigClient(URL, TOKEN, retries=0)
    text, failed = _outcome(client, lambda c: ensure_registry(c, {
        'address': 'https://echo.example.com', 'namespace': 'n', 'provider': 'native', 'secret_key': secret,
        'state': 'present', 'update_secrets': 'on_create'}))
    assert failed and 'invalid request' in text, text
    _assert_no_form(text, secret)


def _go_escaped_json(value):
    text = json.dumps(value, separators=(',', ':'), ensure_ascii=False)
    return text.replace('<', '\\u003c').replace('>', '\\u003e').replace('&', '\\u0026')


def test_no_part_of_a_secret_survives_the_cut_of_a_long_description(monkeypatch):
    """A description is cut at 300 characters before redaction: when the cut falls inside the secret, the
    part before the cut no longer matches any masked form and is shown. Try every cut position."""
    secret = 'Q7vX2mKp9LwR4tZs8NbY3cHd6FgJ1aUe'  # 32 characters, like a robot account's password
    leaks = []
    for pad in range(0, 60):
        sim = _sim()
        sim.add_fault('echo_500', method='POST', count=1)
        use_simulator(monkeypatch, sim)
        client = ZadigClient(URL, TOKEN, retries=0)
        namespace = 'team-' + 'x' * pad
        text, failed = _outcome(client, lambda c, ns=namespace: ensure_registry(c, {
            'address': 'https://registry-with-a-rather-long-host-name.example.com', 'namespace': ns,
            'provider': 'harbor', 'access_key': 'robot$ci-pipeline-account', 'secret_key': secret,
            'state': 'present', 'update_secrets': 'compare', 'is_default': False}))
        assert failed
        for size in range(8, len(secret)):
            if secret[:size] in text:
                leaks.append((pad, secret[:size]))
                break
    assert not leaks, 'the first characters of the secret were shown: %s' % leaks[:3]


def test_a_short_token_does_not_garble_the_messages_that_name_its_option(monkeypatch):
    """Masking every occurrence of the token as a substring rewrites words: a token 'tok' turns 'zadig_token'
    into 'zadig_********en', and the message then tells where the token's letters sit in it."""
    from ansible_collections.zadig.core.plugins.module_utils._api import OPENAPI
    from ansible_collections.zadig.core.tests.unit.scripted_http import Call, script

    script(monkeypatch, [Call('GET', OPENAPI, 401)], base_url='http://zadig.example.com')
    client = ZadigClient('http://zadig.example.com', 'tok', retries=0)
    with pytest.raises(ZadigAPIError) as caught:
        client.list_registries()
    assert '********en' not in str(caught.value) and 'zadig_token' in str(caught.value), str(caught.value)


assert _api  # the module the tests patch through use_simulator
