#!/usr/bin/env bash
# eng/build-host.sh — builds the host as production would run it, for the process-level checks (eng/checks/*) and
# the benchmark: Release, with Wolverine's handler code pre-generated (`codegen write`; loaded with
# Wolverine__TypeLoadMode=Static, so no first call compiles a handler), published framework-dependent with ReadyToRun
# (ahead-of-time compiled IL, so start-up does not wait for the JIT). Both matter on a busy machine: a check judges
# what the application did, not how fast a loaded machine compiles.
#
# The generated files must not land in the source tree (the tests run in Dynamic mode, and stale generated code
# would break the next build), so this copies src/ and the build files into .local/static-host/src, generates there,
# and builds there. Skipped when that copy is already built from the same sources (a hash of src/ and the build
# files). One build at a time (a lock), so checks and the benchmark can share it. Prints the host dll's path on stdout.
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
OUT=$REPO/.local/static-host/src
log() { printf 'build-host.sh: %s\n' "$*" >&2; }

mkdir -p "$(dirname "$OUT")"
exec 9>"$(dirname "$OUT")/.lock"
flock 9

hash=$(cd "$REPO" && find src Directory.Build.props Directory.Packages.props nuget.config global.json eng/local-packages \
         eng/build-host.sh \
         -type f -not -path '*/bin/*' -not -path '*/obj/*' -not -path '*/Internal/Generated/*' -print0 |
       sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)
DLL=$OUT/publish/ModularMonolith.Host.dll
if [[ -f $OUT/.built && $(cat "$OUT/.built") == "$hash" && -f $DLL ]]; then
  log "up to date ($hash)"
  printf '%s\n' "$DLL"
  exit 0
fi

log "copying sources to $OUT"
rm -rf "$OUT"
mkdir -p "$OUT"
(cd "$REPO" && tar --exclude='*/bin' --exclude='*/obj' --exclude='*/Internal/Generated' -cf - \
   src Directory.Build.props Directory.Packages.props nuget.config global.json eng/local-packages) | tar -xf - -C "$OUT"

HOST=$OUT/src/ModularMonolith.Host
# codegen needs a configured host, not a database: a connection string that is never opened and a signing key.
export ASPNETCORE_ENVIRONMENT=Production
export ConnectionStrings__Postgres='Host=127.0.0.1;Port=1;Database=none;Username=none;Password=none'
export Auth__SigningKey=bench-codegen-signing-key-0123456789abcdef
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

log "building (Release, Dynamic) to run codegen write"
dotnet build "$HOST" -c Release -nologo -v quiet >&2
log "codegen write"
(cd "$HOST" && dotnet bin/Release/net10.0/ModularMonolith.Host.dll codegen write >&2)
generated=$(find "$HOST/Internal/Generated" -name '*.cs' 2>/dev/null | wc -l)
((generated > 0)) || { log "error: codegen write produced no files"; exit 1; }
log "codegen wrote $generated files: $(cd "$HOST/Internal/Generated" && find . -mindepth 1 -maxdepth 1 -type d | tr '\n' ' ')"
log "publishing (Release, ReadyToRun) with the generated code compiled in"
case $(uname -m) in aarch64 | arm64) rid=linux-arm64 ;; *) rid=linux-x64 ;; esac
dotnet publish "$HOST" -c Release -r "$rid" --self-contained false -p:PublishReadyToRun=true -o "$OUT/publish" \
  -nologo -v quiet >&2
printf '%s\n' "$hash" >"$OUT/.built"
printf '%s\n' "$DLL"
