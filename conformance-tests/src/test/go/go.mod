module conduit.dev/gorillapeer

go 1.19

require github.com/gorilla/websocket v1.5.0

// gorilla/websocket comes from Debian (golang-github-gorilla-websocket-dev); the build is offline
// (GOPROXY=off), so the reference implementation is the one the distribution ships.
replace github.com/gorilla/websocket => /usr/share/gocode/src/github.com/gorilla/websocket
