# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The client under hostile settings and answers: every failure one clear sentence, before any request when it can
be, and never a secret in any of the forms a message can carry it."""

from __future__ import annotations

import json
from urllib.parse import quote, quote_plus

import certifi
import pytest
import requests
from hypothesis import HealthCheck, given, settings, strategies as st

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.zadig.core.plugins.module_utils._api import INTERNAL, OPENAPI, PUBLIC_KEY, ZadigClient
from ansible_collections.zadig.core.plugins.module_utils._connection import connection_from_environment, CONNECTION_ARGUMENT_SPEC
from ansible_collections.zadig.core.plugins.module_utils._errors import ZadigAPIError
from ansible_collections.zadig.core.tests.unit.scripted_http import Call, script
from ansible_collections.zadig.core.tests.unit.utils import ModuleExit, capture_exit, module_args, through_run_module

URL = 'https://zadig.example.com'
TOKEN = 'tok-SECRET-7f3a9b'
RID = '65a1b2c3d4e5f60718293a4b'
REGISTRY = {'registry_id': RID, 'address': 'https://reg.example.com', 'provider': 'harbor', 'region': '',
            'namespace': 'team', 'is_default': True}
NGINX_502 = ('<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1>'
             '</center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n')


def refused_before_any_request(monkeypatch, words, **kwargs):
    session = script(monkeypatch, [])
    kwargs.setdefault('token', TOKEN)
    token = kwargs.pop('token')
    with pytest.raises(ZadigAPIError) as info:
        ZadigClient(kwargs.pop('url', URL), token, **kwargs).list_registries()
    assert session.sent == []
    for word in words:
        assert word in str(info.value)
    return str(info.value)


# ---- the token ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize('pasted', [TOKEN + '\n', ' %s ' % TOKEN, '\t%s\r\n' % TOKEN, TOKEN + '\n\n'])
def test_a_token_with_surrounding_whitespace_is_sent_trimmed(monkeypatch, pasted):
    session = script(monkeypatch, [Call('GET', OPENAPI, answer=[])])
    ZadigClient(URL, pasted).list_registries()
    assert session.sent[0]['headers']['Authorization'] == 'Bearer ' + TOKEN


@pytest.mark.parametrize('bad', ['Zq9X Kw7P', 'Zq9X\nKw7P', 'Zq9X\x00Kw7P', 'Zq9XöKw7P', 'Zq9X\tKw7P'])
def test_a_token_that_cannot_be_one_header_word_is_refused_without_showing_it(monkeypatch, bad):
    message = refused_before_any_request(monkeypatch, ['zadig_token'], token=bad)
    assert 'Zq9X' not in message and 'Kw7P' not in message


@pytest.mark.parametrize('empty', ['', '   ', '\n'])
def test_an_empty_token_is_refused(monkeypatch, empty):
    refused_before_any_request(monkeypatch, ['zadig_token is empty'], token=empty)


@pytest.mark.parametrize('form', [
    TOKEN, repr(TOKEN + '\n')[1:-1], json.dumps(TOKEN + '\n')[1:-1], quote(TOKEN + '\n', safe=''),
    quote_plus(TOKEN + '\n'), 'Bearer %s\\n' % TOKEN,
])
def test_every_form_of_the_token_the_server_echoes_is_masked(monkeypatch, form):
    session = script(monkeypatch, [Call('GET', OPENAPI, 500, answer={'code': 500, 'description': 'bad: ' + form})])
    with pytest.raises(ZadigAPIError) as info:
        ZadigClient(URL, TOKEN + '\n', retries=0).list_registries()
    session.assert_done()
    for text in (str(info.value), info.value.description):
        assert TOKEN not in text and quote(TOKEN) not in text


def test_every_form_of_a_registered_secret_is_masked(monkeypatch):
    secret = 'p@ss w/rd\n"x"'
    forms = [secret, repr(secret)[1:-1], json.dumps(secret)[1:-1], quote(secret, safe=''), quote_plus(secret)]
    session = script(monkeypatch, [Call('POST', OPENAPI, 500, answer={'description': ' | '.join(forms)})])
    client = ZadigClient(URL, TOKEN)
    client.add_secrets(secret)
    with pytest.raises(ZadigAPIError) as info:
        client.create_registry({})
    session.assert_done()
    for form in forms:
        assert form not in str(info.value)


def go_json(value):
    """A string as Go's encoding/json writes it: UTF-8 kept, and &, <, > escaped."""
    return json.dumps(value, ensure_ascii=False)[1:-1].replace('&', '\\u0026').replace('<', '\\u003c').replace(
        '>', '\\u003e')


KEY_FILE = ('{\n  "type": "service_account",\n  "private_key_id": "3f2a9c0e71b4",\n  "private_key": '
            '"-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\\n-----END PRIVATE KEY-----\\n",\n'
            '  "client_email": "pusher@proj-\u00e9t\u00e9.iam.gserviceaccount.com"\n}\n')


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(st.text(alphabet=st.characters(blacklist_categories=('Cs',)), min_size=6, max_size=40).filter(
    lambda line: line.strip() and '\n' not in line and '\r' not in line), min_size=2, max_size=5),
    ending=st.sampled_from(['', '\n', '\r\n']))
def test_no_form_of_a_multi_line_secret_survives_in_a_message(monkeypatch, lines, ending):
    secret = '\n'.join(lines) + ending
    forms = [secret, secret.strip(), json.dumps(secret)[1:-1], go_json(secret), repr(secret)[1:-1],
             quote(secret, safe='')] + [line.strip() for line in lines if len(line.strip()) >= 4]
    described = ' | '.join(forms + [go_json(line) for line in lines])
    session = script(monkeypatch, [Call('PUT', INTERNAL + '/' + RID, 500, answer={
        'code': 500, 'description': described, 'message': 'Internal Error: '})])
    client = ZadigClient(URL, TOKEN)
    client.add_secrets(secret)
    with pytest.raises(ZadigAPIError) as info:
        client.update_registry_full(RID, {})
    session.assert_done()
    for form in forms:
        assert form not in str(info.value) and form not in (info.value.description or ''), form


def test_each_line_of_a_json_key_file_is_masked_however_it_is_echoed(monkeypatch):
    lines = [line.strip() for line in KEY_FILE.splitlines() if len(line.strip()) >= 4]
    echoes = [KEY_FILE, json.dumps(KEY_FILE)[1:-1], go_json(KEY_FILE), json.dumps({'secret_key': KEY_FILE})]
    echoes += lines + [json.dumps(line)[1:-1] for line in lines] + [go_json(line) for line in lines]
    session = script(monkeypatch, [Call('POST', OPENAPI, 500, answer={'description': ' '.join(echoes)})])
    client = ZadigClient(URL, TOKEN)
    client.add_secrets(KEY_FILE)
    with pytest.raises(ZadigAPIError) as info:
        client.create_registry({})
    session.assert_done()
    for text in (str(info.value), info.value.description):
        for word in ('MIIEvQIBADANBgkqhkiG9w0BAQEFAASC', '3f2a9c0e71b4', 'pusher@proj', 'service_account'):
            assert word not in text, (word, text)


def test_the_token_from_the_environment_with_a_newline_works_through_a_module(monkeypatch):
    monkeypatch.setenv('ZADIG_URL', URL + '\n')
    monkeypatch.setenv('ZADIG_TOKEN', TOKEN + '\n')
    session = script(monkeypatch, [Call('GET', OPENAPI, answer=[])])
    with module_args({}):
        module = AnsibleModule(argument_spec=CONNECTION_ARGUMENT_SPEC)
    listed = through_run_module(monkeypatch, module)
    assert not listed.failed, listed.result
    assert session.sent[0]['headers']['Authorization'] == 'Bearer ' + TOKEN


# ---- the other connection options --------------------------------------------------------------------------------

@pytest.mark.parametrize('timeout', [0, -1, -0.5, 86401, 10 ** 12])
def test_a_timeout_that_is_not_positive_is_refused(monkeypatch, timeout):
    refused_before_any_request(monkeypatch, ['timeout must be a positive number', repr(timeout)], timeout=timeout)


def test_zadig_timeout_minus_one_fails_the_module_naming_the_option(monkeypatch):
    monkeypatch.setenv('ZADIG_TIMEOUT', '-1')
    capture_exit(monkeypatch)
    session = script(monkeypatch, [])
    with module_args({'zadig_url': URL, 'zadig_token': TOKEN}):
        module = AnsibleModule(argument_spec=CONNECTION_ARGUMENT_SPEC)
    done = through_run_module(monkeypatch, module)
    assert done.failed and 'ZADIG_TIMEOUT' in done.result['msg'] and session.sent == []


def test_a_ca_path_that_does_not_exist_is_refused(monkeypatch, tmp_path):
    missing = str(tmp_path / 'nope.pem')
    refused_before_any_request(monkeypatch, ['ca_path', missing, 'does not exist'], ca_path=missing)


def test_a_ca_path_that_holds_no_certificate_is_refused(monkeypatch, tmp_path):
    junk = tmp_path / 'junk.pem'
    junk.write_text('not a certificate\n')
    refused_before_any_request(monkeypatch, ['ca_path', 'no usable PEM CA certificate'], ca_path=str(junk))


def test_a_ca_directory_is_accepted(monkeypatch, tmp_path):
    session = script(monkeypatch, [Call('GET', OPENAPI, answer=[])])
    ZadigClient(URL, TOKEN, ca_path=str(tmp_path)).list_registries()
    assert session.sent[0]['verify'] == str(tmp_path)


@pytest.mark.parametrize('url', ['https://zadig.example.com\n/x', 'https://zadig example.com', 'https://z\r\n.com',
                                 'https://zadig.example.com/?x=1', 'https://zadig.example.com/#top',
                                 'https://zadig.example.com:99999', 'https://zadig.example.com:abc', 'https://.',
                                 'https://[zadig'])
def test_a_url_that_can_never_work_is_refused_at_once(monkeypatch, url):
    refused_before_any_request(monkeypatch, ['zadig_url must be'], url=url)


def test_a_password_in_the_url_is_refused_and_never_repeated(monkeypatch):
    message = refused_before_any_request(monkeypatch, ['zadig_url must not hold a user name or password'],
                                         url='https://admin:hunter2@zadig.example.com')
    assert 'hunter2' not in message


def test_a_path_prefix_behind_a_reverse_proxy_is_kept(monkeypatch):
    session = script(monkeypatch, [Call('GET', OPENAPI, answer=[])], base_url=URL + '/zadig')
    ZadigClient(URL + '/zadig/', TOKEN).list_registries()
    session.assert_done()


@pytest.mark.parametrize('variable', ['ZADIG_CA_PATH', 'ZADIG_VALIDATE_CERTS', 'ZADIG_TIMEOUT'])
def test_an_empty_environment_variable_means_unset(monkeypatch, variable):
    monkeypatch.setenv(variable, '')
    with module_args({'zadig_url': URL, 'zadig_token': TOKEN}):
        module = AnsibleModule(argument_spec=CONNECTION_ARGUMENT_SPEC)
    assert (module.params['ca_path'], module.params['validate_certs'], module.params['timeout']) == (None, True, 30)


def test_an_empty_zadig_token_is_reported_missing(monkeypatch):
    monkeypatch.setenv('ZADIG_URL', URL)
    monkeypatch.setenv('ZADIG_TOKEN', '  ')
    capture_exit(monkeypatch)
    with module_args({}), pytest.raises(ModuleExit) as info:
        AnsibleModule(argument_spec=CONNECTION_ARGUMENT_SPEC)
    assert info.value.failed and 'zadig_token' in info.value.result['msg']


def test_the_task_environment_fills_only_what_the_task_leaves_out():
    environ = {'ZADIG_URL': 'https://env.example.com', 'ZADIG_TOKEN': 'env', 'ZADIG_TIMEOUT': '9', 'HOME': '/x'}
    args = connection_from_environment({'zadig_token': TOKEN, 'registries': []}, environ)
    assert args == {'zadig_url': 'https://env.example.com', 'zadig_token': TOKEN, 'timeout': '9', 'registries': []}


def test_an_option_given_as_null_stays_null_as_it_does_for_a_module():
    environ = {'ZADIG_URL': 'https://env.example.com', 'ZADIG_TIMEOUT': '9', 'ZADIG_CA_PATH': ''}
    args = connection_from_environment({'zadig_url': None, 'timeout': None}, environ)
    assert args == {'zadig_url': None, 'timeout': None}


# ---- answers that are not Zadig's --------------------------------------------------------------------------------

def failure(monkeypatch, calls, action=lambda c: c.list_registries()):
    session = script(monkeypatch, calls)
    with pytest.raises(ZadigAPIError) as info:
        action(ZadigClient(URL, TOKEN, retries=0))
    session.assert_done()
    return info.value


def test_a_proxy_html_page_is_summarised_not_dumped(monkeypatch):
    error = failure(monkeypatch, [Call('GET', OPENAPI, 502, text=NGINX_502, headers={'Content-Type': 'text/html'})])
    message = str(error)
    assert message == ('GET %s: HTTP 502 with an HTML page "502 Bad Gateway" (text/html): a proxy or load balancer '
                       'answered, not Zadig; check that Zadig is running behind it and that zadig_url is right'
                       % OPENAPI)
    assert error.status == 502 and error.description is None


def test_a_login_page_with_status_200_is_not_taken_for_an_answer(monkeypatch):
    page = '<!DOCTYPE html><html><head><title>Sign in</title></head><body>SSO</body></html>'
    error = failure(monkeypatch, [Call('GET', OPENAPI, 200, text=page, headers={'Content-Type': 'text/html'})])
    assert 'HTML page "Sign in"' in str(error) and 'login page' in str(error) and '<' not in str(error)


def test_zadig_text_descriptions_are_kept_on_one_line(monkeypatch):
    error = failure(monkeypatch, [Call('GET', OPENAPI, 404, text='Invalid path:\r\n /x\x1b[31m')])
    assert error.description == 'Invalid path: /x[31m' and '\n' not in str(error)


def test_a_description_that_is_not_a_string_is_shown_as_json(monkeypatch):
    error = failure(monkeypatch, [Call('GET', OPENAPI, 500, answer={'description': {'nested': [1]}})])
    assert error.description == '{"nested": [1]}'


def test_a_deeply_nested_answer_is_a_clean_failure(monkeypatch):
    error = failure(monkeypatch, [Call('GET', OPENAPI, 200, text='[' * 100000 + ']' * 100000,
                                       headers={'Content-Type': 'application/json'})])
    assert 'not JSON' in str(error)


CUT_OFF = [
    requests.exceptions.ChunkedEncodingError(requests.packages.urllib3.exceptions.ProtocolError(
        'Connection broken: IncompleteRead(10 bytes read, 90 more expected)')),
    requests.exceptions.ContentDecodingError('Received response with content-encoding: gzip, but failed to decode'),
    requests.exceptions.ConnectionError(requests.packages.urllib3.exceptions.ProtocolError(
        'Connection broken: IncompleteRead(10 bytes read, 90 more expected)')),
]


@pytest.mark.parametrize('exc', CUT_OFF)
def test_a_read_cut_off_or_garbled_on_the_way_is_read_again(monkeypatch, exc):
    session = script(monkeypatch, [Call('GET', OPENAPI, exc=exc), Call('GET', OPENAPI, answer=[REGISTRY])])
    assert ZadigClient(URL, TOKEN, retries=3).list_registries()[0]['registry_id'] == RID
    session.assert_done()
    assert [s['sleep'] for s in session.sent if 'sleep' in s] == [0.5]


@pytest.mark.parametrize('exc', CUT_OFF)
def test_a_read_cut_off_every_time_fails_after_the_retries_saying_so(monkeypatch, exc):
    session = script(monkeypatch, [Call('GET', OPENAPI, exc=exc)] * 4)
    with pytest.raises(ZadigAPIError) as info:
        ZadigClient(URL, TOKEN, retries=3).list_registries()
    session.assert_done()
    assert 'cut off' in str(info.value) and 'cannot reach' not in str(info.value)


def test_json_that_stops_short_is_read_again(monkeypatch):
    whole = json.dumps([REGISTRY])
    session = script(monkeypatch, [
        Call('GET', OPENAPI, text=whole[:25], headers={'Content-Type': 'application/json'}),
        Call('GET', OPENAPI, text=whole, headers={'Content-Type': 'application/json'})])
    assert ZadigClient(URL, TOKEN, retries=3).list_registries()[0]['registry_id'] == RID
    session.assert_done()


@pytest.mark.parametrize('method', ['POST', 'PUT', 'DELETE'])
@pytest.mark.parametrize('exc', CUT_OFF)
def test_a_write_whose_answer_is_cut_off_is_never_sent_again(monkeypatch, method, exc):
    path = {'POST': OPENAPI, 'PUT': OPENAPI + '/' + RID, 'DELETE': INTERNAL + '/' + RID}[method]
    action = {'POST': lambda c: c.create_registry({}), 'PUT': lambda c: c.update_registry(RID, {}),
              'DELETE': lambda c: c.delete_registry(RID)}[method]
    session = script(monkeypatch, [Call(method, path, exc=exc)])
    with pytest.raises(ZadigAPIError) as info:
        action(ZadigClient(URL, TOKEN, retries=3))
    session.assert_done()
    assert 'cut off' in str(info.value) and info.value.maybe_applied and not info.value.safe_to_resend


def test_an_os_error_inside_requests_is_a_clean_failure(monkeypatch):
    error = failure(monkeypatch, [Call('GET', OPENAPI, exc=OSError(
        'Could not find a suitable TLS CA certificate bundle, invalid path: /x'))])
    assert 'could not send the request' in str(error) and 'OSError' in str(error) and not error.delivered


@pytest.mark.parametrize('answer, words', [
    ([None, 1, 'x'], 'item 1 of the list is null, not a registry object'),
    ({'registries': []}, 'expected a JSON list of registries, got an object'),
    ([{k: v for k, v in REGISTRY.items() if k != 'registry_id'}], 'registry 1 of the list has no registry_id'),
    ([dict(REGISTRY, is_default='false')], 'has is_default a string where Zadig sends true or false'),
    ([dict(REGISTRY, provider=None)], 'has provider null'),
    ([dict(REGISTRY, address=['https://x'])], 'has address a list where Zadig sends a string'),
    ([dict(REGISTRY, registry_id=RID.upper())], 'not 24 lowercase hexadecimal characters'),
    ([REGISTRY, dict(REGISTRY, namespace='other')], 'registry %s appears twice in the list' % RID),
])
def test_a_list_of_the_wrong_shape_fails_naming_the_route_and_the_fault(monkeypatch, answer, words):
    error = failure(monkeypatch, [Call('GET', OPENAPI, answer=answer)])
    assert str(error).startswith('GET %s: unexpected answer from Zadig: ' % OPENAPI) and words in str(error)


def test_optional_keys_a_newer_zadig_may_drop_or_add_are_accepted(monkeypatch):
    sparse = {k: v for k, v in REGISTRY.items() if k not in ('region', 'namespace')}
    session = script(monkeypatch, [Call('GET', OPENAPI, answer=[dict(sparse, update_time=1, new_field={'x': 1})])])
    registry = ZadigClient(URL, TOKEN).list_registries()[0]
    session.assert_done()
    assert (registry['region'], registry['namespace'], registry['new_field']) == ('', '', {'x': 1})


def test_get_by_id_checks_the_shape_too(monkeypatch):
    error = failure(monkeypatch, [Call('GET', OPENAPI + '/' + RID, answer=dict(REGISTRY, is_default=1))],
                    lambda c: c.get_registry(RID))
    assert 'is_default a number' in str(error)


@pytest.mark.parametrize('method', ['POST', 'PUT', 'DELETE'])
@pytest.mark.parametrize('answer', [[], {'message': 'failed'}, 'success', None])
def test_a_write_answered_200_without_success_may_have_been_saved(monkeypatch, method, answer):
    path = {'POST': OPENAPI, 'PUT': OPENAPI + '/' + RID, 'DELETE': INTERNAL + '/' + RID}[method]
    call = Call(method, path, answer=answer) if answer is not None else Call(method, path, text='')
    action = {'POST': lambda c: c.create_registry({}), 'PUT': lambda c: c.update_registry(RID, {}),
              'DELETE': lambda c: c.delete_registry(RID)}[method]
    error = failure(monkeypatch, [call], action)
    assert error.maybe_applied and not error.safe_to_resend


@pytest.mark.parametrize('answer, words', [
    ({'publicKey': 'not a pem'}, 'no usable RSA public key'),
    ({'key': 'x'}, 'an object without a publicKey string'),
    (['x'], 'got a list'),
])
def test_a_public_key_answer_that_is_not_an_rsa_key_is_a_clean_failure(monkeypatch, answer, words):
    error = failure(monkeypatch, [Call('GET', PUBLIC_KEY, answer=answer)], lambda c: c.list_registries_full())
    assert words in str(error)


def _rsa_pem(label, pkcs1=False, bits=2048, line=64):
    """An RSA public key PEM with any label: Go's pem.Encode writes 64-character lines and a final newline."""
    import base64
    import textwrap

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import padding, rsa

    private = rsa.generate_private_key(public_exponent=65537, key_size=max(bits, 1024))
    public = private.public_key() if bits >= 1024 else rsa.RSAPublicNumbers(65537, (1 << bits) - 1).public_key()
    der = public.public_bytes(
        serialization.Encoding.DER,
        serialization.PublicFormat.PKCS1 if pkcs1 else serialization.PublicFormat.SubjectPublicKeyInfo)
    body = '\n'.join(textwrap.wrap(base64.b64encode(der).decode(), line))
    pem = '-----BEGIN %s-----\n%s\n-----END %s-----\n' % (label, body, label)
    return pem, lambda wrapped: private.decrypt(base64.b64decode(wrapped), padding.PKCS1v15())


@pytest.mark.parametrize('label, pkcs1, line', [
    ('RSA PUBLIC KEY', False, 64),  # Zadig's GetRsaKey: a SubjectPublicKeyInfo body under the PKCS#1 label
    ('PUBLIC KEY', False, 64),
    ('RSA PUBLIC KEY', True, 64),
    ('PUBLIC KEY', True, 76),
])
def test_the_public_key_is_read_whatever_its_label_says(monkeypatch, label, pkcs1, line):
    pem, decrypt = _rsa_pem(label, pkcs1, line=line)
    session = script(monkeypatch, [Call('GET', PUBLIC_KEY, answer={'publicKey': pem}),
                                   Call('GET', INTERNAL, answer=[])])
    client = ZadigClient(URL, TOKEN)
    assert client.list_registries_full() == []
    session.assert_done()
    wrapped = session.sent[1]['params']['encryptedKey']
    assert len(decrypt(wrapped)) == 32


def test_a_public_key_under_1024_bits_is_refused(monkeypatch):
    pem, dummy = _rsa_pem('RSA PUBLIC KEY', bits=512)
    error = failure(monkeypatch, [Call('GET', PUBLIC_KEY, answer={'publicKey': pem})],
                    lambda c: c.list_registries_full())
    assert 'no usable RSA public key' in str(error)


def test_an_ec_public_key_is_refused(monkeypatch):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    pem = ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    error = failure(monkeypatch, [Call('GET', PUBLIC_KEY, answer={'publicKey': pem})],
                    lambda c: c.list_registries_full())
    assert 'no usable RSA public key' in str(error)


def test_the_ca_bundle_of_certifi_is_usable_as_ca_path(monkeypatch):
    session = script(monkeypatch, [Call('GET', OPENAPI, answer=[])])
    ZadigClient(URL, TOKEN, ca_path=certifi.where()).list_registries()
    assert session.sent[0]['verify'] == certifi.where()


# ---- the task's environment: proxies and CA bundles, never ~/.netrc ------------------------------------------------

def test_the_environment_given_decides_proxies_and_ca_bundle_not_the_process_one(monkeypatch):
    monkeypatch.setenv('HTTPS_PROXY', 'http://process-proxy:3128')
    monkeypatch.setenv('REQUESTS_CA_BUNDLE', '/process/ca.pem')
    session = script(monkeypatch, [Call('GET', OPENAPI, answer=[])])
    ZadigClient(URL, TOKEN, environ={'https_proxy': 'http://task-proxy:3128', 'REQUESTS_CA_BUNDLE': '/task/ca.pem',
                                     'HTTP_PROXY': 'http://plain:80'}).list_registries()
    assert session.trust_env is False
    assert session.sent[0]['proxies'] == {'https': 'http://task-proxy:3128', 'http': 'http://plain:80'}
    assert session.sent[0]['verify'] == '/task/ca.pem'


@pytest.mark.parametrize('no_proxy', ['zadig.example.com', '.example.com', 'example.com', '*'])
def test_no_proxy_of_the_environment_given_is_honoured(monkeypatch, no_proxy):
    session = script(monkeypatch, [Call('GET', OPENAPI, answer=[])])
    ZadigClient(URL, TOKEN, environ={'HTTPS_PROXY': 'http://p:3128', 'NO_PROXY': no_proxy}).list_registries()
    assert session.sent[0]['proxies'] == {}


def test_the_process_no_proxy_does_not_leak_into_another_environment(monkeypatch):
    monkeypatch.setenv('NO_PROXY', '*')
    session = script(monkeypatch, [Call('GET', OPENAPI, answer=[])])
    ZadigClient(URL, TOKEN, environ={'HTTPS_PROXY': 'http://p:3128'}).list_registries()
    assert session.sent[0]['proxies'] == {'https': 'http://p:3128'}


def test_ca_path_wins_over_the_ca_bundle_variables(monkeypatch):
    session = script(monkeypatch, [Call('GET', OPENAPI, answer=[])])
    ZadigClient(URL, TOKEN, ca_path=certifi.where(), environ={'REQUESTS_CA_BUNDLE': '/x.pem'}).list_registries()
    assert session.sent[0]['verify'] == certifi.where()


def test_a_netrc_entry_for_the_host_never_replaces_the_bearer_token(tmp_path, monkeypatch, server):
    netrc = tmp_path / 'netrc'
    netrc.write_text('machine 127.0.0.1 login admin password netrc-password\n')
    netrc.chmod(0o600)
    monkeypatch.setenv('NETRC', str(netrc))
    assert ZadigClient(server.url, server.sim_admin).list_registries() == []


# ---- a trailing newline never slips past an anchored pattern ($ matches before one) --------------------------------

def test_an_id_with_a_trailing_newline_is_refused_before_any_request(monkeypatch):
    session = script(monkeypatch, [])
    with pytest.raises(ZadigAPIError, match='registry_id must be 24 lowercase hexadecimal'):
        ZadigClient(URL, TOKEN).get_registry(RID + '\n')
    assert session.sent == []


def test_an_answered_id_with_a_trailing_newline_is_not_an_id(monkeypatch):
    error = failure(monkeypatch, [Call('GET', OPENAPI, answer=[dict(REGISTRY, registry_id=RID + '\n')])])
    assert 'not 24 lowercase hexadecimal characters' in str(error) and '\n' not in str(error)
