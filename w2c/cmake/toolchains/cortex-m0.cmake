# CMake toolchain file for the w2c target profile cortex-m0 (targets/cortex-m0.json):
#   cmake -DCMAKE_TOOLCHAIN_FILE="$(w2c --cmake-dir)/toolchains/cortex-m0.cmake" ...
set(W2C_TARGET cortex-m0)
include("${CMAKE_CURRENT_LIST_DIR}/../toolchain.cmake")
