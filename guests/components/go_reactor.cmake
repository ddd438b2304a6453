# cmake -DWIT_BINDGEN=... -DWIT=... -DSRC=... -DGO_PKG=... -DOUT=... -P go_reactor.cmake
# Prepares the Go reactor's module in OUT: the bindings `wit-bindgen go`
# generates for the world flint:guests/guest (module wit_component), the
# hand-written export package (SRC/api.go), and the go.bytecodealliance.org/pkg
# runtime (GO_PKG, from scripts/fetch-go-wit-pkg.sh) wired in by a replace
# directive. That package's go.mod asks for Go 1.27.1, which this machine's
# Go (1.26) refuses; nothing in it needs more than the go:wasmexport of Go
# 1.24, so the copy asks for 1.24.
file(REMOVE_RECURSE ${OUT})
file(MAKE_DIRECTORY ${OUT})
execute_process(COMMAND ${WIT_BINDGEN} go ${WIT} --world guest --out-dir ${OUT} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "wit-bindgen go failed")
endif()
file(COPY ${SRC}/api.go DESTINATION ${OUT}/export_flint_guests_api)
file(COPY ${GO_PKG}/ DESTINATION ${OUT}/go-pkg)
file(READ ${OUT}/go-pkg/go.mod pkg_mod)
string(REGEX REPLACE "\ngo [0-9.]+\n" "\ngo 1.24\n" pkg_mod "${pkg_mod}")
file(WRITE ${OUT}/go-pkg/go.mod "${pkg_mod}")
file(APPEND ${OUT}/go.mod "\nreplace go.bytecodealliance.org/pkg => ./go-pkg\n")
