# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The connection options: zadig_url, zadig_token, validate_certs, ca_path and timeout from the task or its ZADIG_*
variables, and every setting that cannot work refused before any request, in one sentence naming the option and
never showing the token."""

from __future__ import annotations

import certifi
import pytest

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.zadig.core.plugins.module_utils._api import OPENAPI, ZadigClient
from ansible_collections.zadig.core.plugins.module_utils._connection import CONNECTION_ARGUMENT_SPEC, connection_from_environment
from ansible_collections.zadig.core.plugins.module_utils._errors import ZadigAPIError
from ansible_collections.zadig.core.tests.unit.scripted_http import Call, script
from ansible_collections.zadig.core.tests.unit.utils import ModuleExit, capture_exit, module_args, through_run_module
from ansible_collections.zadig.core.tests.unit.scripted_client import TOKEN, URL

CA = certifi.where()


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


# ---- zadig_url ---------------------------------------------------------------------------------------------------

def test_trailing_slash_on_the_base_url_is_accepted(monkeypatch):
    session = script(monkeypatch, [Call('GET', OPENAPI, answer=[])])
    ZadigClient(URL + '///', TOKEN).list_registries()
    session.assert_done()


@pytest.mark.parametrize('url', ['zadig.example.com', 'ftp://zadig', '', None, 'https://'])
def test_base_url_needs_http_or_https_and_a_host(url):
    with pytest.raises(ZadigAPIError, match='zadig_url must be an http:// or https:// address'):
        ZadigClient(url, TOKEN)


# ---- connection options from the environment -------------------------------------------------------------

def test_connection_options_fall_back_to_the_environment(monkeypatch):
    monkeypatch.setenv('ZADIG_URL', 'https://env.example.com')
    monkeypatch.setenv('ZADIG_TOKEN', 'env-token')
    monkeypatch.setenv('ZADIG_VALIDATE_CERTS', 'false')
    monkeypatch.setenv('ZADIG_CA_PATH', CA)
    monkeypatch.setenv('ZADIG_TIMEOUT', '9')
    session = script(monkeypatch, [Call('GET', OPENAPI, answer=[])], base_url='https://env.example.com')
    with module_args({}):
        module = AnsibleModule(argument_spec=CONNECTION_ARGUMENT_SPEC)
    listed = through_run_module(monkeypatch, module)
    assert not listed.failed, listed.result
    sent = session.sent[0]
    assert (sent['headers']['Authorization'], sent['verify'], sent['timeout']) == ('Bearer env-token', False, 9)


def test_options_win_over_the_environment(monkeypatch):
    monkeypatch.setenv('ZADIG_URL', 'https://env.example.com')
    monkeypatch.setenv('ZADIG_TOKEN', 'env-token')
    session = script(monkeypatch, [Call('GET', OPENAPI, answer=[])])
    with module_args({'zadig_url': URL, 'zadig_token': TOKEN}):
        module = AnsibleModule(argument_spec=CONNECTION_ARGUMENT_SPEC)
    assert module.params['timeout'] == 30 and module.params['validate_certs'] is True
    listed = through_run_module(monkeypatch, module)
    assert not listed.failed, listed.result
    assert session.sent[0]['headers']['Authorization'] == 'Bearer ' + TOKEN


def test_missing_url_fails_the_module_naming_the_option_and_variable(monkeypatch):
    monkeypatch.delenv('ZADIG_URL', raising=False)
    monkeypatch.setenv('ZADIG_TOKEN', 'env-token')
    capture_exit(monkeypatch)
    with module_args({}), pytest.raises(ModuleExit) as info:
        AnsibleModule(argument_spec=CONNECTION_ARGUMENT_SPEC)
    assert info.value.failed and 'zadig_url' in info.value.result['msg']


def test_bad_url_fails_the_module_cleanly(monkeypatch):
    capture_exit(monkeypatch)
    with module_args({'zadig_url': 'zadig.example.com', 'zadig_token': TOKEN}):
        module = AnsibleModule(argument_spec=CONNECTION_ARGUMENT_SPEC)
    done = through_run_module(monkeypatch, module)
    assert done.failed and 'zadig_url' in done.result['msg']


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


def test_the_ca_bundle_of_certifi_is_usable_as_ca_path(monkeypatch):
    session = script(monkeypatch, [Call('GET', OPENAPI, answer=[])])
    ZadigClient(URL, TOKEN, ca_path=certifi.where()).list_registries()
    assert session.sent[0]['verify'] == certifi.where()
