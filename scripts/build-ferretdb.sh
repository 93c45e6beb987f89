#!/usr/bin/env bash
# Builds the embedded MongoDB-compatible server (FerretDB) into .tools/bin with the Go toolchain.
#
# `go install github.com/FerretDB/FerretDB/cmd/ferretdb@v1.24.2` alone produces a binary that panics
# at start: the module as published lacks build/version/version.txt, which its main package reads
# through go:embed. So this script fetches the same module through the Go module proxy, writes
# that one file into a private copy, and runs `go install` from the copy.
set -euo pipefail

version="${FERRETDB_VERSION:-v1.24.2}"
root="$(cd "$(dirname "$0")/.." && pwd)"
bin_dir="$root/.tools/bin"
src_dir="$root/.tools/src/ferretdb-$version"

# The version is read into a variable first: piping it into `grep -q` or `head` can kill the
# writer with SIGPIPE, which `pipefail` would report as a failure.
installed="$("$bin_dir/ferretdb" --version 2>/dev/null || true)"
if [ -x "$bin_dir/ferretdb" ] && [[ "$installed" == *"${version#v}"* ]]; then
  echo "ferretdb $version is already built at $bin_dir/ferretdb"
  exit 0
fi

command -v go >/dev/null || { echo "Go is needed to build FerretDB; install Go 1.22 or newer" >&2; exit 1; }

echo "[1/3] downloading github.com/FerretDB/FerretDB@$version through the Go module proxy"
module_dir="$(go mod download -json "github.com/FerretDB/FerretDB@$version" | sed -n 's/^\s*"Dir": "\(.*\)",$/\1/p')"
[ -d "$module_dir" ] || { echo "go mod download did not report a module folder" >&2; exit 1; }

echo "[2/3] preparing a build copy in $src_dir"
rm -rf "$src_dir"
mkdir -p "$(dirname "$src_dir")"
cp -r "$module_dir" "$src_dir"
chmod -R u+w "$src_dir"
echo "$version" > "$src_dir/build/version/version.txt"

echo "[3/3] compiling (the first build takes a few minutes)"
mkdir -p "$bin_dir"
(cd "$src_dir" && GOBIN="$bin_dir" GOFLAGS=-mod=mod go install ./cmd/ferretdb)
built="$("$bin_dir/ferretdb" --version)"
echo "${built%%$'\n'*}"
