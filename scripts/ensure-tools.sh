#!/usr/bin/env bash
# Installs the Debian packages the test suite runs generated files with (validators and servers),
# when any is missing. Needs root for apt-get; otherwise it names what to install and fails.
set -Eeuo pipefail

PACKAGES=(
  # validators
  nginx shellcheck docker-compose openssl curl util-linux iproute2 tmux
  # servers and clients for backup/restore and live tests
  postgresql postgresql-client redis-server age gnupg
  # the Python side, from Debian: generated settings must work on Django 3.2
  python3 python3-django python3-dj-database-url python3-whitenoise python3-psycopg2 python3-psycopg
  python3-sentry-sdk python3-redis python3-celery python3-django-celery-beat python3-django-channels
  python3-channels-redis python3-fastapi python3-httpx python3-uvicorn python3-websockets python3-cryptography python3-yaml gunicorn daphne
  # the `celery` command the generated worker and beat commands run (python3-celery has only the module)
  celery
)

missing=()
for pkg in "${PACKAGES[@]}"; do
  if [[ $(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null) != "install ok installed" ]]; then
    missing+=("$pkg")
  fi
done
((${#missing[@]} == 0)) && exit 0

if ((EUID != 0)); then
  printf 'Missing Debian packages for the tests: %s\nInstall them as root: apt-get install %s\n' "${missing[*]}" "${missing[*]}" >&2
  exit 1
fi
printf 'Installing Debian packages for the tests: %s\n' "${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
# The tests start their own servers on free loopback ports: keep the packages' services (nginx on :80,
# PostgreSQL on :5432, Redis on :6379) from starting during the install.
policy=/usr/sbin/policy-rc.d
if [[ ! -e $policy ]]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy"
  chmod 755 "$policy"
  trap 'rm -f "$policy"' EXIT
fi
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
