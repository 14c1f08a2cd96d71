#!/usr/bin/env bash
# Safe deletes on the Zadig versions where they differ: v4.1 (no references route), v4.2 and main.
set -eu
source ../setup_zadig/simulator.sh
ZADIG_SIM_VERSIONS="v4.1 v4.2 main" run_everywhere deletes.yml "$@"
