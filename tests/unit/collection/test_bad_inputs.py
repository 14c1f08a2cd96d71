# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every entry of the bad-input catalogue is refused before any request, naming the field and the rule."""

from __future__ import annotations

import json

import pytest

from ansible_collections.zadig.core.plugins.module_utils._api import ZadigClient
from ansible_collections.zadig.core.plugins.module_utils._manage import ensure_registries
from ansible_collections.zadig.core.plugins.module_utils._registry import InputError
from ansible_collections.zadig.core.plugins.modules import zadig_registry
from ansible_collections.zadig.core.tests.unit.collection.bad_inputs import LIST_CASES, MODULE_CASES
from ansible_collections.zadig.core.tests.unit.scripted_http import script
from ansible_collections.zadig.core.tests.unit.utils import ModuleExit, capture_exit, module_args

SECRETS = ('s' * 5000, 'robot\nadmin')


@pytest.mark.parametrize('what, source, options, field, words', MODULE_CASES, ids=[c[0] for c in MODULE_CASES])
def test_module_refuses_before_any_request(monkeypatch, what, source, options, field, words):
    session = script(monkeypatch, [], base_url='https://zadig.example.com')
    capture_exit(monkeypatch)
    args = dict(zadig_url='https://zadig.example.com', zadig_token='tok')
    args.update(options)
    with module_args(args), pytest.raises(ModuleExit) as info:
        zadig_registry.main()
    result = info.value.result
    assert info.value.failed, what
    assert field in result['msg'] and words in result['msg'], (source, result['msg'])
    assert session.sent == []
    assert not any(secret in json.dumps(result) for secret in SECRETS)


@pytest.mark.parametrize('what, source, entries, field, words', LIST_CASES, ids=[c[0] for c in LIST_CASES])
def test_list_refuses_before_any_request(monkeypatch, what, source, entries, field, words):
    session = script(monkeypatch, [])
    with pytest.raises(InputError) as info:
        ensure_registries(ZadigClient('https://zadig.example.com', 'tok'), entries)
    assert field in str(info.value) and words in str(info.value), (what, source)
    assert session.sent == []
