# cmake -DSOURCE=DIR -DBINARY=DIR -DPREFIX=DIR -DCXX=... -DCC=... -DGENERATOR=...
#   -P build_example.cmake: configures an example with find_package(Flint)
# finding only the installed tree, and builds it.
file(REMOVE_RECURSE ${BINARY})
execute_process(COMMAND ${CMAKE_COMMAND} -S ${SOURCE} -B ${BINARY} -G ${GENERATOR}
                        -DCMAKE_PREFIX_PATH=${PREFIX} -DCMAKE_CXX_COMPILER=${CXX} -DCMAKE_C_COMPILER=${CC}
                        -DCMAKE_BUILD_TYPE=RelWithDebInfo
                COMMAND_ERROR_IS_FATAL ANY)
execute_process(COMMAND ${CMAKE_COMMAND} --build ${BINARY} COMMAND_ERROR_IS_FATAL ANY)
