#!/usr/bin/env bash
# Prepares a development machine for `make demo` and `make test`: a Python >= 3.12 virtualenv with NetBox and the
# plugin (editable), the front end built, and running PostgreSQL and Redis. `dev/bootstrap.sh e2e` also installs what
# the browser suite needs from Debian: Chromium and ffmpeg (its videos), and nginx for the offload tests. Safe to
# re-run: each step is skipped when already done.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=${VENV:-.venv}
PG_HOST=${NETBOX_DB_HOST:-127.0.0.1}
PG_PORT=${NETBOX_DB_PORT:-5432}
PG_USER=${NETBOX_DB_USER:-postgres}
REDIS_HOST=${NETBOX_REDIS_HOST:-127.0.0.1}
REDIS_PORT=${NETBOX_REDIS_PORT:-6379}

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() { printf '\033[31mERROR: %s\033[0m\n' "$*" >&2; exit 1; }

python_ok() { "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; }

find_python() {
    local candidate
    # An explicit choice wins, then whatever is on PATH, then pyenv's and uv's interpreters.
    for candidate in "${PYTHON:-}" python3.13 python3.12 python3.14 python3; do
        [ -n "$candidate" ] && command -v "$candidate" >/dev/null 2>&1 && python_ok "$candidate" && {
            command -v "$candidate"; return 0; }
    done
    if command -v pyenv >/dev/null 2>&1; then
        for candidate in $(ls -d "$(pyenv root)"/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -rV); do
            python_ok "$candidate" && { echo "$candidate"; return 0; }
        done
    fi
    if command -v uv >/dev/null 2>&1; then
        candidate=$(uv python find '>=3.12' 2>/dev/null) && python_ok "$candidate" && { echo "$candidate"; return 0; }
    fi
    return 1
}

setup_venv() {
    if [ -x "$VENV/bin/python" ] && python_ok "$VENV/bin/python"; then
        :
    else
        local python
        python=$(find_python) || die "NetBox 4.7 needs Python >= 3.12 and none was found on PATH, in pyenv or uv. \
Install one (for example 'pyenv install 3.12' or 'uv python install 3.12') or set PYTHON=/path/to/python3.12."
        say "Creating virtualenv $VENV with $python"
        rm -rf "$VENV"
        "$python" -m venv "$VENV"
        "$VENV/bin/python" -m pip install --quiet --upgrade pip
    fi
    # Re-install only when the declared dependencies change.
    local stamp="$VENV/.installed-$(sha256sum pyproject.toml | cut -c1-16)"
    if [ ! -f "$stamp" ]; then
        say "Installing NetBox 4.7.3 and the plugin (editable) with development dependencies"
        "$VENV/bin/python" -m pip install --quiet -e '.[dev]'
        rm -f "$VENV"/.installed-*
        touch "$stamp"
    fi
}

port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

ensure_postgres() {
    port_open "$PG_HOST" "$PG_PORT" && return 0
    if [ "$PG_HOST" = 127.0.0.1 ] || [ "$PG_HOST" = localhost ]; then
        if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
            say "Starting PostgreSQL"
            pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -1)" main start || true
            for _ in $(seq 20); do port_open "$PG_HOST" "$PG_PORT" && return 0; sleep 0.5; done
        fi
    fi
    die "PostgreSQL >= 15 does not answer on $PG_HOST:$PG_PORT. Install it ('apt-get install postgresql') and start it, \
or point NETBOX_DB_HOST/NETBOX_DB_PORT/NETBOX_DB_USER/NETBOX_DB_PASSWORD at a running server."
}

ensure_redis() {
    port_open "$REDIS_HOST" "$REDIS_PORT" && return 0
    if { [ "$REDIS_HOST" = 127.0.0.1 ] || [ "$REDIS_HOST" = localhost ]; } && command -v redis-server >/dev/null 2>&1; then
        say "Starting Redis"
        mkdir -p /tmp/netbox-attachments-redis
        redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" --save "" --appendonly no \
            --dir /tmp/netbox-attachments-redis --logfile /tmp/netbox-attachments-redis/redis.log || true
        for _ in $(seq 20); do port_open "$REDIS_HOST" "$REDIS_PORT" && return 0; sleep 0.5; done
    fi
    die "Redis >= 6 does not answer on $REDIS_HOST:$REDIS_PORT. Install it ('apt-get install redis-server') and start \
it, or point NETBOX_REDIS_HOST/NETBOX_REDIS_PORT at a running server."
}

setup_node() {
    command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || die "Node.js >= 20 with npm is needed for \
the front end and the generated API types. Install it (e.g. 'apt-get install nodejs npm', or from nodejs.org)."
    local major
    major=$(node -p 'process.versions.node.split(".")[0]')
    [ "$major" -ge 20 ] || die "Node.js >= 20 is needed; found $(node --version)."
    # Re-install only when the lock file changes.
    local stamp="node_modules/.installed-$(sha256sum package-lock.json | cut -c1-16)"
    if [ ! -f "$stamp" ]; then
        say "Installing the front-end tools (npm ci)"
        npm ci --no-audit --no-fund --loglevel=error
        touch "$stamp"
    fi
}

build_frontend() {
    # Rebuild the bundles when the front end's sources or the lock file change (the build output is not committed).
    local hash stamp
    hash=$(find frontend package.json package-lock.json -type f -not -path '*/node_modules/*' -print0 | sort -z \
        | xargs -0 sha256sum | sha256sum | cut -c1-16)
    stamp="node_modules/.frontend-built-$hash"
    if [ ! -f "$stamp" ] || [ ! -f netbox_attachments/webpack-stats.json ]; then
        say "Building the front end (webpack)"
        npm run --silent build
        rm -f node_modules/.frontend-built-*
        touch "$stamp"
    fi
}

apt_install() {
    # Root installs directly (CI and fresh machines here run as root); others need password-less sudo.
    local run=()
    if [ "$(id -u)" != 0 ]; then
        sudo -n true 2>/dev/null || return 1
        run=(sudo -n)
    fi
    command -v apt-get >/dev/null 2>&1 || return 1
    [ -n "${APT_UPDATED:-}" ] || { "${run[@]}" apt-get update -qq && APT_UPDATED=1; } || return 1
    "${run[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

ensure_browser() {
    # Playwright cannot download its own browser here, so the suite drives Debian's Chromium.
    local chromium=${CHROMIUM:-/usr/bin/chromium}
    if [ ! -x "$chromium" ]; then
        say "Installing Chromium from Debian's packages (about a minute)"
        apt_install chromium && [ -x "$chromium" ] || die "The browser tests need Chromium at $chromium. Install \
Debian's package ('apt-get install chromium') or set CHROMIUM=/path/to/chromium."
    fi
    if ! command -v ffmpeg >/dev/null 2>&1; then
        say "Installing ffmpeg (videos of failed browser tests) from Debian's packages"
        apt_install --no-install-recommends ffmpeg || die "The browser tests need ffmpeg: 'apt-get install ffmpeg'."
    fi
}

ensure_nginx() {
    # tests/test_offload.py puts Debian's nginx in front of gunicorn (the web server offload of downloads).
    if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
        say "Installing nginx from Debian's packages (the offload tests)"
        apt_install --no-install-recommends nginx && [ -x /usr/sbin/nginx ] || die "The offload tests need nginx: \
'apt-get install nginx'."
    fi
}

setup_venv
setup_node
build_frontend
ensure_postgres
ensure_redis
if [ "${1:-}" = e2e ]; then ensure_browser; ensure_nginx; fi
