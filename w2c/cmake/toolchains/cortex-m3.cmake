# CMake toolchain file for the w2c target profile cortex-m3 (targets/cortex-m3.json):
#   cmake -DCMAKE_TOOLCHAIN_FILE="$(w2c --cmake-dir)/toolchains/cortex-m3.cmake" ...
set(W2C_TARGET cortex-m3)
include("${CMAKE_CURRENT_LIST_DIR}/../toolchain.cmake")
