# cmake -DPREFIX=DIR -DCXX=... -DCC=... -P check_headers.cmake: every
# installed public header compiles by itself with only the installed include
# directory: include/flint/*.h as C++20, include/flint.h as C11 and as C++.
set(include_dir ${PREFIX}/include)
file(GLOB headers ${include_dir}/flint/*.h)
if(NOT headers OR NOT EXISTS ${include_dir}/flint.h)
  message(FATAL_ERROR "no headers installed in ${include_dir}")
endif()
function(check header)
  execute_process(COMMAND ${ARGN} -fsyntax-only -Wall -Wextra -Werror -I${include_dir} ${header}
                  RESULT_VARIABLE status ERROR_VARIABLE errors)
  if(status)
    message(SEND_ERROR "${header} does not compile alone:\n${errors}")
  endif()
endfunction()
foreach(header ${headers} ${include_dir}/flint.h)
  check(${header} ${CXX} -std=c++20 -x c++-header)
endforeach()
check(${include_dir}/flint.h ${CC} -std=c11 -pedantic -x c-header)
