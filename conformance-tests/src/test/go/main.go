// The gorilla/websocket peer for the interop tests.
//
//	gorilla-peer server [deflate]        echo server on 127.0.0.1, prints "listening <port>"
//	gorilla-peer client <url> [deflate]  sends every message of the matrix, checks each echo,
//	                                     prints "extensions <negotiated>", "ok <type> <bytes>"
//	                                     per message and "done <n>"
//
// With "deflate", EnableCompression is set (gorilla negotiates no context takeover only).
package main

import (
	"bytes"
	"fmt"
	"net"
	"net/http"
	"os"

	"github.com/gorilla/websocket"
)

var sizes = []int{0, 1, 125, 126, 127, 128, 65535, 65536, 1024 * 1024}

const utf8Sample = "Hello-µ@ßöäüàá-UTF-8!! κόσμε \U0001D11E"
const limit = 16 * 1024 * 1024

type message struct {
	kind int
	data []byte
}

func payload(kind, size int) []byte {
	b := make([]byte, size)
	for i := range b {
		if kind == websocket.TextMessage {
			b[i] = byte('a' + i%26)
		} else {
			b[i] = byte((i*31 + 7) & 0xff)
		}
	}
	return b
}

func matrix() []message {
	var out []message
	for _, kind := range []int{websocket.TextMessage, websocket.BinaryMessage} {
		for _, size := range sizes {
			out = append(out, message{kind, payload(kind, size)})
		}
	}
	return append(out, message{websocket.TextMessage, []byte(utf8Sample)})
}

func kindName(kind int) string {
	if kind == websocket.TextMessage {
		return "text"
	}
	return "binary"
}

func server(deflate bool) {
	upgrader := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }, EnableCompression: deflate}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Println("FAIL listen", err)
		os.Exit(1)
	}
	fmt.Println("listening", ln.Addr().(*net.TCPAddr).Port)
	http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := upgrader.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer c.Close()
		c.SetReadLimit(limit)
		for {
			kind, data, err := c.ReadMessage()
			if err != nil {
				return
			}
			if err := c.WriteMessage(kind, data); err != nil {
				return
			}
		}
	}))
}

func client(url string, deflate bool) int {
	dialer := *websocket.DefaultDialer
	dialer.EnableCompression = deflate
	c, resp, err := dialer.Dial(url, nil)
	if err != nil {
		fmt.Println("FAIL dial", err)
		return 1
	}
	fmt.Println("extensions", resp.Header.Get("Sec-WebSocket-Extensions"))
	defer c.Close()
	c.SetReadLimit(limit)
	n := 0
	for i, m := range matrix() {
		if err := c.WriteMessage(m.kind, m.data); err != nil {
			fmt.Println("FAIL write", i, err)
			return 1
		}
		kind, data, err := c.ReadMessage()
		if err != nil {
			fmt.Println("FAIL read", i, err)
			return 1
		}
		if kind != m.kind || !bytes.Equal(data, m.data) {
			fmt.Printf("FAIL message %d: %s of %d bytes, sent %s of %d\n", i, kindName(kind), len(data), kindName(m.kind), len(m.data))
			return 1
		}
		fmt.Printf("ok %s %d\n", kindName(m.kind), len(m.data))
		n++
	}
	// The closing handshake: send 1000, then the server's answer must be a close 1000.
	c.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, "done"))
	_, _, err = c.ReadMessage()
	if !websocket.IsCloseError(err, websocket.CloseNormalClosure) {
		fmt.Println("FAIL close answer", err)
		return 1
	}
	fmt.Println("done", n)
	return 0
}

func main() {
	deflate := os.Args[len(os.Args)-1] == "deflate"
	switch {
	case len(os.Args) >= 2 && os.Args[1] == "server":
		server(deflate)
	case len(os.Args) >= 3 && os.Args[1] == "client":
		os.Exit(client(os.Args[2], deflate))
	default:
		fmt.Fprintln(os.Stderr, "usage: gorilla-peer server | client <url>")
		os.Exit(2)
	}
}
