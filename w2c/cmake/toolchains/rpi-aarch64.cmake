# CMake toolchain file for the w2c target profile rpi-aarch64 (targets/rpi-aarch64.json):
#   cmake -DCMAKE_TOOLCHAIN_FILE="$(w2c --cmake-dir)/toolchains/rpi-aarch64.cmake" ...
set(W2C_TARGET rpi-aarch64)
include("${CMAKE_CURRENT_LIST_DIR}/../toolchain.cmake")
