# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""An adversary's findings on failures in words: an odd answer is called what it is, the advice of newer Zadig
versions (a token Zadig replaced, MFA) is given, and a write Zadig answers 500 without a description names the
registry as stored, each against the simulator in-process.

Tests that fail reproduce a defect; tests that pass pin a promise nobody had tested in this form.
The promises of the versions are those of docs/user-guide.md, section 6a.
"""

from __future__ import annotations

import pytest
import requests

from ansible_collections.zadig.core.plugins.module_utils._api import OPENAPI, ZadigClient
from ansible_collections.zadig.core.plugins.module_utils._errors import ZadigAPIError
from ansible_collections.zadig.core.plugins.module_utils._manage import TaskError, ensure_registries
from ansible_collections.zadig.core.tests.unit.simulated_zadig import ADMIN, URL, client_of, native, simulated

TOKEN = 'adversary-admin-token-31f7c9'


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


# ---- promise 5: versions ---------------------------------------------------------------------------------------------

def test_v43_rotated_token_and_mfa_are_named(monkeypatch):
    """Promise 5 held: a 401 from v4.3 says the token may have been replaced; an MFA 403 names its reason."""
    sim = simulated(monkeypatch, 'v4.3')
    sim.seed('https://a.example.com', namespace='ns', is_default=True)
    sim.rotate_token(ADMIN, 'adversary-drift-admin-new')
    with pytest.raises(TaskError, match="HTTP 401.*user's current token [(]Zadig replaces it"):
        ensure_registries(client_of(), [native('a')], check_mode=True)
    sim.require_mfa('adversary-drift-admin-new', 'mfa_enrollment_required')
    with pytest.raises(TaskError, match='HTTP 403.*mfa_enrollment_required'):
        ensure_registries(client_of('adversary-drift-admin-new'), [native('a')], check_mode=True)


@pytest.mark.parametrize('version', ['v4.1', 'v4.2', 'v5.0', 'main'])
def test_an_empty_500_names_the_registry_without_slashes(monkeypatch, version):
    """Promise 5 held: a write answered 500 with no body names the stored address without '//'."""
    sim = simulated(monkeypatch, version)
    sim.seed('https://a.example.com', namespace='ns', is_default=True)
    bad = sim.seed('host.example.com:5000', namespace='legacy')
    with pytest.raises(TaskError) as caught:
        ensure_registries(client_of(), [native('new')])
    assert 'host.example.com:5000' in str(caught.value) and bad['id'] in str(caught.value)
    fixed = ensure_registries(client_of(), [{'registry_id': bad['id'], 'address': 'https://host.example.com:5000'}])
    assert fixed['changed'] is True
