#!/usr/bin/env bash
# Enforces the layer rules of docs/ARCHITECTURE.md:
#  - a file in src/<layer>/ may include public headers only of its own layer and
#    the layers below it (each header names its layer in a "@layer NAME" line);
#  - only src/crypto/ includes OpenSSL;
#  - every public header declares its layer.
# Prints each violation and exits 1 if there is any.
set -u
top=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$top" || exit 2

# layer -> layers it may use (itself included). Keep in step with DESIGN.md §2.
declare -A allowed=(
  [base]="base"
  [crypto]="crypto base"
  [pcie]="pcie base"
  [ide]="ide pcie crypto base"
  [doe]="doe pcie base"
  [spdm]="spdm doe crypto base"
  [ide_km]="ide_km spdm ide pcie crypto base"
  [tdisp]="tdisp spdm pcie crypto base"
  [tsm]="tsm ide_km tdisp spdm doe ide pcie crypto base"
  [validate]="validate tsm ide_km tdisp spdm doe ide pcie crypto base"
  [sim]="sim tsm ide_km tdisp spdm doe ide pcie crypto base"
)

fail=0
declare -A header_layer=()
for h in include/opentsm/*.h; do
  [ -e "$h" ] || continue
  l=$(sed -n 's/.*@layer[[:space:]]\+\([a-z_]\+\).*/\1/p' "$h" | head -n1)
  if [ -z "$l" ] || [ -z "${allowed[$l]+x}" ]; then
    echo "lint-layers: $h: missing or unknown '@layer NAME' tag"
    fail=1
    continue
  fi
  header_layer[$(basename "$h")]=$l
done

for dir in src/*/; do
  layer=$(basename "$dir")
  if [ -z "${allowed[$layer]+x}" ]; then
    echo "lint-layers: $dir is not a known layer"
    fail=1
    continue
  fi
  for f in "$dir"*.[ch]; do
    [ -e "$f" ] || continue
    if [ "$layer" != crypto ] && grep -n '#[[:space:]]*include[[:space:]]*<openssl/' "$f"; then
      echo "lint-layers: $f: only src/crypto may include OpenSSL"
      fail=1
    fi
    while IFS= read -r inc; do
      hl=${header_layer[$inc]:-}
      [ -n "$hl" ] || continue
      case " ${allowed[$layer]} " in
        *" $hl "*) ;;
        *) echo "lint-layers: $f: layer '$layer' may not include opentsm/$inc (layer '$hl')"; fail=1 ;;
      esac
    done < <(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"]opentsm\/\([a-z0-9_]*\.h\)[>"].*/\1/p' "$f")
  done
done
exit $fail
