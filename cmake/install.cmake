# `cmake --install build --prefix P`: what an embedder needs under P.
#
#   include/flint.h, include/flint/*.h   the C and C++ APIs (nothing else:
#                                        src/ headers and fmt stay private)
#   lib/libflint_*.a                     one static archive per stage; the
#                                        export set lists their order, so
#                                        Flint::flint pulls in exactly the
#                                        stages it needs (no combined archive
#                                        to keep in sync with the stages)
#   bin/flint, bin/flint-serve,          the CLI, its serving half and
#   bin/flint-compile                    the AOT compiler, which
#                                        the AOT engine runs
#   lib/cmake/Flint/                     find_package(Flint): Flint::flint
#                                        (C++20) and Flint::flint_c (C)
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(flint_installed_libraries flint_base flint_binary flint_text flint_valid flint_runtime flint_interp
    flint_aot flint_tiered flint_engine flint_wasi flint_capi flint_embed)
install(TARGETS ${flint_installed_libraries} EXPORT FlintTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS flint flint-serve RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
if(TARGET flint-compile)
  install(TARGETS flint-compile RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()

set(flint_package_dir ${CMAKE_INSTALL_LIBDIR}/cmake/Flint)
install(EXPORT FlintTargets NAMESPACE Flint:: DESTINATION ${flint_package_dir})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/FlintConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/FlintConfig.cmake
                              INSTALL_DESTINATION ${flint_package_dir}
                              PATH_VARS CMAKE_INSTALL_BINDIR)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/FlintConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/FlintConfig.cmake ${PROJECT_BINARY_DIR}/FlintConfigVersion.cmake
        DESTINATION ${flint_package_dir})
