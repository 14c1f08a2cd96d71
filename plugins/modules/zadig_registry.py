#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
---
module: zadig_registry
short_description: Manage an image registry of a Zadig server
version_added: 0.1.0
description:
  - Create, update or delete one image registry of a L(Zadig,https://koderover.com/) CI/CD server through its HTTP API.
  - A registry is found by O(registry_id) or, without it, by its natural key, the normalised O(address) plus O(namespace).
    Zadig itself never refuses a duplicate, so this module never creates a second registry with the same key,
    and fails, listing the ids, when the server already holds several.
  - Addresses are compared after normalisation (scheme and host lowercased, trailing C(/) dropped), so
    V(https://Reg.Example.com/) and V(https://reg.example.com) are the same registry.
  - An unchanged task that names no credentials, TLS settings or projects sends one request; a change sends three
    (read the registries, write, read them back) and fails when the server did not apply what was asked. Naming
    credentials, TLS settings or projects with O(update_secrets=compare) adds a read of Zadig's internal list, and a
    delete on Zadig v4.2 and later adds a question about which environments use the registry.
  - When Zadig answers a write with an error after saving it (it does so when its post-save DinD sync fails),
    the module reads the registries back, sends nothing again, and reports what the server now holds.
author:
  - zadig.core contributors (!UNKNOWN)
options:
  state:
    description:
      - V(present) creates the registry or updates it to match the options given.
      - V(absent) deletes it, through Zadig's internal delete route (the OpenAPI has none).
        Deleting a registry that does not exist changes nothing.
      - Zadig refuses to delete a registry that an environment uses. On Zadig v4.2 and later the module asks first
        which projects and environments use it (one request, only when there is something to delete) and, when any
        do, fails before any write, in check mode too, naming them; on v4.1 Zadig's own refusal is reported the
        same way.
    type: str
    choices: [present, absent]
    default: present
  registry_id:
    description:
      - Manage exactly this registry, 24 lowercase hexadecimal characters as Zadig shows it.
      - With O(registry_id), a task can change the O(address) or O(namespace) of an existing registry.
      - It must exist when O(state=present).
    type: str
  address:
    description:
      - Registry URL with its scheme, V(http://) or V(https://), and an optional port, for example
        V(https://harbor.example.com:8443), with no path (the project or organisation goes in O(namespace)).
      - Sent in normalised form (lowercased, no trailing C(/)).
      - Required unless O(registry_id) is given.
    type: str
  namespace:
    description:
      - The registry's namespace (project, organisation or repository prefix). Leading and trailing spaces are ignored.
      - Required for every provider except V(ecr).
      - Omitted, it means the empty namespace, which is part of the natural key; a task that gives O(address)
        alone matches only a registry without a namespace (as V(ecr) registries are), and O(state=absent) then
        leaves a registry with a namespace alone.
    type: str
  provider:
    description:
      - Registry provider, required to create a registry.
      - Zadig's documentation also lists V(nexus), but the server refuses it; use V(native) for a Nexus registry.
      - Omitted for an existing registry, the provider stays as it is.
    type: str
    choices: [acr, tcr, swr, ecr, dockerhub, harbor, native]
  region:
    description:
      - Cloud region, required when O(provider) is V(ecr) or V(swr).
      - Zadig cannot clear a region once set; an omitted or empty region leaves it as it is.
    type: str
  is_default:
    description:
      - Whether this is Zadig's default registry. Setting V(true) moves the default from the registry that
        had it, which the result names in RV(previous_default).
      - Omitted, an existing registry keeps its flag and a new one is created non-default, except on Zadig's main
        branch (after v5.0), which makes a registry created on a server with no default the default; the module
        then warns.
      - V(false) on the current default leaves Zadig with no default registry on Zadig up to v5.0; recent Zadig
        builds refuse it and the task fails, telling you to make another registry the default instead.
    type: bool
  access_key:
    description:
      - User name or access key of the registry.
      - With O(update_secrets=compare), compared with the stored value and updated when it differs; with
        O(update_secrets=on_create), set when the registry is created only.
      - Never shown in results or diffs; the result's RV(secrets) says whether it changed.
      - Zadig up to v5.0 records the body of a create, with this value and O(secret_key), in its operation log.
    type: str
  secret_key:
    description:
      - Password or secret key of the registry. Same rules as O(access_key).
    type: str
  enable_tls:
    description:
      - Whether Zadig's Docker-in-Docker builder verifies the registry's TLS certificate. When V(false), Zadig adds
        the registry to its insecure registries.
      - Compared and updated like O(access_key); omitted, the stored setting stays, and a registry created without
        it gets V(false), so Zadig treats it as insecure.
    type: bool
  tls_cert:
    description:
      - PEM certificate of the CA that signed the registry's certificate. Only with O(enable_tls=true).
      - Compared (ignoring surrounding white space) and updated like O(access_key).
    type: str
  update_secrets:
    description:
      - How O(access_key), O(secret_key), O(enable_tls) and O(tls_cert) are handled for an existing registry.
      - V(compare) reads the stored values back through Zadig's internal registry route (an RSA-wrapped AES key
        keeps the secret encrypted on the wire) and updates only what differs. It needs a system administrator's
        token and the C(cryptography) Python library, and costs one extra request.
      - V(on_create) sets them when the registry is created and never touches them afterwards, with no
        internal call.
      - With V(compare), an update of an V(swr) or V(ecr) registry goes through the internal route too, which
        avoids the OpenAPI's re-saving of their credentials in decoded form.
    type: str
    choices: [compare, on_create]
    default: compare
  projects:
    description:
      - The Zadig projects that may use the registry; V(['<all_projects>']) for all. Compared as a set.
      - Omitted, the registry's projects stay as they are. Zadig's OpenAPI cannot set projects, so the module
        reads and writes them through Zadig's internal registry route (administrator token, C(cryptography)).
    type: list
    elements: str
extends_documentation_fragment:
  - zadig.core.zadig
  - zadig.core.zadig.actiongroup
  - zadig.core.zadig.controller
attributes:
  check_mode:
    description:
      - Sends no write, and reports the same C(changed), RV(registry) and diff as a real run would, except where
        Zadig decides only at the write. On its main branch, a registry created on a server with no default
        becomes the default (the real run warns). On v4.1, which cannot say beforehand which environments use a
        registry, deleting one in use passes check mode and fails in the real run.
    support: full
  diff_mode:
    description: Shows the registry's fields before and after; secrets are never shown.
    support: full
notes:
  - A registry created without O(projects) gets none, so project-scoped lists in Zadig do not show it; set
    O(projects) (for example V(['<all_projects>'])) to make it visible.
  - Writes of credentials, TLS settings or projects replace Zadig's whole internal document; the module sends back
    every field it read, with only the intended ones changed, so nothing is wiped.
  - With O(update_secrets=on_create), updating an V(swr) or V(ecr) registry goes through Zadig's OpenAPI, which
    makes the server re-save its stored credentials in decoded form; the module warns when it does so.
  - In check mode, the RV(registry.registry_id) of a registry that would be created is V(null).
  - On a Zadig edition without a Professional or Enterprise licence, an V(ecr) registry can be created, but Zadig
    refuses every later change to it (HTTP 400, code 7050), whatever the field, and refuses O(projects) on its
    create too (the registry is then created without projects and the task fails saying so). Manage such a registry
    with O(update_secrets=on_create), no O(projects) and no change after its creation, or install the licence.
    Check mode cannot know the edition, so it reports such a change as it would on a licensed Zadig.
  - Credentials are compared exactly as Zadig stores them, newlines included (a JSON key file for Google's
    registries, with the user V(_json_key), is a multi-line O(secret_key)); no form of a secret, whole or line by
    line, appears in any output.
seealso:
  - module: zadig.core.zadig_registry_info
  - name: Zadig OpenAPI for image registries
    description: The API this module uses.
    link: https://docs.koderover.com/en/zadig/api/registry/
'''

EXAMPLES = r'''
- name: Manage registries with the connection set once for the zadig.core modules
  module_defaults:
    group/zadig.core.zadig:
      zadig_url: https://zadig.example.com
      zadig_token: "{{ vault_zadig_token }}"
  block:
    - name: Make the company Harbor the default registry
      zadig.core.zadig_registry:
        address: https://harbor.example.com
        namespace: platform
        provider: harbor
        is_default: true
        access_key: robot$ci
        secret_key: "{{ vault_harbor_robot_secret }}"
        enable_tls: true
        projects: ['<all_projects>']

    - name: Keep an ECR registry (no namespace needed)
      zadig.core.zadig_registry:
        address: https://123456789012.dkr.ecr.eu-west-1.amazonaws.com
        provider: ecr
        region: eu-west-1

    - name: Keep a Huawei Cloud SWR registry, setting its credentials only when it is created
      zadig.core.zadig_registry:
        address: https://swr.cn-north-4.myhuaweicloud.com
        namespace: platform
        provider: swr
        region: cn-north-4
        access_key: cn-north-4@AKEXAMPLE
        secret_key: "{{ vault_swr_login_key }}"
        update_secrets: on_create

    - name: Move an existing registry to a new address
      zadig.core.zadig_registry:
        registry_id: 65a1b2c3d4e5f60718293a4b
        address: https://harbor-new.example.com

    - name: Remove an old registry
      zadig.core.zadig_registry:
        address: https://old-registry.example.com
        namespace: legacy
        state: absent

# ZADIG_URL and ZADIG_TOKEN set outside Ansible, for example by the AWX credential type in docs/awx
- name: Connect through the environment variables
  zadig.core.zadig_registry:
    address: https://registry.example.com:5000
    namespace: team-a
    provider: native
'''

RETURN = r'''
registry:
  description:
    - The registry as the server holds it after the task; V({}) after O(state=absent).
    - In check mode, the registry as it would be after a real run.
    - On a failure after a write (Zadig saved it and then answered an error, or did not apply what was asked),
      what the server holds now.
  returned: always, and on a failure after a write
  type: dict
  contains:
    registry_id:
      description: Zadig's id of the registry; V(null) in check mode for a registry that would be created.
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
secrets:
  description:
    - For each of O(access_key) and O(secret_key) the task compared or set, V(changed) or V(unchanged).
      Never the values.
  returned: when a task with O(state=present) names O(access_key) or O(secret_key) and creates the registry or
    uses O(update_secrets=compare)
  type: dict
  sample: {access_key: unchanged, secret_key: changed}
previous_default:
  description: The registry that was the default before this task made O(is_default=true) take it.
  returned: when the task moves the default registry
  type: dict
  contains:
    registry_id:
      description: Its id.
      type: str
    address:
      description: Its address.
      type: str
    namespace:
      description: Its namespace.
      type: str
  sample: {registry_id: 65a1b2c3d4e5f60718293a00, address: https://old.example.com, namespace: platform}
duplicates:
  description:
    - The registries that share the natural key of the one this task created, when another job created the same
      registry at the same moment (the task then fails, naming them), each in the shape of RV(registry).
  returned: on that failure
  type: list
  elements: dict
  version_added: 0.2.0
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
from ansible_collections.zadig.core.plugins.module_utils._manage import ensure_registry
from ansible_collections.zadig.core.plugins.module_utils._registry import REGISTRY_OPTIONS

# The options, shared with the action plugin that runs this task in the controller's process.
MODULE_ARGS = dict(
    argument_spec=dict(CONNECTION_ARGUMENT_SPEC, **REGISTRY_OPTIONS),
    required_one_of=[('registry_id', 'address')],
    supports_check_mode=True,
)
TASK = ensure_registry


def main():
    run_module(ZadigModule(**MODULE_ARGS), TASK)


if __name__ == '__main__':
    main()
