# w2cConfig.cmake: the CMake package of w2c, the WebAssembly-to-C compiler.
#
#   cmake -Dw2c_DIR="$(w2c --cmake-dir)" ...      (or CMAKE_PREFIX_PATH)
#   find_package(w2c 0.1 REQUIRED)
#   w2c_add_module(app plugin.wasm)
#
# Provides the functions of W2C.cmake (w2c_add_module, w2c_target_firmware),
# W2C_EXECUTABLE (the w2c command) and W2C_VERSION.  Toolchain files for the
# target profiles are in toolchains/ beside this file.  See docs/build-systems.md.
include("${CMAKE_CURRENT_LIST_DIR}/W2C.cmake")
set(W2C_VERSION "${w2c_VERSION}")
set(W2C_CMAKE_DIR "${CMAKE_CURRENT_LIST_DIR}")
set(w2c_FOUND TRUE)
