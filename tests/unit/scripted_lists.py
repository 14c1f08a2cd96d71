# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A server's registries and a list's entries, as the scripted tests of a whole list write them (the list in
module_utils' test_manage, test_manage_deletes and test_drift, expected_drift on both paths, the documented returns).

``reg`` is a registry as Zadig lists it, ``entry`` a list entry as a task gives it; SERVER and ENTRIES are the
server and the list whose drift test_drift reviews.
"""

from __future__ import annotations

URL = 'https://zadig.example.com'
OK = {'message': 'success'}
ID_A, ID_B, ID_C, ID_N = ('65a1b2c3d4e5f607182930%02x' % n for n in (1, 2, 3, 0xf0))


def reg(rid, host, namespace='ns', provider='native', is_default=False):
    return {'registry_id': rid, 'address': 'https://%s.example.com' % host, 'provider': provider, 'region': '',
            'namespace': namespace, 'is_default': is_default}


def entry(host, **kwargs):
    kwargs.setdefault('namespace', 'ns')
    kwargs.setdefault('provider', 'native')
    return dict(address='https://%s.example.com' % host, **kwargs)


SERVER = [reg(ID_A, 'a', is_default=True), reg(ID_B, 'b'), reg(ID_C, 'c')]
ENTRIES = [entry('a'), entry('b', provider='harbor'), entry('new'), entry('c', state='absent')]
