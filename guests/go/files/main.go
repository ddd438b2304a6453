// Go's os, io/fs, time and crypto/rand on WASI preview 1 (GOOS=wasip1):
// files, directories, symlinks, environment, arguments, sleeping and
// randomness. Expects a writable preopen at /work holding data.txt.
package main

import (
	"bufio"
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

func check(err error) {
	if err != nil {
		fmt.Println("FAILED:", err)
		os.Exit(1)
	}
}

func main() {
	fmt.Println("args:", os.Args)
	env := os.Environ()
	sort.Strings(env)
	fmt.Println("env:", env)
	fmt.Printf("LookupEnv(GREETING): %q\n", os.Getenv("GREETING"))

	data, err := os.ReadFile("/work/data.txt")
	check(err)
	fmt.Printf("data.txt: %q\n", data)

	check(os.MkdirAll("/work/go/sub/deeper", 0o755))
	check(os.WriteFile("/work/go/sub/a.txt", []byte("alpha\n"), 0o644))
	f, err := os.OpenFile("/work/go/sub/a.txt", os.O_APPEND|os.O_WRONLY, 0)
	check(err)
	_, err = f.WriteString("beta\n")
	check(err)
	check(f.Close())
	check(os.Symlink("a.txt", "/work/go/sub/link"))
	target, err := os.Readlink("/work/go/sub/link")
	check(err)
	fmt.Println("readlink:", target)
	st, err := os.Stat("/work/go/sub/link")
	check(err)
	fmt.Println("stat through link: size", st.Size(), "mode regular", st.Mode().IsRegular())
	lst, err := os.Lstat("/work/go/sub/link")
	check(err)
	fmt.Println("lstat is symlink:", lst.Mode()&fs.ModeSymlink != 0)
	mtime := time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)
	check(os.Chtimes("/work/go/sub/a.txt", mtime, mtime))
	st, err = os.Stat("/work/go/sub/a.txt")
	check(err)
	fmt.Println("mtime:", st.ModTime().UTC())

	var walked []string
	check(filepath.WalkDir("/work/go", func(path string, d fs.DirEntry, err error) error {
		check(err)
		walked = append(walked, fmt.Sprintf("%s dir=%v", path, d.IsDir()))
		return nil
	}))
	fmt.Println("walk:", strings.Join(walked, "; "))

	_, err = os.Open("/work/go/missing")
	fmt.Println("missing is ErrNotExist:", errors.Is(err, fs.ErrNotExist))
	_, err = os.ReadDir("/etc")
	fmt.Println("/etc readable:", err == nil)
	check(os.RemoveAll("/work/go/sub"))
	entries, err := os.ReadDir("/work/go")
	check(err)
	fmt.Println("entries after RemoveAll:", len(entries))

	start := time.Now()
	time.Sleep(30 * time.Millisecond)
	fmt.Println("slept at least 30ms:", time.Since(start) >= 30*time.Millisecond)
	buf := make([]byte, 16)
	_, err = rand.Read(buf)
	check(err)
	fmt.Println("random bytes:", len(buf))

	scanner := bufio.NewScanner(os.Stdin)
	lines := 0
	for scanner.Scan() {
		lines++
		fmt.Fprintln(os.Stderr, "stdin:", strings.ToUpper(scanner.Text()))
	}
	fmt.Println("stdin lines:", lines)
	if len(os.Args) > 1 && os.Args[1] == "exit7" {
		os.Exit(7)
	}
}
