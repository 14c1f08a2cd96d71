# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The catalogue of bad input: every entry must be refused before any request, by a message naming the field.

test_bad_inputs.py runs it; scripts/render_docs.py renders it as docs/bad-input.md.
Each entry: (what is wrong, where the rule comes from, options, field named, words the message must contain).
"""

from __future__ import annotations

BASE = {'address': 'https://harbor.example.com', 'namespace': 'platform', 'provider': 'harbor'}


def task(**changes):
    options = dict(BASE)
    options.update(changes)
    return {k: v for k, v in options.items() if v is not None}


MODULE_CASES = [
    # the interface
    ('neither address nor registry_id', 'interface', {'namespace': 'platform'}, 'address', 'one of the following'),
    ('state not present or absent', 'interface', task(state='gone'), 'state', 'must be one of'),
    ('is_default not a boolean', 'interface', task(is_default='maybe'), 'is_default', 'bool'),
    ('timeout not an integer', 'interface', task(timeout='soon'), 'timeout', 'int'),
    ('zadig_url without a scheme', 'interface', task(zadig_url='zadig.example.com'), 'zadig_url', 'http://'),
    ('registry_id too short', 'zadig-api §7.2', {'registry_id': '65a1b2c3d4e5f6071829'}, 'registry_id', '24'),
    ('registry_id in capitals', 'zadig-api §7.2', {'registry_id': '65A1B2C3D4E5F60718293A4B'}, 'registry_id', '24'),
    ('registry_id with ../', 'hostile', {'registry_id': '../../api/aslan/system/x'}, 'registry_id', '24'),
    ('registry_id holding JSON', 'hostile', {'registry_id': '{"$ne": null}'}, 'registry_id', '24'),
    ('provider nexus', 'zadig-api §4.2, §10.1', task(provider='nexus'), 'provider', 'native'),
    ('provider in another case', 'zadig-api §4.2', task(provider='Harbor'), 'provider', 'one of'),
    ('provider only the UI knows', 'zadig-api §10.1', task(provider='acr-enterprise'), 'provider', 'one of'),
    ('provider empty', 'zadig-api §4.2', task(provider=''), 'provider', 'one of'),
    ('ecr without region', 'zadig-api §4.2', task(provider='ecr', namespace=None), 'region', 'required'),
    ('swr without region', 'zadig-api §10.11', task(provider='swr'), 'region', 'required'),
    ('region with a space', 'hostile', task(provider='swr', region='cn north'), 'region', 'only'),
    ('region holding JSON', 'hostile', task(provider='swr', region='{"a": 1}'), 'region', 'only'),
    ('harbor without namespace', 'zadig-api §4.2', task(namespace=None), 'namespace', 'required'),
    ('namespace only spaces', 'zadig-api §4.2', task(namespace='   '), 'namespace', 'required'),
    ('namespace with an inner space', 'hostile', task(namespace='team a'), 'namespace', 'only'),
    ('namespace holding JSON', 'hostile', task(namespace='{"team": 1}'), 'namespace', 'only'),
    ('namespace with ..', 'hostile', task(namespace='team/../ops'), 'namespace', '..'),
    ('namespace in Unicode', 'hostile', task(namespace='équipe'), 'namespace', 'only'),
    ('namespace of 300 characters', 'hostile', task(namespace='n' * 300), 'namespace', 'at most 255'),
    ('namespace with a newline', 'hostile', task(namespace='team\nops'), 'namespace', 'control'),
    ('address without a scheme', 'zadig-api §4.2', task(address='harbor.example.com'), 'address', 'http://'),
    ('host:port without a scheme', 'zadig-api §4.2, §9', task(address='harbor.example.com:5000'), 'address',
     'DinD'),
    ('IP:port without a scheme', 'zadig-api §4.2', task(address='10.0.0.1:5000'), 'address', 'http://'),
    ('address with another scheme', 'zadig-api §9', task(address='ftp://harbor.example.com'), 'address',
     'http://'),
    ('address with a leading space', 'zadig-api §9', task(address=' https://harbor.example.com'), 'address',
     'whitespace'),
    ('address with a trailing space', 'zadig-api §9', task(address='https://harbor.example.com '), 'address',
     'whitespace'),
    ('address with a path', 'zadig-api §9', task(address='https://harbor.example.com/platform'), 'address',
     'no path'),
    ('address with a query', 'hostile', task(address='https://harbor.example.com?x=1'), 'address', 'no path'),
    ('address with user and password', 'hostile', task(address='https://user:pw@harbor.example.com'), 'address',
     'valid host'),
    ('address with no host', 'zadig-api §4.2', task(address='https://'), 'address', 'valid host'),
    ('address with port 99999', 'hostile', task(address='https://harbor.example.com:99999'), 'address',
     'between 1 and 65535'),
    ('secret_key a Python dict, not JSON text', 'hostile', task(secret_key=str({'type': 'service_account'})),
     'secret_key', '| string'),
    ('address with a trailing dot', 'hostile', task(address='https://harbor.example.com.'), 'address', 'dot'),
    ('address in Unicode', 'hostile', task(address='https://régistry.example.com'), 'address', 'xn--'),
    ('address with a 300-character label', 'hostile', task(address='https://%s.example.com' % ('a' * 300)),
     'address', 'valid host'),
    ('address of 3000 characters', 'hostile', task(address='https://h.example.com/' + 'p' * 3000), 'address',
     'at most 2048'),
    ('address with a newline', 'hostile', task(address='https://harbor.example.com\n'), 'address', 'control'),
    ('tls_cert without enable_tls', 'interface', task(tls_cert='-----BEGIN CERTIFICATE-----'), 'tls_cert',
     'enable_tls'),
    ('tls_cert that is not PEM', 'hostile', task(enable_tls=True, tls_cert='{"cert": "x"}'), 'tls_cert', 'PEM'),
]

LIST_CASES = [
    ('two defaults in one list', 'interface (role)',
     [task(is_default=True), task(address='https://b.example.com', is_default=True)], 'is_default', 'at most one'),
    ('the same registry twice', 'interface (role)', [task(), task(provider='native')], 'namespace', 'listed twice'),
    ('a bad entry among good ones', 'interface (role)', [task(), task(address='https://b.example.com',
                                                                      provider='nexus')], 'provider', 'native'),
]
