#!/bin/sh
# Serve the portal with a Celery worker and beat; Ctrl-C stops all three.
set -eu
VENV=${VENV:-.venv}
PORT=${PORT:-8000}
LOG_LEVEL=${CUSTODIA_JOB_LOG_LEVEL:-WARNING}
trap 'trap - INT TERM EXIT; kill 0 2>/dev/null; wait' INT TERM EXIT

"$VENV/bin/celery" -A config worker --loglevel="$LOG_LEVEL" --concurrency=2 --hostname "worker@%h" &
"$VENV/bin/celery" -A config beat --loglevel="$LOG_LEVEL" &
"$VENV/bin/python" manage.py runserver "127.0.0.1:$PORT" --noreload &

sleep 3
echo
echo "Custodia runs on http://127.0.0.1:$PORT  (with a Celery worker and beat; Ctrl-C stops everything)"
"$VENV/bin/python" manage.py load_demo_data --logins-only
wait
