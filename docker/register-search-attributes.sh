#!/bin/sh
# Registers the six Dme* custom search attributes (workflows/search-attributes.ts) on a
# Temporal server: the one-shot `temporal-search-attributes` service of docker-compose.yml
# runs it in temporalio/admin-tools before the API and the workers start.
#
# Idempotent: `temporal operator search-attribute create` leaves an attribute that exists
# with the same type alone, and fails when it exists with another type (the workflows'
# upserts would fail then, so we stop here and say so).
#
# Environment: TEMPORAL_ADDRESS (host:port), TEMPORAL_NAMESPACE (default "default"),
# WAIT_SECONDS (how long to wait for the server and namespace, default 180),
# TEMPORAL_CLI (the CLI to run, default `temporal` on PATH).
set -eu

address="${TEMPORAL_ADDRESS:?set TEMPORAL_ADDRESS to the Temporal frontend (host:port)}"
namespace="${TEMPORAL_NAMESPACE:-default}"
wait_seconds="${WAIT_SECONDS:-180}"
cli="${TEMPORAL_CLI:-temporal}"

# auto-setup creates the namespace a little after the frontend answers: wait for both.
waited=0
until "$cli" operator namespace describe --address "$address" --namespace "$namespace" >/dev/null 2>&1; do
  if [ "$waited" -ge "$wait_seconds" ]; then
    echo "Temporal at $address has no namespace $namespace after ${wait_seconds}s" >&2
    exit 1
  fi
  sleep 2
  waited=$((waited + 2))
done

# One call per attribute: CLI versions differ in how they pair several --name flags with
# --type flags.
create() {
  if ! "$cli" operator search-attribute create --address "$address" --namespace "$namespace" --name "$1" --type "$2"; then
    echo "could not register $1 as $2 in namespace $namespace (registered with another type?)" >&2
    exit 1
  fi
}

create DmeStage Keyword
create DmeBlockedOn Keyword
create DmePayer Keyword
create DmeHcpcs KeywordList
create DmeFollowUpAt Datetime
create DmeRentalMonth Int
create DmeResupplyDue Datetime

echo "Dme* search attributes registered in namespace $namespace at $address"
