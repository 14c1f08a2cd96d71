# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""An adversary's findings: each test reproduces one way a promise of the collection was attacked.

Tests that fail reproduce a defect; tests that pass pin a promise nobody had tested in this form.
Secrets are looked for in every form a reader could recover them from: as given, with its whitespace
collapsed, escaped the way Go's encoding/json escapes it, or cut short.
"""

from __future__ import annotations

import json
import re
import threading

import pytest
import requests

from ansible_collections.zadig.core.plugins.module_utils import _api
from ansible_collections.zadig.core.plugins.module_utils._api import OPENAPI, ZadigClient
from ansible_collections.zadig.core.plugins.module_utils._errors import ZadigAPIError
from ansible_collections.zadig.core.plugins.module_utils._entry import EXPECTED_ERRORS, failure
from ansible_collections.zadig.core.plugins.module_utils._manage import ensure_registries, ensure_registry
from ansible_collections.zadig.core.tests.simulator.zadig_simulator import Simulator, SimulatorServer
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


# ---- Promise 3: bad settings, one sentence naming the option, before any request ----------------------------------

@pytest.mark.parametrize('url', ['http://zadig.example.com:99999', 'http://zadig.example.com:abc',
                                 'http://zadig.example.com:8080:90', 'http://[zadig', 'http://.'])
def test_an_impossible_zadig_url_is_refused_before_any_request(monkeypatch, url):
    """These pass check_connection and fail only when requests builds the request, with 'check zadig_url and
    zadig_token' instead of naming what is wrong with zadig_url."""
    sent = []
    monkeypatch.setattr(requests.Session, 'request', lambda *a, **k: sent.append(a) or None)
    with pytest.raises(ZadigAPIError) as caught:
        ZadigClient(url, TOKEN, retries=0)
    assert 'zadig_url' in str(caught.value) and 'zadig_token' not in str(caught.value)
    assert not sent


@pytest.mark.parametrize('token', ['', '   ', '\n', '\t\t'])
def test_an_empty_token_is_refused_naming_the_option(token):
    with pytest.raises(ZadigAPIError) as caught:
        ZadigClient(URL, token)
    assert 'zadig_token' in str(caught.value)


@pytest.mark.parametrize('timeout', [0, -1, 86401, 10 ** 20, True, float('nan'), float('inf')])
def test_an_impossible_timeout_is_refused_naming_the_option(timeout):
    with pytest.raises(ZadigAPIError) as caught:
        ZadigClient(URL, TOKEN, timeout=timeout)
    assert 'timeout' in str(caught.value)


def test_ca_path_that_is_a_file_of_garbage_is_refused(tmp_path):
    path = tmp_path / 'ca.pem'
    path.write_text('not a certificate\n')
    with pytest.raises(ZadigAPIError) as caught:
        ZadigClient(URL, TOKEN, ca_path=str(path))
    assert 'ca_path' in str(caught.value)


# ---- Promise 6: races, keys taken by an update, purge guards ------------------------------------------------------

def _two_registries():
    sim = _sim()
    first = sim.seed('https://a.example.com', namespace='n', is_default=True)
    second = sim.seed('https://b.example.com', namespace='n')
    return sim, first['id'], second['id']


def test_a_list_that_creates_a_key_and_moves_another_registry_onto_it_is_refused_cleanly(monkeypatch):
    """Entry 1 creates https://k.example.com n; entry 2 moves registry b onto that same key. The planned
    registry has no id yet, and the refusal joins the ids: TypeError, a traceback instead of a sentence."""
    sim, dummy, second = _two_registries()
    use_simulator(monkeypatch, sim)
    client = ZadigClient(URL, TOKEN, retries=0)
    entries = [dict(address='https://k.example.com', namespace='n', provider='native'),
               dict(registry_id=second, address='https://k.example.com', namespace='n')]
    with pytest.raises(EXPECTED_ERRORS) as caught:
        ensure_registries(client, [_entry(e) for e in entries])
    assert 'https://k.example.com' in str(caught.value)
    assert not sim.writes()


def test_a_list_that_names_one_registry_twice_by_id_and_by_key_is_refused(monkeypatch):
    """check_list() refuses an entry listed twice only when both use the same kind of key: by registry_id and
    by address plus namespace, one registry is planned twice, written twice, and flip-flops on every run."""
    sim, dummy, second = _two_registries()
    use_simulator(monkeypatch, sim)
    client = ZadigClient(URL, TOKEN, retries=0)
    entries = [dict(registry_id=second, provider='harbor'),
               dict(address='https://b.example.com', namespace='n', provider='native')]
    with pytest.raises(EXPECTED_ERRORS) as caught:
        ensure_registries(client, [_entry(e) for e in entries])
    assert second in str(caught.value) or 'twice' in str(caught.value)
    assert not sim.writes()


@pytest.mark.parametrize('address, namespace', [
    ('https://b.example.com', 'n'), ('HTTPS://B.Example.com/', 'n'), ('https://b.example.com', '  n  ')])
def test_an_update_by_registry_id_onto_another_registrys_key_is_refused_before_the_write(  # noqa: E501
        monkeypatch, address, namespace):
    sim, first, second = _two_registries()
    use_simulator(monkeypatch, sim)
    client = ZadigClient(URL, TOKEN, retries=0)
    for check_mode in (True, False):
        with pytest.raises(EXPECTED_ERRORS) as caught:
            ensure_registry(client, _entry(dict(registry_id=first, address=address, namespace=namespace)),
                            check_mode=check_mode)
        assert second in str(caught.value)
    assert not sim.writes()


@pytest.mark.parametrize('entries', [[], [dict(address='https://a.example.com', namespace='n', state='absent')],
                                     [dict(address='https://gone.example.com', namespace='n', state='absent')]])
def test_purge_with_nothing_to_keep_is_refused_before_any_request(monkeypatch, entries):
    sim, dummy, dummy2 = _two_registries()
    use_simulator(monkeypatch, sim)
    client = ZadigClient(URL, TOKEN, retries=0)
    for check_mode in (True, False):
        with pytest.raises(EXPECTED_ERRORS) as caught:
            ensure_registries(client, [_entry(e) for e in entries], purge=True, check_mode=check_mode)
        assert 'purge' in str(caught.value)
    assert not sim.log
    assert len(sim.registries) == 2


def test_two_jobs_creating_the_same_registry_at_once_never_both_succeed():
    """Both jobs read before either writes (the POSTs wait on the server), then both create: Zadig keeps two
    registries, and at least one job must say so."""
    sim = _sim()
    sim.add_fault('latency', method='POST', delay=0.4, count=2)
    server = SimulatorServer(sim).start()
    outcomes = []
    try:
        def job(address):
            client = ZadigClient(server.url, TOKEN, retries=0, timeout=5)
            try:
                ensure_registry(client, _entry(dict(address=address, namespace=' race ', provider='native')))
                outcomes.append(('ok', ''))
            except EXPECTED_ERRORS as exc:
                outcomes.append(('failed', str(exc)))

        threads = [threading.Thread(target=job, args=(address,))
                   for address in ('https://race.example.com', 'HTTPS://Race.Example.com/')]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(10)
    finally:
        server.stop()
    assert len(outcomes) == 2
    assert len(sim.registries) == 2
    failed = [message for outcome, message in outcomes if outcome == 'failed']
    assert failed, 'both jobs reported success while Zadig now holds two registries'
    assert all(doc['id'] in failed[0] for doc in sim.registries), failed[0]


# ---- Promise 4: odd answers --------------------------------------------------------------------------------------

def test_a_json_null_answer_is_not_called_not_json(monkeypatch):
    """``null`` is JSON: saying 'a body that is not JSON' sends the user looking at the wrong thing."""
    def request(self, method, url, **kwargs):  # pylint: disable=unused-argument
        response = requests.Response()
        response._content_consumed = True  # the body below is the whole answer, as read from a socket
        response.status_code, response._content = 200, b'null'
        response.headers['Content-Type'] = 'application/json; charset=utf-8'
        return response

    monkeypatch.setattr(requests.Session, 'request', request)
    with pytest.raises(ZadigAPIError) as caught:
        ZadigClient(URL, TOKEN, retries=0).list_registries()
    assert OPENAPI in str(caught.value)
    assert 'not JSON' not in str(caught.value), str(caught.value)


def _entry(entry):
    """A list entry as the action's argument spec leaves it: every option present."""
    full = dict.fromkeys(('registry_id', 'address', 'namespace', 'provider', 'region', 'is_default', 'access_key',
                          'secret_key', 'enable_tls', 'tls_cert', 'projects'))
    full.update(state='present', update_secrets='compare')
    full.update(entry)
    return full


assert _api  # the module the tests patch through use_simulator


def test_a_password_in_zadig_url_is_not_repeated_by_the_refusal():
    """zadig_url with user:password@ is refused (good), but the message repeats the whole URL, password included."""
    with pytest.raises(ZadigAPIError) as caught:
        ZadigClient('https://admin:hunter2-url-password@zadig.example.com', TOKEN)
    assert 'zadig_url' in str(caught.value)
    assert 'hunter2-url-password' not in str(caught.value), str(caught.value)
