# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A connection that is not ``local`` but reaches this machine: the stand-in for a remote host in the tests."""

from __future__ import annotations

from ansible.plugins.connection.local import Connection as LocalConnection

DOCUMENTATION = """
    name: zadig_test_remote
    short_description: Run on this machine, as if it were a remote host
    description:
        - The local connection under another name, so that a task sees a connection that is not local.
    author: zadig.core contributors (!UNKNOWN)
    options:
        become_success_timeout:
            type: int
            default: 10
            description: As for the local connection.
            vars:
                - name: ansible_local_become_success_timeout
        become_strip_preamble:
            type: bool
            default: true
            description: As for the local connection.
            vars:
                - name: ansible_local_become_strip_preamble
    extends_documentation_fragment:
        - connection_pipelining
"""


class Connection(LocalConnection):
    """The local connection, under a name that is not local."""

    transport = 'zadig_test_remote'
