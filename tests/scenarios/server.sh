#!/bin/sh
# The server conversation and this computer: healthy, auth.*, tls.*, client.*, antivirus.*
# One part of the scenario suite (run.sh), split so that make -j runs the parts side by side.
SCEN_PATTERNS='healthy auth.* tls.* client.* antivirus.*'
# Split into patterns, never expanded here.
set -f
# shellcheck disable=SC2086
exec sh "$TESTDIR/scenarios/run.sh" $SCEN_PATTERNS
