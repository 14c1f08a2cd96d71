#!/usr/bin/env bash
set -eu
source ../setup_zadig/simulator.sh
# The comparison does not depend on Zadig's default rules: one simulator version is enough (CI's minutes).
ZADIG_SIM_VERSIONS="${ZADIG_SIM_VERSIONS:-main}" run_everywhere expected_drift.yml "$@"
