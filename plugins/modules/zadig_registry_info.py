#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
---
module: zadig_registry_info
short_description: List the image registries of a Zadig server
version_added: 0.1.0
description:
  - Returns the image registries of a L(Zadig,https://koderover.com/) server, optionally filtered.
  - Makes exactly one request, the registry list, which any valid token may read (two with O(details=true)).
  - Never changes anything.
author:
  - zadig.core contributors (!UNKNOWN)
options:
  registry_id:
    description:
      - Return just this registry. The task fails when it does not exist or is not 24 lowercase hexadecimal
        characters; it never returns another registry in its place.
    type: str
  address:
    description:
      - Only registries with this address, compared after normalisation (scheme and host lowercased,
        trailing C(/) dropped).
    type: str
  namespace:
    description: Only registries with this namespace (leading and trailing spaces ignored).
    type: str
  provider:
    description: Only registries of this provider.
    type: str
    choices: [acr, tcr, swr, ecr, dockerhub, harbor, native]
  is_default:
    description: Only the default registry (V(true)) or only the others (V(false)).
    type: bool
  details:
    description:
      - Also return RV(registries[].enable_tls), RV(registries[].tls_cert) and RV(registries[].projects), which
        Zadig's OpenAPI does not expose. Never returns credentials.
      - Reads through Zadig's internal registry route, which needs a system administrator's token (see
        O(zadig_token)) and the C(cryptography) Python library, and costs a second request.
    type: bool
    default: false
extends_documentation_fragment:
  - zadig.core.zadig
  - zadig.core.zadig.actiongroup
  - zadig.core.zadig.controller
attributes:
  check_mode:
    description: Runs the same in check mode, since it never changes anything.
    support: full
    details: The module only reads.
  diff_mode:
    description: Has nothing to show in diff mode.
    support: none
seealso:
  - module: zadig.core.zadig_registry
'''

EXAMPLES = r'''
- name: Find Zadig's default registry
  zadig.core.zadig_registry_info:
    zadig_url: https://zadig.example.com
    zadig_token: "{{ vault_zadig_token }}"
    is_default: true
  register: default_registry

- name: Show its address
  ansible.builtin.debug:
    msg: "{{ default_registry.registries[0].address | default('no default registry') }}"

- name: Read one registry by its id (fails when it does not exist)
  zadig.core.zadig_registry_info:
    registry_id: 65a1b2c3d4e5f60718293a4b
  register: one

- name: List every Harbor registry, with the connection from ZADIG_URL and ZADIG_TOKEN
  zadig.core.zadig_registry_info:
    provider: harbor
  register: harbors

# details needs an administrator's token and the cryptography library
- name: Export every registry in the registries role's input shape, to review and keep in the inventory
  zadig.core.zadig_registry_info:
    details: true
  register: current

- name: Make sure the inventory's group_vars/all directory exists
  ansible.builtin.file:
    path: "{{ inventory_dir }}/group_vars/all"
    state: directory
    mode: '0755'
  delegate_to: localhost

- name: Write the list to a vars file (no secrets in it; add them from Ansible Vault)
  ansible.builtin.copy:
    dest: "{{ inventory_dir }}/group_vars/all/zadig_registries.yml"
    content: "{{ {'zadig_registries': current.zadig_registries} | to_nice_yaml(indent=2) }}"
    mode: '0644'
  delegate_to: localhost
'''

RETURN = r'''
zadig_registries:
  description:
    - The registries found, as entries of the C(zadig.core.registries) role's list (and of
      M(zadig.core.zadig_registries)); applying them to the same server changes nothing.
    - Each has C(address) (normalised), C(namespace), C(provider), C(region) when set and C(is_default); with
      O(details=true) also C(enable_tls), C(tls_cert) when TLS is on and a certificate is set, and C(projects).
      Never a secret.
    - A registry that shares its address and namespace with another is exported with its C(registry_id) added,
      with a warning. One the role could not take as it is stored (an address without a scheme, a provider the
      OpenAPI refuses) is exported as its C(registry_id) and C(is_default) only. A second default registry is
      exported without C(is_default).
  returned: always
  type: list
  elements: dict
  version_added: 0.2.0
  sample:
    - {address: https://harbor.example.com, namespace: platform, provider: harbor, is_default: true}
duplicates:
  description: Groups of registries (each a list in the RV(registries) shape) that share an address and namespace,
    among the groups that hold a registry the filters matched; V([]) when none. Zadig keeps such duplicates, and a
    task naming their address fails until one is left.
  returned: always
  type: list
  elements: list
  version_added: 0.2.0
  sample: []
registries:
  description: The registries that match, in the server's order.
  returned: always
  type: list
  elements: dict
  contains:
    registry_id:
      description: Zadig's id of the registry.
      type: str
      sample: 65a1b2c3d4e5f60718293a4b
    address:
      description: The address as stored by Zadig.
      type: str
      sample: https://harbor.example.com
    provider:
      description: The provider.
      type: str
      sample: harbor
    region:
      description: The region, or an empty string.
      type: str
      sample: ''
    namespace:
      description: The namespace, or an empty string.
      type: str
      sample: platform
    is_default:
      description: Whether it is Zadig's default registry.
      type: bool
      sample: true
    enable_tls:
      description: Whether Zadig verifies the registry's TLS certificate.
      type: bool
      returned: with O(details=true)
    tls_cert:
      description: The PEM certificate Zadig trusts for the registry, or an empty string.
      type: str
      returned: with O(details=true)
    projects:
      description: The Zadig projects that may use the registry; V(['<all_projects>']) for all.
      type: list
      elements: str
      returned: with O(details=true)
status:
  description:
    - The HTTP status of Zadig's answer, when the task failed on a request or before sending one; V(null) when no
      answer came (refused connection, timeout, TLS error) or no request was sent (bad connection options, no
      C(cryptography) library).
    - Failures of the task's own rules (bad input, several registries matching) carry only C(msg), and so does a
      module that finds no C(requests) library (ansible-core's own message).
  returned: on such a failure
  type: int
  sample: 403
description:
  description: Zadig's own description of the error (its C(description), C(reason) or text body), secrets masked;
    V(null) when it gave none.
  returned: with RV(status)
  type: str
  sample: The registry cannot be deleted, it's being used by environment
method:
  description: The HTTP method of the request that failed.
  returned: with RV(status)
  type: str
  sample: DELETE
path:
  description: The route of the request that failed, without O(zadig_url) or the query string.
  returned: with RV(status)
  type: str
  sample: /api/aslan/system/registry/namespaces/65a1b2c3d4e5f60718293a4b
'''

from ansible_collections.zadig.core.plugins.module_utils._connection import CONNECTION_ARGUMENT_SPEC
from ansible_collections.zadig.core.plugins.module_utils._entry import ZadigModule, run_module
from ansible_collections.zadig.core.plugins.module_utils._manage import registry_info
from ansible_collections.zadig.core.plugins.module_utils._registry import REGISTRY_OPTIONS

# The options, shared with the action plugin that runs this task in the controller's process.
MODULE_ARGS = dict(
    argument_spec=dict(
        CONNECTION_ARGUMENT_SPEC,
        details=dict(type='bool', default=False),
        **{name: REGISTRY_OPTIONS[name] for name in ('registry_id', 'address', 'namespace', 'provider', 'is_default')}
    ),
    supports_check_mode=True,
)
TASK = registry_info


def main():
    run_module(ZadigModule(**MODULE_ARGS), TASK)


if __name__ == '__main__':
    main()
