# CMake toolchain file for the w2c target profile cortex-m3-lm3s6965 (targets/cortex-m3-lm3s6965.json):
#   cmake -DCMAKE_TOOLCHAIN_FILE="$(w2c --cmake-dir)/toolchains/cortex-m3-lm3s6965.cmake" ...
set(W2C_TARGET cortex-m3-lm3s6965)
include("${CMAKE_CURRENT_LIST_DIR}/../toolchain.cmake")
