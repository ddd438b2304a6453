module flint.dev/guests/components/go/command

go 1.21
