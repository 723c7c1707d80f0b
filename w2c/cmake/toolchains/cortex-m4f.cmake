# CMake toolchain file for the w2c target profile cortex-m4f (targets/cortex-m4f.json):
#   cmake -DCMAKE_TOOLCHAIN_FILE="$(w2c --cmake-dir)/toolchains/cortex-m4f.cmake" ...
set(W2C_TARGET cortex-m4f)
include("${CMAKE_CURRENT_LIST_DIR}/../toolchain.cmake")
