# cmake -DWASM_TOOLS=... -DADAPTER=... -DOUT=... -P command_wit.cmake
# Writes the WIT of the preview-1 command adapter's world (every WASI 0.2
# import, wasi:cli/run exported) with the package and world renamed from
# root:root/root, which componentize-py reserves for its own, to
# flint:wasi-command/command.
execute_process(COMMAND ${WASM_TOOLS} component wit ${ADAPTER}
                OUTPUT_VARIABLE wit RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "wasm-tools component wit ${ADAPTER} failed")
endif()
string(REPLACE "package root:root;" "package flint:wasi-command;" wit "${wit}")
string(REPLACE "world root {" "world command {" wit "${wit}")
file(WRITE ${OUT} "${wit}")
