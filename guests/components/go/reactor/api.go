// A Go reactor component: `wit-bindgen go` generates the bindings of the
// world flint:guests/guest (guests/components/wit) as the module
// wit_component; this file is the package export_flint_guests_api the
// generated code calls into (copied beside the generated intrinsics at build
// time). Built with stock Go: GOOS=wasip1 GOARCH=wasm -buildmode=c-shared
// (go:wasmexport, Go 1.24+), then `wasm-tools component embed` and
// `component new` with the preview-1 reactor adapter.
package export_flint_guests_api

import (
	"fmt"
	"runtime"
	"slices"
	"strings"

	witTypes "go.bytecodealliance.org/pkg/wit/types"

	"wit_component/flint_guests_api"
)

// Counter is the exported resource; pinner and handle are the fields the
// generated intrinsics (TakeHandle, Drop, the destructor) use.
type Counter struct {
	pinner runtime.Pinner
	handle int32
	value  int64
}

func (self *Counter) OnDrop() {}

func MakeCounter(start int64) *Counter { return &Counter{value: start} }

func (self *Counter) Add(n int64) { self.value += n }

func (self *Counter) Get() int64 { return self.value }

func Greet(name string) string { return "Hello, " + name + "!" }

func Sum(values []int64) int64 {
	var total int64
	for _, v := range values {
		total += v // wraps, as the WIT asks
	}
	return total
}

func ReverseWords(words []string) []string {
	out := make([]string, 0, len(words))
	for i := len(words) - 1; i >= 0; i-- {
		out = append(out, strings.Map(func(r rune) rune {
			if r >= 'a' && r <= 'z' {
				return r - 'a' + 'A'
			}
			return r
		}, words[i]))
	}
	return out
}

func Translate(p flint_guests_api.Point, dx int32, dy int32) flint_guests_api.Point {
	return flint_guests_api.Point{X: p.X + dx, Y: p.Y + dy}
}

func Area(s flint_guests_api.Shape) uint64 {
	switch s.Tag() {
	case flint_guests_api.Shape_Circle:
		r := uint64(s.Circle())
		return 3 * r * r
	case flint_guests_api.Shape_Rect:
		a := int64(s.Rect().X) * int64(s.Rect().Y)
		if a < 0 {
			a = -a
		}
		return uint64(a)
	}
	return 0
}

func NextColor(c flint_guests_api.Color) flint_guests_api.Color {
	switch c {
	case flint_guests_api.Color_Red:
		return flint_guests_api.Color_Green
	case flint_guests_api.Color_Green:
		return flint_guests_api.Color_Blue
	}
	return flint_guests_api.Color_Red
}

func ParseInt(s string) witTypes.Result[int32, string] {
	body := strings.TrimPrefix(s, "-")
	var v int32
	if body == "" || strings.IndexFunc(body, func(r rune) bool { return r < '0' || r > '9' }) >= 0 {
		return witTypes.Err[int32, string]("not a number: " + s)
	}
	if _, err := fmt.Sscan(s, &v); err != nil {
		return witTypes.Err[int32, string]("not a number: " + s)
	}
	return witTypes.Ok[int32, string](v)
}

func Find(haystack []string, needle string) witTypes.Option[uint32] {
	if i := slices.Index(haystack, needle); i >= 0 {
		return witTypes.Some(uint32(i))
	}
	return witTypes.None[uint32]()
}
