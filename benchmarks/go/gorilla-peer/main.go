// The gorilla/websocket peer of the benchmarks: gorilla's echo example on /echo and a broadcast hub
// in the manner of its chat example on /broadcast (every data message a connection sends is written
// to every connection of the group, the sender included). Listens on 127.0.0.1 only.
//
//	gorilla-peer PORT
package main

import (
	"log"
	"net/http"
	"os"
	"strings"
	"sync"

	"github.com/gorilla/websocket"
)

var upgrader = websocket.Upgrader{ReadBufferSize: 32 * 1024, WriteBufferSize: 32 * 1024}

// echo writes each message back with its type, as examples/echo does.
func echo(w http.ResponseWriter, r *http.Request) {
	c, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	defer c.Close()
	c.SetReadLimit(1 << 20)
	for {
		mt, message, err := c.ReadMessage()
		if err != nil {
			return
		}
		if err := c.WriteMessage(mt, message); err != nil {
			return
		}
	}
}

// client is one member of the broadcast group: its writer goroutine owns the writes, as in examples/chat.
type client struct {
	conn *websocket.Conn
	send chan *websocket.PreparedMessage
}

// hub is the broadcast group. A member whose queue is full is dropped, as examples/chat does.
type hub struct {
	mu      sync.Mutex
	clients map[*client]struct{}
}

func (h *hub) add(c *client) {
	h.mu.Lock()
	h.clients[c] = struct{}{}
	h.mu.Unlock()
}

func (h *hub) remove(c *client) {
	h.mu.Lock()
	if _, ok := h.clients[c]; ok {
		delete(h.clients, c)
		close(c.send)
	}
	h.mu.Unlock()
}

func (h *hub) broadcast(m *websocket.PreparedMessage) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for c := range h.clients {
		select {
		case c.send <- m:
		default:
			delete(h.clients, c)
			close(c.send)
		}
	}
}

func (h *hub) serve(w http.ResponseWriter, r *http.Request) {
	conn, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	conn.SetReadLimit(1 << 20)
	c := &client{conn: conn, send: make(chan *websocket.PreparedMessage, 1024)}
	h.add(c)
	go func() {
		defer conn.Close()
		for m := range c.send {
			if err := conn.WritePreparedMessage(m); err != nil {
				h.remove(c)
				for range c.send {
				}
				return
			}
		}
	}()
	defer h.remove(c)
	for {
		mt, message, err := conn.ReadMessage()
		if err != nil {
			return
		}
		pm, err := websocket.NewPreparedMessage(mt, message)
		if err != nil {
			return
		}
		h.broadcast(pm)
	}
}

func main() {
	if len(os.Args) != 2 {
		log.Fatal("usage: gorilla-peer PORT")
	}
	h := &hub{clients: map[*client]struct{}{}}
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/broadcast") {
			h.serve(w, r)
		} else if r.URL.Path == "/echo" {
			echo(w, r)
		} else {
			http.NotFound(w, r)
		}
	})
	log.Fatal(http.ListenAndServe("127.0.0.1:"+os.Args[1], mux))
}
