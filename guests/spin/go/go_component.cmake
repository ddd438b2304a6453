# cmake -DWIT_BINDGEN=... -DWIT=... -DWORLD=... -DSRC=... -DNAME=... -DGO_PKG=... -DOUT=... -P go_component.cmake
# Prepares the module of one Go component of the Spin app in OUT: the
# bindings `wit-bindgen go` generates for Spin's world WORLD (module
# wit_component), the export package of wasi:http/incoming-handler made of
# SRC/spinhttp.go and SRC/NAME.go, and the go.bytecodealliance.org/pkg
# runtime (GO_PKG, from scripts/fetch-go-wit-pkg.sh) wired in by a replace
# directive, its go.mod lowered to Go 1.24 as guests/components/go_reactor.cmake
# explains.
file(REMOVE_RECURSE ${OUT})
file(MAKE_DIRECTORY ${OUT})
execute_process(COMMAND ${WIT_BINDGEN} go ${WIT} --world ${WORLD} --out-dir ${OUT}
                RESULT_VARIABLE rc OUTPUT_QUIET ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "wit-bindgen go failed: ${err}")
endif()
set(export_dir ${OUT}/export_wasi_http_incoming_handler)
file(COPY ${SRC}/spinhttp.go ${SRC}/${NAME}.go DESTINATION ${export_dir})
file(COPY ${GO_PKG}/ DESTINATION ${OUT}/go-pkg)
file(READ ${OUT}/go-pkg/go.mod pkg_mod)
string(REGEX REPLACE "\ngo [0-9.]+\n" "\ngo 1.24\n" pkg_mod "${pkg_mod}")
file(WRITE ${OUT}/go-pkg/go.mod "${pkg_mod}")
file(APPEND ${OUT}/go.mod "\nreplace go.bytecodealliance.org/pkg => ./go-pkg\n")
