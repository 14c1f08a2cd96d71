# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""TLS: the simulator over HTTPS with a certificate from a private CA (the https_server fixture), reached through
the module itself."""

from __future__ import annotations

import pytest

from ansible_collections.zadig.core.plugins.modules import zadig_registry_info
from ansible_collections.zadig.core.tests.unit.utils import ModuleExit, capture_exit, module_args

pytest.importorskip('cryptography.x509')
from ansible_collections.zadig.core.tests.unit.https_simulator import TOKEN  # noqa: E402  pylint: disable=wrong-import-position


def info(monkeypatch, server, **options):
    capture_exit(monkeypatch)
    args = dict(zadig_url=server.url, zadig_token=TOKEN, timeout=5)
    args.update(options)
    with module_args(args), pytest.raises(ModuleExit) as result:
        zadig_registry_info.main()
    return result.value


def test_validate_certs_refuses_a_certificate_from_an_unknown_ca(monkeypatch, https_server):
    server, _ca = https_server
    outcome = info(monkeypatch, server)
    assert outcome.failed
    assert 'TLS verification of %s failed' % server.url in outcome.result['msg']
    assert 'ca_path' in outcome.result['msg'] and 'CERTIFICATE_VERIFY_FAILED' in outcome.result['msg']


def test_ca_path_makes_it_trusted(monkeypatch, https_server):
    server, ca_path = https_server
    outcome = info(monkeypatch, server, ca_path=ca_path)
    assert not outcome.failed and outcome.result['registries'][0]['namespace'] == 'platform'


def test_ca_path_from_the_environment(monkeypatch, https_server):
    server, ca_path = https_server
    monkeypatch.setenv('ZADIG_CA_PATH', ca_path)
    assert not info(monkeypatch, server).failed


def test_validate_certs_false_skips_verification(monkeypatch, https_server):
    server, _ca = https_server
    outcome = info(monkeypatch, server, validate_certs=False)
    assert not outcome.failed and len(outcome.result['registries']) == 1
