#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
---
module: zadig_registries
short_description: Apply a whole list of Zadig image registries in one task
version_added: 0.1.0
description:
  - Makes the image registries of a L(Zadig,https://koderover.com/) server match a list, in one task.
    Each entry takes the options of M(zadig.core.zadig_registry) and follows the same rules.
  - Reads the registries once, plans every entry on that one reading, writes only the entries that differ, and reads
    the registries back once to check the server applied them. A list with no drift costs one request, or two when
    any entry compares credentials, TLS or projects (Zadig's public key, then its encrypted list). Add one request
    per registry a delete is planned for (O(registries[].state=absent), O(purge), O(dedupe)), to ask Zadig v4.2 and
    later who uses it, even when the answer keeps it; and, in check mode, one when the token may not read the
    encrypted list (the refused read).
  - The entry with O(registries[].is_default=true) is applied first, so the server never passes through a state with
    no default registry; the other entries follow in the list's order.
  - Every entry is checked before any request, and so are the list's own rules (at most one default, no registry
    named twice). Every plan is made before the first write, so an entry that cannot be planned stops the task
    before anything is written.
  - This is what the C(zadig.core.registries) role runs. It runs in the Ansible controller's process (an action
    plugin) whatever the task's host, which makes it fast; the controller's Python needs C(requests), and the variable
    C(zadig_execution) does not apply to it.
  - Only on an ansible-core that lacks what the controller's process needs does it run as a module instead, on the
    task's host, like M(zadig.core.zadig_registry); C(-vvv) then says why.
author:
  - zadig.core contributors (!UNKNOWN)
options:
  registries:
    description:
      - The registries, each a dictionary of M(zadig.core.zadig_registry) options (without the connection options).
    type: list
    elements: dict
    default: []
    suboptions:
      state:
        description: V(present) or V(absent), as for M(zadig.core.zadig_registry).
        type: str
        choices: [present, absent]
        default: present
      registry_id:
        description: Manage exactly this registry (24 lowercase hexadecimal characters).
        type: str
      address:
        description:
          - Registry URL with its scheme, V(http://) or V(https://), compared after normalisation.
          - Required unless O(registries[].registry_id) is given.
        type: str
      namespace:
        description: Namespace; required for every provider except V(ecr).
        type: str
      provider:
        description:
          - Registry provider, required to create a registry.
          - Zadig's documentation also lists V(nexus), but the server refuses it; use V(native) for a Nexus registry.
        type: str
        choices: [acr, tcr, swr, ecr, dockerhub, harbor, native]
      region:
        description: Required when the provider is V(ecr) or V(swr).
        type: str
      is_default:
        description: Whether this is Zadig's default registry; at most one entry may say V(true).
        type: bool
      access_key:
        description: User name or access key, compared or set as O(registries[].update_secrets) says.
        type: str
      secret_key:
        description: Password or secret key, compared or set as O(registries[].update_secrets) says.
        type: str
      enable_tls:
        description: Whether Zadig verifies the registry's TLS certificate.
        type: bool
      tls_cert:
        description: PEM certificate of the registry's CA; only with O(registries[].enable_tls=true).
        type: str
      update_secrets:
        description: V(compare) or V(on_create), as for M(zadig.core.zadig_registry).
        type: str
        choices: [compare, on_create]
        default: compare
      projects:
        description: The Zadig projects that may use the registry; omitted, they stay as they are.
        type: list
        elements: str
  purge:
    description:
      - Delete every registry on the server that O(registries) does not name. Only when V(true).
      - Refused before any request when O(registries) names no registry to keep (it is empty, or every entry has
        O(registries[].state=absent)), since that would delete every registry, the default included.
      - Never deletes a registry that an environment uses. Zadig v4.2 and later say so beforehand, so the
        registry is kept, listed under RV(drift.unmanaged), with a warning naming the projects and environments,
        in check mode too. v4.1 cannot say so beforehand, so RV(drift) and check mode list it as a delete; the
        real run then keeps it when Zadig refuses the delete, warns, and leaves it out of RV(purged).
    type: bool
    default: false
  dedupe:
    description:
      - Where the server holds several registries with the address and namespace of an entry (Zadig keeps
        duplicates), keep one (the one an environment uses, else the default, else the oldest), delete the others
        that nothing uses, and apply the entry to the one kept. Check mode shows the same deletes.
      - Without it, such an entry fails listing the ids.
      - Which environments use a registry is asked of Zadig v4.2 and later; on v4.1 Zadig's own refusal keeps a
        duplicate in use.
    type: bool
    default: false
    version_added: 0.2.0
  fail_on_drift:
    description:
      - When anything would be created, updated or deleted, fail with a one-line summary of the drift and write
        nothing, in check mode and in a real run alike. The failed result carries RV(drift).
      - The assertion a scheduled drift-check job needs, like C(terraform plan -detailed-exitcode).
      - Registries the list does not name (RV(drift.unmanaged)) are not drift.
    type: bool
    default: false
    version_added: 0.2.0
  expected_drift:
    description:
      - The RV(drift) of a reviewed run, most often a check-mode run a person approved. Before any write, this run
        compares its own drift with it and, when they differ, fails with a one-line summary of what differs,
        returns RV(drift) and RV(expected_drift), and writes nothing, in check mode and in a real run alike. A
        second check-mode run with it, right before the apply, confirms that the review is still current.
      - The same means the same registries to create (by C(address) and C(namespace)), the same registries to
        update (by C(registry_id)) with the same set of C(fields), and the same registries to delete (by
        C(registry_id)), in any order. A reviewed drift with nothing to change means apply nothing.
      - RV(drift.unmanaged) is outside the comparison, as it is outside RV(drift.in_sync); with O(purge) the
        registries it would delete are under C(delete) and compared. Settings the reviewed run could not compare
        (RV(drift.not_compared)) and this run can are a difference, never silently accepted.
      - Refused before any request when it is not a drift (a missing list, a wrong type, a malformed id). The role
        takes one drift or a mapping of inventory hostname to drift, in its variable
        C(zadig_registries_expected_drift).
      - Omitted, nothing is compared.
    type: dict
    version_added: 1.1.0
extends_documentation_fragment:
  - zadig.core.zadig
  - zadig.core.zadig.actiongroup
attributes:
  action:
    description: Runs on the controller as an action plugin.
    support: full
  check_mode:
    description: Sends no write and reports, entry by entry, what the real run will do, the whole list considered.
    support: full
  diff_mode:
    description: Shows each registry that changes, before and after; secrets are never shown.
    support: full
  platform:
    description: Runs on the Ansible controller, whatever the target host, except as a module (see above).
    support: full
    platforms: all
notes:
  - The connection options fall back to the E(ZADIG_URL), E(ZADIG_TOKEN)... variables of the task's environment,
    as for the other modules (see below), which is where AWX credentials put them.
  - A token that may not read Zadig's internal registry list (a user who is not an administrator) can still run
    a drift check (check mode or O(fail_on_drift)) on the OpenAPI fields; a real run needs an administrator's
    token as soon as an entry names credentials, TLS settings or projects, even with nothing to change.
seealso:
  - module: zadig.core.zadig_registry
'''

EXAMPLES = r'''
- name: Check for drift in a scheduled job (fails, writing nothing, when Zadig differs from the list)
  zadig.core.zadig_registries:
    fail_on_drift: true
    registries:
      - address: https://harbor.example.com
        namespace: platform
        provider: harbor
        is_default: true
  check_mode: true

- name: Keep one of each duplicated registry and report what drifted
  zadig.core.zadig_registries:
    dedupe: true
    registries:
      - address: https://harbor.example.com
        namespace: platform
        provider: harbor
        is_default: true
  register: applied

- name: Name the settings that were updated (drift['update'], since drift.update is a dict method in Jinja)
  ansible.builtin.debug:
    msg: "{{ item.address }} {{ item.namespace }}: {{ item.fields | join(', ') }}"
  loop: "{{ applied.drift['update'] }}"

- name: Make Zadig's registries exactly these two
  zadig.core.zadig_registries:
    zadig_url: https://zadig.example.com
    zadig_token: "{{ vault_zadig_token }}"
    purge: true
    registries:
      - address: https://harbor.example.com
        namespace: platform
        provider: harbor
        is_default: true
      - address: https://registry.team-a.example.com:5000
        namespace: team-a
        provider: native
'''

RETURN = r'''
results:
  description: One result per entry of O(registries), in the list's order.
  returned: on success
  type: list
  elements: dict
  contains:
    action:
      description: What the entry needed, V(create), V(update), V(delete) or V(none).
      type: str
      sample: update
    changed:
      description: Whether the entry changed the server (or would, in check mode).
      type: bool
    registry:
      description: The registry as the server holds it after the task, in the shape M(zadig.core.zadig_registry) returns.
      type: dict
    previous_default:
      description: The registry this entry took the default from, with C(registry_id), C(address), C(namespace).
      type: dict
      returned: when the entry moved the default
    secrets:
      description:
        - For each of O(registries[].access_key) and O(registries[].secret_key) the entry compared or set,
          V(changed) or V(unchanged), as M(zadig.core.zadig_registry) returns it. Never the values.
      type: dict
      returned: when an entry with O(registries[].state=present) names a secret and creates the registry, or
        updates it with O(registries[].update_secrets=compare) and a token that may read the stored values (else
        see RV(drift.not_compared))
      sample: {access_key: unchanged, secret_key: changed}
purged:
  description:
    - The registries deleted because O(registries) does not name them (in check mode, those that would be), each
      with C(registry_id), C(address), C(provider), C(region), C(namespace) and C(is_default).
  returned: on success
  type: list
  elements: dict
  sample: []
deduped:
  description: The duplicates O(dedupe) deleted (in check mode, would delete), in the shape of RV(purged).
  returned: on success
  type: list
  elements: dict
  sample: []
  version_added: 0.2.0
drift:
  description:
    - What the list would change (in check mode) or changed (in a real run) on the server, read off the plans before
      any write, so the two report the same for the same server state. Secrets appear by name only.
    - Also in the result of a task that failed through O(fail_on_drift) or O(expected_drift), or while writing.
    - C(update) lists the registries to update, each with C(registry_id), C(address), C(namespace) and C(fields),
      the names of the settings that differ, for example V(is_default) or V(secret_key) (never its value).
      Read it as C(drift['update']), since C(drift.update) is a method of the dictionary in Jinja; it is described
      here, not as a key below, for that reason.
  returned: on success, and on a failure through O(fail_on_drift), O(expected_drift) or while writing
  type: dict
  version_added: 0.2.0
  contains:
    in_sync:
      description: V(true) when nothing is to be created, updated or deleted.
      type: bool
      sample: false
    create:
      description: The registries to create, each with C(address) and C(namespace).
      type: list
      elements: dict
      sample: [{address: https://harbor.example.com, namespace: platform}]
    delete:
      description:
        - The registries to delete (entries with O(registries[].state=absent), O(purge) and O(dedupe)), each with
          C(registry_id), C(address) and C(namespace).
      type: list
      elements: dict
      sample: []
    unmanaged:
      description:
        - Registries on the server that the list does not name and that are not deleted, each with C(registry_id),
          C(address) and C(namespace). They are outside the list's scope, not drift.
      type: list
      elements: dict
      sample: []
    not_compared:
      description:
        - The settings the run could not compare, for example C(access_key) and C(secret_key) when the token may not
          read Zadig's internal registry list (a check-mode run or O(fail_on_drift) then compares the OpenAPI fields
          and warns, instead of failing).
      type: list
      elements: str
      sample: []
expected_drift:
  description: The O(expected_drift) the task was given, when its drift differed from it (the task then failed).
  returned: on a failure through O(expected_drift)
  type: dict
  sample: {in_sync: false, create: [], update: [], delete: [], unmanaged: [], not_compared: []}
  version_added: 1.1.0
duplicates:
  description:
    - The registries that share the natural key of an entry that created one, for every such entry, when other jobs
      created the same registries at the same moment (the task then fails, naming them all), in the shape of
      RV(purged).
  returned: on that failure
  type: list
  elements: dict
  version_added: 0.2.0
registry:
  description: On a failure after a write (Zadig saved it and then answered an error, or did not apply what was
    asked), the registry as the server holds it now, in the shape M(zadig.core.zadig_registry) returns.
  returned: on such a failure
  type: dict
changed:
  description: Whether the task changed the server; V(true) also on a failure after earlier entries were saved
    (the message says how many), when the result carries no RV(results).
  returned: always
  type: bool
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
from ansible_collections.zadig.core.plugins.module_utils._manage import ensure_registries
from ansible_collections.zadig.core.plugins.module_utils._registry import REGISTRY_OPTIONS

# The options, shared with the action plugin that runs this task in the controller's process.
MODULE_ARGS = dict(
    argument_spec=dict(
        CONNECTION_ARGUMENT_SPEC,
        registries=dict(type='list', elements='dict', default=[], options=REGISTRY_OPTIONS),
        purge=dict(type='bool', default=False),
        fail_on_drift=dict(type='bool', default=False),
        dedupe=dict(type='bool', default=False),
        expected_drift=dict(type='dict'),
    ),
    supports_check_mode=True,
)


def apply_list(client, params, check_mode, diff):
    """The task: the whole list, planned on one reading of the server."""
    result = ensure_registries(client, params['registries'], params['purge'], check_mode=check_mode, diff=diff,
                               fail_on_drift=params['fail_on_drift'], dedupe=params['dedupe'],
                               expected_drift=params['expected_drift'])
    if not params['registries'] and not params['purge']:
        # An empty list without purge manages nothing: most often a misspelt or unset variable.
        result['warnings'] = [EMPTY_LIST_WARNING] + list(result.get('warnings') or [])
    return result


EMPTY_LIST_WARNING = ('registries is empty and purge is false, so this task manages no registry; with the role '
                      'zadig.core.registries, set the variable zadig_registries (check its spelling, for example '
                      'not zadig_registry) to the registries Zadig should have')


TASK = apply_list


def main():
    run_module(ZadigModule(**MODULE_ARGS), TASK)


if __name__ == '__main__':
    main()
