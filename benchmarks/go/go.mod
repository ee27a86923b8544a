module conduit.dev/bench

go 1.19

require github.com/gorilla/websocket v1.5.0

// gorilla/websocket comes from Debian (golang-github-gorilla-websocket-dev); build.sh builds offline
// (GOPROXY=off), so the client and the peer use the implementation the distribution ships.
replace github.com/gorilla/websocket => /usr/share/gocode/src/github.com/gorilla/websocket
