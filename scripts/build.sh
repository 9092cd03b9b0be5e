#!/usr/bin/env bash
# Compile to dist/ with the SQL and package.json beside the code, mirroring the repository layout, so
# that paths computed from a module's own location work the same compiled or not.
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf dist
npx tsc -p tsconfig.build.json
cp package.json dist/
cp -r queries dist/queries
(cd src && find . \( -name '*.sql' -o -name '*.proto' -o -name '*.md' \) -exec cp --parents {} ../dist/src/ \;)
