# CMake toolchain file for the w2c target profile linux-x86_64 (targets/linux-x86_64.json):
#   cmake -DCMAKE_TOOLCHAIN_FILE="$(w2c --cmake-dir)/toolchains/linux-x86_64.cmake" ...
set(W2C_TARGET linux-x86_64)
include("${CMAKE_CURRENT_LIST_DIR}/../toolchain.cmake")
