// A Go command component: built with GOOS=wasip1 GOARCH=wasm, then wrapped
// into a component with the preview-1 command adapter. Arguments,
// environment, a file in the preopened /data, stdout, stderr and an exit
// status; deterministic output.
package main

import (
	"bufio"
	"fmt"
	"os"
)

func lookup(name string) string {
	if v, ok := os.LookupEnv(name); ok {
		return v
	}
	return "(unset)"
}

func main() {
	fmt.Println("lang: go")
	fmt.Printf("argc: %d\n", len(os.Args))
	fail := false
	for i, a := range os.Args[1:] {
		fmt.Printf("arg[%d]: %s\n", i+1, a)
		if a == "--fail" {
			fail = true
		}
	}
	fmt.Printf("GREETING: %s\n", lookup("GREETING"))
	fmt.Printf("FLINT_UNSET_VARIABLE: %s\n", lookup("FLINT_UNSET_VARIABLE"))

	f, err := os.Open("/data/input.txt")
	if err != nil {
		fmt.Fprintf(os.Stderr, "cannot open /data/input.txt: %v\n", err)
		os.Exit(2)
	}
	scanner := bufio.NewScanner(f)
	n := 0
	for scanner.Scan() {
		fmt.Printf("input[%d]: %s\n", n, scanner.Text())
		n++
	}
	f.Close()
	fmt.Printf("input lines: %d\n", n)
	missing := "no"
	if g, err := os.Open("/data/missing.txt"); err == nil {
		g.Close()
		missing = "yes"
	}
	fmt.Printf("missing file opens: %s\n", missing)

	fmt.Fprintln(os.Stderr, "go: to stderr")
	if fail {
		os.Exit(1)
	}
}
