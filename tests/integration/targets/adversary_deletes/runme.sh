#!/usr/bin/env bash
# An adversary's findings on safe deletes and least privilege, through the role, on Zadig v4.1 and v4.2.
set -eu
source ../setup_zadig/simulator.sh
ZADIG_SIM_VERSIONS="v4.1 v4.2" run_everywhere adversary_deletes.yml "$@"
