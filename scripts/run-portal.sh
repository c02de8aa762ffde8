#!/bin/sh
# Serve the portal with a Celery worker and beat; Ctrl-C stops all three.
set -eu
VENV=${VENV:-.venv}
PORT=${PORT:-8000}
trap 'trap - INT TERM EXIT; kill 0 2>/dev/null; wait' INT TERM EXIT

"$VENV/bin/celery" -A config worker --loglevel=INFO --concurrency=2 --hostname "worker@%h" &
"$VENV/bin/celery" -A config beat --loglevel=INFO &
"$VENV/bin/python" manage.py runserver "127.0.0.1:$PORT" --noreload &

echo
echo "Custodia is starting on http://127.0.0.1:$PORT  (worker and beat running; Ctrl-C stops everything)"
wait
