# -*- coding: utf-8 -*-
# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    """Connection options shared by every zadig.core module, the action group, and where a task runs."""

    DOCUMENTATION = r'''
options:
  zadig_url:
    description:
      - Base URL of the Zadig server, for example C(https://zadig.example.com). A trailing C(/) is accepted.
      - A path after the host is kept, for a Zadig served under a prefix behind a reverse proxy,
        for example C(https://tools.example.com/zadig).
      - If not set, the value of the E(ZADIG_URL) environment variable is used. Surrounding whitespace is ignored.
    type: str
    required: true
  zadig_token:
    description:
      - A Zadig API token, sent in the C(Authorization) header as a bearer token. Find it in Zadig under the user's account settings.
      - Which token a task needs. Listing registries (the OpenAPI list) needs any valid token. Creating and updating
        need a system administrator's token. So do Zadig's internal registry routes, which the collection uses to
        compare or set credentials, TLS settings and projects, to delete, and on v4.2 and later to ask which
        environments use a registry; Zadig's source also lets them through for a user with its
        C(RegistryManagement) permissions, which the collection's tests do not cover.
      - From Zadig v4.3, the token must be the user's current one, and a user who is not an administrator needs
        API tokens enabled in Zadig.
      - If not set, the value of the E(ZADIG_TOKEN) environment variable is used.
      - Surrounding whitespace, such as the newline of a pasted token, is ignored; a token with a space or a control
        character inside is refused before any request.
    type: str
    required: true
  validate_certs:
    description:
      - Whether to verify the TLS certificate of the Zadig server.
      - Set to V(false) only on a trusted network; prefer O(ca_path) for a private CA.
      - If not set, the value of the E(ZADIG_VALIDATE_CERTS) environment variable is used.
    type: bool
    default: true
  ca_path:
    description:
      - A PEM file of CA certificates used to verify the Zadig server.
      - It must exist and hold a PEM certificate; it is checked before any request.
      - If not set, the value of the E(ZADIG_CA_PATH) environment variable is used.
      - Without it, a CA bundle named by E(REQUESTS_CA_BUNDLE) or E(CURL_CA_BUNDLE) in the task's environment is used.
    type: path
  timeout:
    description:
      - Seconds each HTTP request may take as a whole, more than 0 and at most 86400. Connecting (through a proxy
        too), the TLS handshake, sending, and the status line, headers and body of the answer must all be done
        C(timeout) seconds after the request started, so an answer trickling in through a slow link or a buffering
        proxy cannot hold a task. Only the lookup of the host name is outside it.
      - Reads are retried up to three times, with back-off (0.5, 1 and 2 seconds), on connection errors, answers cut
        off, garbled or late on the way, and HTTP 429, 502, 503 and 504; when Zadig or a gateway sends
        C(Retry-After), a read waits that long instead, if it is at most C(timeout) seconds, and fails at once saying
        so otherwise. Writes are never retried blindly; a write whose answer is late or lost is read back.
      - Proxies come from E(HTTPS_PROXY), E(HTTP_PROXY), E(ALL_PROXY) and E(NO_PROXY) in the task's environment; a
        malformed proxy, or one that refuses authentication, fails naming the variable it came from, never its
        password.
      - If not set, the value of the E(ZADIG_TIMEOUT) environment variable is used.
    type: int
    default: 30
notes:
  - An environment variable that is set but empty counts as unset.
  - The environment is the task's, as a module would see it, including a play's or task's C(environment:);
    HTTP proxies come from E(HTTPS_PROXY), E(HTTP_PROXY) and E(NO_PROXY) there. A C(~/.netrc) entry is never used.
  - C(module_defaults) of C(group/zadig.core.zadig) win over the environment, and task options win over both.
  - Tested on ansible-core 2.16, 2.19 and 2.21 (2.16 is the oldest supported), against a simulator of Zadig v4.1,
    v4.2 and its main branch written from Zadig's source, with unit tests for v4.3 and v5.0 too. The user guide's
    support policy (C(docs/support.md)) says what is supported.
requirements:
  - requests >= 2.25
  - cryptography >= 3.3, to read or set stored credentials (ansible-core itself requires it on the controller; on
    the module path it must be in the host's Python)
'''

    ACTIONGROUP = r'''
attributes:
  action_group:
    description: Use C(group/zadig.core.zadig) in C(module_defaults) to set the connection options once for all modules.
    support: full
    membership:
      - zadig.core.zadig
'''

    CONTROLLER = r'''
attributes:
  action:
    description:
      - An action plugin runs the task in the controller's process when the task's connection is local, which saves
        starting a module process (about 0.35 s a task). Otherwise the module runs on the host as usual.
    support: full
notes:
  - Where the task runs (since 0.3.0). When its connection is local (the implicit localhost, a task delegated to V(localhost), a
    host with C(ansible_connection=local)) and it uses neither C(become) nor C(async), the task runs in the
    controller's process, so C(requests) (and C(cryptography), which ansible-core itself requires) must be installed
    in the Python that runs Ansible; C(ansible_python_interpreter) is not used. In every other case, or when the
    variable C(zadig_execution) is V(module) (for a host, a group, a play or a task), it runs as a module, so they
    must be installed in the host's Python. Results, warnings, check mode, diff and failures are the same either way.
  - A controller without C(requests) or C(cryptography) runs the module instead.
'''
