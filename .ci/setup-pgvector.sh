#!/usr/bin/env bash
# Builds and installs pgvector for the local PostgreSQL 15 from Debian's own source package for the
# next release (trixie): bookworm does not package it. Idempotent: quick when all is in place.
set -euo pipefail

PG_MAJOR="${PG_MAJOR:-15}"
PG_CONFIG="/usr/lib/postgresql/${PG_MAJOR}/bin/pg_config"
SHAREDIR="$("$PG_CONFIG" --sharedir 2>/dev/null || echo /usr/share/postgresql/${PG_MAJOR})"

pg_up() { pg_isready -h 127.0.0.1 -p 5432 -q; }
if ! pg_up; then
  pg_ctlcluster --skip-systemctl-redirect "$PG_MAJOR" main start || true
  for _ in $(seq 1 30); do pg_up && break; sleep 1; done
fi

if [ ! -f "$SHAREDIR/extension/vector.control" ]; then
  echo "pgvector: building from Debian's trixie source package" >&2
  export DEBIAN_FRONTEND=noninteractive
  src_list=/etc/apt/sources.list.d/vecfill-trixie-src.sources
  if [ ! -f "$src_list" ]; then
    # Same mirror the machine already uses, source packages only: nothing binary comes from trixie.
    uri="$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)"
    uri="${uri:-http://deb.debian.org/debian}"
    printf 'Types: deb-src\nURIs: %s\nSuites: trixie\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
      "$uri" > "$src_list"
  fi
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "postgresql-server-dev-${PG_MAJOR}" build-essential dpkg-dev >/dev/null
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  chown _apt "$work" 2>/dev/null || true   # apt's sandbox user writes the download
  (cd "$work" && apt-get source -qq --download-only pgvector >/dev/null && dpkg-source -x --no-check ./pgvector_*.dsc src >/dev/null)
  make -s -C "$work/src" PG_CONFIG="$PG_CONFIG" OPTFLAGS="" >/dev/null
  make -s -C "$work/src" PG_CONFIG="$PG_CONFIG" install >/dev/null
fi

# The database the tests use; they create the extension in it themselves.
if [ -z "$(psql -h 127.0.0.1 -U postgres -d postgres -qAtc "select 1 from pg_database where datname='test'")" ]; then
  psql -h 127.0.0.1 -U postgres -d postgres -qAtc "CREATE DATABASE test"
fi
echo "pgvector: $(psql -h 127.0.0.1 -U postgres -d test -qAtc "select default_version from pg_available_extensions where name='vector'")" >&2
