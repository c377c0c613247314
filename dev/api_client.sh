#!/usr/bin/env bash
# The plugin's OpenAPI schema and the TypeScript types generated from it are committed in frontend/src/api/.
#   dev/api_client.sh write   regenerate both (after changing the API)
#   dev/api_client.sh check   fail when a fresh generation differs from what is committed (part of `make test`)
# Generating the schema also validates NetBox's whole /api/schema/ with the plugin installed.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-check}
target=frontend/src/api
out=$target
if [ "$mode" = check ]; then
    out=$(mktemp -d)
    trap 'rm -rf "$out"' EXIT
elif [ "$mode" != write ]; then
    echo "usage: $0 write|check" >&2
    exit 2
fi
.venv/bin/netbox netbox_attachments_openapi --page-configs --file "$out/openapi.json" 2> >(grep -v '^$' >&2)
node_modules/.bin/openapi-typescript "$out/openapi.json" --output "$out/schema.d.ts" --silent
if [ "$mode" = check ]; then
    for file in openapi.json schema.d.ts; do
        if ! diff -u "$target/$file" "$out/$file" >"$out/$file.diff"; then
            head -40 "$out/$file.diff" >&2
            echo "$target/$file is out of date: run 'make api-client' and commit the result." >&2
            exit 1
        fi
    done
    echo "Generated API schema and TypeScript types are up to date."
fi
