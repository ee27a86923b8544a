#!/usr/bin/env bash
# Builds the Go side of the benchmarks offline into benchmarks/go/bin/: the neutral load generator
# (a gorilla/websocket client) and the gorilla/websocket server peer. gorilla/websocket comes from
# Debian's golang-github-gorilla-websocket-dev (go.mod replaces the module with its source); nothing
# is downloaded (GOPROXY=off).
set -euo pipefail
cd "$(dirname "$0")"
GORILLA=/usr/share/gocode/src/github.com/gorilla/websocket
command -v go > /dev/null || { echo "build.sh: Go is missing (apt-get install golang-go)" >&2; exit 1; }
[[ -f $GORILLA/conn.go ]] || {
  echo "build.sh: gorilla/websocket's source is missing at $GORILLA (apt-get install golang-github-gorilla-websocket-dev)" >&2
  exit 1
}
mkdir -p bin
export GOPROXY=off GOFLAGS=-mod=mod GO111MODULE=on
go build -o bin/loadgen ./loadgen
go build -o bin/gorilla-peer ./gorilla-peer
echo "built $(pwd)/bin/loadgen and $(pwd)/bin/gorilla-peer ($(go version | cut -d' ' -f3))"
