# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Break one hook of zadig.core's seam to ansible-core, as an ansible-core that renamed it would, for a whole run.

A callback plugin is loaded in the controller's main process before the workers fork, so every task of the run
sees the hook gone. ZADIG_SEAM_BREAK names the hook: defaults (module_defaults) or masking (no_log values).
"""

from __future__ import annotations

import os
import types

from ansible.plugins.callback import CallbackBase

from ansible_collections.zadig.core.plugins.plugin_utils import _core

DOCUMENTATION = """
    name: zadig_seam_break
    type: aggregate
    short_description: Break a hook of zadig.core's seam to ansible-core
    description:
        - Test only. Removes the hook that E(ZADIG_SEAM_BREAK) names, so that every zadig.core task runs as its module.
    requirements:
        - enabled in callbacks_enabled
    author: zadig.core contributors (!UNKNOWN)
"""


def break_hook(which):
    """Remove hook ``which`` from the seam, as a future ansible-core without it would leave it."""
    if which == 'defaults':
        _core._apply_action_arg_defaults = None  # pylint: disable=protected-access
        _core.get_action_args_with_defaults = None
    elif which == 'masking':
        if _core.public_secrets is not None:
            _core.public_secrets = types.SimpleNamespace(mask_secrets=lambda value, **kwargs: value)
        else:
            _core.remove_values = None
    else:
        raise ValueError('ZADIG_SEAM_BREAK must be defaults or masking, got %r' % which)


class CallbackModule(CallbackBase):
    """Breaks the hook when the run starts; reports nothing."""

    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'aggregate'
    CALLBACK_NAME = 'zadig_seam_break'
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        break_hook(os.environ.get('ZADIG_SEAM_BREAK', ''))
