#!/bin/sh
# Builds repro in release mode and installs it as PREFIX/bin/repro (PREFIX defaults to ~/.local).
#
#   scripts/install.sh [PREFIX]
#
# Run from anywhere inside a clone. The binary is compiled for this machine's CPU unless
# REPRO_TARGET_CPU says otherwise (README, "Building for speed"). Says so when PREFIX/bin is not on PATH.
set -eu
case "${1:-}" in
    -h|--help) sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
esac
prefix=${1:-$HOME/.local}
cd "$(dirname "$0")/.."
swift build -c release --product repro
built="$(swift build -c release --show-bin-path)/repro"
mkdir -p "$prefix/bin"
# Copy, then rename: a repro running from the old file keeps running.
cp "$built" "$prefix/bin/.repro.tmp.$$"
mv -f "$prefix/bin/.repro.tmp.$$" "$prefix/bin/repro"
echo "installed $prefix/bin/repro: $("$prefix/bin/repro" --version)"
case ":$PATH:" in
    *":$prefix/bin:"*) ;;
    *) echo "note: $prefix/bin is not on your PATH; add this line to your shell's profile (~/.bashrc, ~/.zshrc):"
       echo "    export PATH=\"$prefix/bin:\$PATH\"" ;;
esac
