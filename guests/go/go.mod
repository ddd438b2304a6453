module flint.dev/guests

go 1.22
