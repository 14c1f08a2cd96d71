# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The client the scripted-HTTP tests of module_utils talk through, and the one failure they most often expect."""

from __future__ import annotations

import pytest

from ansible_collections.zadig.core.plugins.module_utils._api import ZadigClient
from ansible_collections.zadig.core.plugins.module_utils._errors import ZadigAPIError
from ansible_collections.zadig.core.tests.unit.scripted_http import script

URL = 'https://zadig.example.com'
TOKEN = 'tok-SECRET-7f3a9b'
RID = '65a1b2c3d4e5f60718293a4b'
REGISTRY = {'registry_id': RID, 'address': 'https://reg.example.com', 'provider': 'harbor', 'region': '',
            'namespace': 'team', 'is_default': True}


def client(**kwargs):
    kwargs.setdefault('backoff', 0.5)
    return ZadigClient(URL + '/', TOKEN, **kwargs)


def fails(monkeypatch, call, action=lambda c: c.list_registries(), **kwargs):
    """The error one scripted answer makes; it never shows the token."""
    session = script(monkeypatch, [call])
    with pytest.raises(ZadigAPIError) as info:
        action(client(retries=0, **kwargs))
    session.assert_done()
    assert TOKEN not in str(info.value)
    return info.value
