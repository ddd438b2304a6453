// An echo server over the socket Flint preopens with --tcplisten (fd 3):
// Go's wasip1 port turns it into a net.Listener with net.FileListener.
// Serves as many connections as its argument says, upper-casing each line.
package main

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
)

func main() {
	clients := 1
	if len(os.Args) > 1 {
		clients, _ = strconv.Atoi(os.Args[1])
	}
	ln, err := net.FileListener(os.NewFile(3, "listener"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "FileListener:", err)
		os.Exit(1)
	}
	for i := 0; i < clients; i++ {
		conn, err := ln.Accept()
		if err != nil {
			fmt.Fprintln(os.Stderr, "Accept:", err)
			os.Exit(1)
		}
		r := bufio.NewScanner(conn)
		n := 0
		for r.Scan() {
			fmt.Fprintln(conn, strings.ToUpper(r.Text()))
			n++
		}
		conn.Close()
		fmt.Printf("client %d: %d lines\n", i, n)
	}
}
