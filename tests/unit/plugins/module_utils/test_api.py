# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The API client's routes: what each method sends and where, the registry ids it refuses before any request, and
an answer about another registry, refused."""

from __future__ import annotations

import pytest

from ansible_collections.zadig.core.plugins.module_utils._api import INTERNAL, OPENAPI, ZadigClient
from ansible_collections.zadig.core.plugins.module_utils._errors import ZadigAPIError
from ansible_collections.zadig.core.tests.unit.scripted_http import Call, script
from ansible_collections.zadig.core.tests.unit.scripted_client import REGISTRY, RID, TOKEN, URL, client, fails


def test_routes_and_bodies(monkeypatch):
    body = {'address': 'https://r', 'provider': 'native', 'namespace': 'n'}
    session = script(monkeypatch, [
        Call('POST', OPENAPI, answer={'message': 'success'}, body=body),
        Call('GET', OPENAPI + '/' + RID, answer=REGISTRY),
        Call('PUT', OPENAPI + '/' + RID, answer={'message': 'success'}, body=body),
        Call('DELETE', INTERNAL + '/' + RID, answer={'message': 'success'}, body=None),
    ])
    c = client()
    c.create_registry(body)
    assert c.get_registry(RID) == REGISTRY
    c.update_registry(RID, body)
    c.delete_registry(RID)
    session.assert_done()


# ---- registry ids (a malformed one makes Zadig answer about another) ------------------------------------------

@pytest.mark.parametrize('bad', ['', 'nothex', RID.upper(), RID[:-1], RID + '0', '../' + RID[3:], None, 12])
def test_malformed_ids_are_refused_before_any_request(monkeypatch, bad):
    session = script(monkeypatch, [])
    for action in (lambda c: c.get_registry(bad), lambda c: c.update_registry(bad, {}),
                   lambda c: c.delete_registry(bad)):
        with pytest.raises(ZadigAPIError, match='registry_id must be 24 lowercase hexadecimal'):
            action(client())
    assert session.sent == []


def test_get_by_id_refuses_an_answer_about_another_registry(monkeypatch):
    other = dict(REGISTRY, registry_id='f' * 24)
    error = fails(monkeypatch, Call('GET', OPENAPI + '/' + RID, answer=other), lambda c: c.get_registry(RID))
    assert 'instead of %s' % RID in str(error) and 'f' * 24 in str(error)


def test_against_the_simulator(server):
    from ansible_collections.zadig.core.tests.unit.utils import ADMIN, USER

    admin = ZadigClient(server.url, ADMIN)
    admin.create_registry({'address': 'https://reg.example.com', 'provider': 'native', 'namespace': 'team'})
    registry = admin.list_registries()[0]
    assert admin.get_registry(registry['registry_id']) == registry
    with pytest.raises(ZadigAPIError, match='HTTP 403') as info:
        ZadigClient(server.url, USER).get_registry(registry['registry_id'])
    assert USER not in str(info.value)
    with pytest.raises(ZadigAPIError, match='HTTP 401'):
        ZadigClient(server.url, 'nope').list_registries()


# ---- a trailing newline never slips past an anchored pattern ($ matches before one) --------------------------------

def test_an_id_with_a_trailing_newline_is_refused_before_any_request(monkeypatch):
    session = script(monkeypatch, [])
    with pytest.raises(ZadigAPIError, match='registry_id must be 24 lowercase hexadecimal'):
        ZadigClient(URL, TOKEN).get_registry(RID + '\n')
    assert session.sent == []
