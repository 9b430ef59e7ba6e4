#!/usr/bin/env bash
# Regenerates the two stand-in packages (see docs/adr/0002-local-stand-in-packages.md) from their nuspec files.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
for id in Patched.DistributedLock.Postgres IdentityModel; do
  rm -rf "$here/$id/bin" "$here/$id/obj"
  dotnet pack "$here/$id/$id.csproj" --output "$here" --nologo -v quiet -p:NuspecBasePath="$here/$id"
  rm -rf "$here/$id/bin" "$here/$id/obj"
done
ls -l "$here"/*.nupkg
