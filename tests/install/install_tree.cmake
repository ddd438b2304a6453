# cmake -DBUILD=DIR -DPREFIX=DIR -P install_tree.cmake: a fresh install of
# the build tree into PREFIX.
file(REMOVE_RECURSE ${PREFIX})
execute_process(COMMAND ${CMAKE_COMMAND} --install ${BUILD} --prefix ${PREFIX} OUTPUT_QUIET
                COMMAND_ERROR_IS_FATAL ANY)
