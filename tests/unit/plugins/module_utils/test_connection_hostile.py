# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""An adversary's findings on the connection options: a setting that cannot work is refused before any request, in
one sentence naming the option, and a password in zadig_url is never repeated.

Tests that fail reproduce a defect; tests that pass pin a promise nobody had tested in this form.
"""

from __future__ import annotations

import pytest
import requests

from ansible_collections.zadig.core.plugins.module_utils._api import ZadigClient
from ansible_collections.zadig.core.plugins.module_utils._errors import ZadigAPIError

TOKEN = 'adversary-admin-token-31f7c9'
URL = 'https://zadig.example.com'


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


def test_a_password_in_zadig_url_is_not_repeated_by_the_refusal():
    """zadig_url with user:password@ is refused (good), but the message repeats the whole URL, password included."""
    with pytest.raises(ZadigAPIError) as caught:
        ZadigClient('https://admin:hunter2-url-password@zadig.example.com', TOKEN)
    assert 'zadig_url' in str(caught.value)
    assert 'hunter2-url-password' not in str(caught.value), str(caught.value)
