# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The shapes of Zadig's answers, checked where they arrive: a list, a registry, a write's success or a public key of
the wrong shape fails naming the route and the fault; what a newer Zadig may add or drop is accepted."""

from __future__ import annotations

import pytest

from ansible_collections.zadig.core.plugins.module_utils._api import INTERNAL, OPENAPI, PUBLIC_KEY, ZadigClient
from ansible_collections.zadig.core.plugins.module_utils._errors import ZadigAPIError
from ansible_collections.zadig.core.tests.unit.scripted_http import Call, script
from ansible_collections.zadig.core.tests.unit.scripted_client import REGISTRY, RID, TOKEN, URL, fails


def failure(monkeypatch, calls, action=lambda c: c.list_registries()):
    session = script(monkeypatch, calls)
    with pytest.raises(ZadigAPIError) as info:
        action(ZadigClient(URL, TOKEN, retries=0))
    session.assert_done()
    return info.value


def test_list_that_is_not_a_list_is_an_error(monkeypatch):
    error = fails(monkeypatch, Call('GET', OPENAPI, 200, answer={'message': 'success'}))
    assert 'expected a JSON list' in str(error)


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


def test_an_answered_id_with_a_trailing_newline_is_not_an_id(monkeypatch):
    error = failure(monkeypatch, [Call('GET', OPENAPI, answer=[dict(REGISTRY, registry_id=RID + '\n')])])
    assert 'not 24 lowercase hexadecimal characters' in str(error) and '\n' not in str(error)
