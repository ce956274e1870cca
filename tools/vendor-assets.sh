#!/usr/bin/env bash
# Re-fetch the vendored front-end files (Designsystemet CSS + default theme, htmx) from the npm
# registry and copy them into retning/publishing/static/vendor/.
#
# The built files are committed, so a fresh clone never needs npm; run this only to upgrade:
#
#   tools/vendor-assets.sh                         # newest @digdir/designsystemet-css, newest htmx 2.x
#   DESIGNSYSTEMET_VERSION=1.22.0 HTMX_VERSION=2.0.11 tools/vendor-assets.sh   # exact versions
#
# Only `npm pack` is used: it downloads the published tarballs and runs no install scripts, so no
# browsers or binaries are fetched. The resolved versions and checksums are written into
# retning/publishing/static/vendor/README.md between the "versions" markers.
set -euo pipefail

DESIGNSYSTEMET_VERSION="${DESIGNSYSTEMET_VERSION:-latest}"
# htmx 4 changed its API; stay on the 2.x line until the templates are checked against a newer one.
HTMX_VERSION="${HTMX_VERSION:-^2}"

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
vendor_dir="$repo_root/retning/publishing/static/vendor"
readme="$vendor_dir/README.md"

work_dir="$(mktemp -d)"
trap 'rm -rf "$work_dir"' EXIT

export npm_config_ignore_scripts=true npm_config_audit=false npm_config_fund=false
export npm_config_update_notifier=false

fetch() {
    # Prints the directory the package was unpacked into.
    local spec="$1" tarball
    tarball="$(cd "$work_dir" && npm pack --silent "$spec" | tail -n 1)"
    mkdir -p "$work_dir/${tarball%.tgz}"
    tar -xzf "$work_dir/$tarball" -C "$work_dir/${tarball%.tgz}"
    echo "$work_dir/${tarball%.tgz}/package"
}

package_version() {
    sed -n 's/^  "version": "\(.*\)",$/\1/p' "$1/package.json" | head -n 1
}

css_pkg="$(fetch "@digdir/designsystemet-css@$DESIGNSYSTEMET_VERSION")"
htmx_pkg="$(fetch "htmx.org@$HTMX_VERSION")"

css_version="$(package_version "$css_pkg")"
htmx_version="$(package_version "$htmx_pkg")"
case "$htmx_version" in
    2.*) ;;
    *) echo "htmx $htmx_version is not a 2.x release; refusing to vendor it." >&2; exit 1 ;;
esac

mkdir -p "$vendor_dir/designsystemet" "$vendor_dir/htmx"
# The CSS package ships the components as one bundled file plus the default theme; the separate
# @digdir/designsystemet-theme package is deprecated in favour of this one.
cp "$css_pkg/dist/src/index.css" "$vendor_dir/designsystemet/designsystemet.css"
cp "$css_pkg/dist/theme/designsystemet.css" "$vendor_dir/designsystemet/theme.css"
cp "$css_pkg/LICENSE" "$vendor_dir/designsystemet/LICENSE"
cp "$htmx_pkg/dist/htmx.min.js" "$vendor_dir/htmx/htmx.min.js"
cp "$htmx_pkg/LICENSE" "$vendor_dir/htmx/LICENSE"

versions_block="$work_dir/versions.md"
{
    echo "<!-- versions:start (written by tools/vendor-assets.sh) -->"
    echo "| file | package | version | sha256 |"
    echo "| --- | --- | --- | --- |"
    for file in designsystemet/designsystemet.css designsystemet/theme.css htmx/htmx.min.js; do
        case "$file" in
            designsystemet/*) package="@digdir/designsystemet-css"; version="$css_version" ;;
            htmx/*) package="htmx.org"; version="$htmx_version" ;;
        esac
        sum="$(sha256sum "$vendor_dir/$file" | cut -d ' ' -f 1)"
        echo "| \`$file\` | \`$package\` | $version | \`$sum\` |"
    done
    echo "<!-- versions:end -->"
} >"$versions_block"

if [[ -f "$readme" ]] && grep -q '<!-- versions:start' "$readme"; then
    awk -v block="$versions_block" '
        /<!-- versions:start/ { while ((getline line < block) > 0) print line; skipping = 1; next }
        /<!-- versions:end -->/ { skipping = 0; next }
        !skipping { print }
    ' "$readme" >"$work_dir/README.md"
    cp "$work_dir/README.md" "$readme"
else
    echo "Note: $readme has no versions markers; paste this block into it:" >&2
    cat "$versions_block" >&2
fi

echo "Vendored @digdir/designsystemet-css $css_version and htmx.org $htmx_version into $vendor_dir"
