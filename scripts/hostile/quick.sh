#!/usr/bin/env bash
# CI: the hostile-input acceptance suite of issue 11 in its quick form (about 2 minutes on 2 cores
# with a binary that passes): every named hostile case, 60 random kill -9 trials, 18 pairs of
# concurrent writers. Runs all three and fails if any failed.
#
#   bash scripts/hostile/quick.sh .build/release/repro
set -u
repro=${1:?usage: quick.sh REPRO}
here=$(dirname "$0")
status=0
echo "-- hostile_inputs.py"
python3 "$here/hostile_inputs.py" "$repro" || status=1
echo "-- kill_trials.py --quick"
python3 "$here/kill_trials.py" "$repro" --quick || status=1
echo "-- concurrent_writers.py --quick"
python3 "$here/concurrent_writers.py" "$repro" --quick || status=1
exit $status
