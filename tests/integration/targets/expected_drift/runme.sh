#!/usr/bin/env bash
set -eu
source ../setup_zadig/simulator.sh
run_everywhere expected_drift.yml "$@"
