# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""zadig_registry's scripted server: the registries, the task and the answers its tests and the documented returns
share. ``unused`` and ``no_references_route`` answer who uses a registry as Zadig v4.2 and later, and v4.1, do.
"""

from __future__ import annotations

import requests
from urllib3.exceptions import MaxRetryError, NewConnectionError

from ansible_collections.zadig.core.plugins.module_utils._api import INTERNAL, OPENAPI
from ansible_collections.zadig.core.tests.unit.scripted_http import Call

ID_A = '65a1b2c3d4e5f60718293a01'
ID_B = '65a1b2c3d4e5f60718293a02'
ID_NEW = '65a1b2c3d4e5f60718293aff'
OK = {'message': 'success'}


def unused(rid):
    """Zadig v4.2 and later, asked who uses a registry: nobody."""
    return Call('GET', '%s/%s/references' % (INTERNAL, rid), answer={'references': []})


def no_references_route(rid):
    """Zadig v4.1, which has no references route."""
    path = '%s/%s/references' % (INTERNAL, rid)
    return Call('GET', path, 404, text='Invalid path: /api/system/registry/namespaces/%s/references' % rid)


def reg(rid, address='https://harbor.example.com', namespace='platform', provider='harbor', region='',
        is_default=False):
    return {'registry_id': rid, 'address': address, 'provider': provider, 'region': region,
            'namespace': namespace, 'is_default': is_default}


HARBOR = reg(ID_A, is_default=True)
OTHER = reg(ID_B, address='https://other.example.com', namespace='team', provider='native')
TASK = {'address': 'https://harbor.example.com', 'namespace': 'platform', 'provider': 'harbor'}
REFUSED = requests.exceptions.ConnectionError(MaxRetryError(None, OPENAPI, reason=NewConnectionError(
    None, 'Failed to establish a new connection: [Errno 111] Connection refused')))
