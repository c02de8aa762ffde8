#!/usr/bin/env bash
# Serve the portal with a Celery worker and beat; Ctrl-C (or any of the three stopping,
# e.g. because the port is taken) stops all three.
set -euo pipefail
VENV=${VENV:-.venv}
PORT=${PORT:-8000}
LOG_LEVEL=${CUSTODIA_JOB_LOG_LEVEL:-WARNING}
trap 'trap - INT TERM EXIT; kill $(jobs -p) 2>/dev/null; wait' INT TERM EXIT

"$VENV/bin/python" manage.py runserver "127.0.0.1:$PORT" --noreload &
"$VENV/bin/celery" -A config worker --loglevel="$LOG_LEVEL" --concurrency=2 --hostname "worker@%h" &
"$VENV/bin/celery" -A config beat --loglevel="$LOG_LEVEL" &

sleep 3
echo
echo "Custodia runs on http://127.0.0.1:$PORT  (with a Celery worker and beat; Ctrl-C stops everything)"
"$VENV/bin/python" manage.py load_demo_data --logins-only
status=0
wait -n || status=$?
echo "A Custodia process stopped (exit $status); stopping the others." >&2
exit "$status"
