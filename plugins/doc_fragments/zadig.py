# -*- coding: utf-8 -*-
# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    """Connection options shared by every zadig.core module, and the action group attribute."""

    DOCUMENTATION = r'''
options:
  zadig_url:
    description:
      - Base URL of the Zadig server, for example C(https://zadig.example.com). A trailing C(/) is accepted.
      - If not set, the value of the E(ZADIG_URL) environment variable is used.
    type: str
    required: true
  zadig_token:
    description:
      - A Zadig API token, sent in the C(Authorization) header as a bearer token. Find it in Zadig under the user's account settings.
      - Creating, reading one registry, updating and deleting need a token of a system administrator.
      - If not set, the value of the E(ZADIG_TOKEN) environment variable is used.
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
      - If not set, the value of the E(ZADIG_CA_PATH) environment variable is used.
    type: path
  timeout:
    description:
      - Seconds to wait for each HTTP request.
      - Reads are retried up to three times, with back-off, on connection errors and HTTP 502, 503 and 504.
        Writes are never retried blindly.
      - If not set, the value of the E(ZADIG_TIMEOUT) environment variable is used.
    type: int
    default: 30
requirements:
  - requests
'''

    ACTIONGROUP = r'''
attributes:
  action_group:
    description: Use C(group/zadig.core.zadig) in C(module_defaults) to set the connection options once for all modules.
    support: full
    membership:
      - zadig.core.zadig
'''
