# CMake toolchain file for the w2c target profile rpi-armhf (targets/rpi-armhf.json):
#   cmake -DCMAKE_TOOLCHAIN_FILE="$(w2c --cmake-dir)/toolchains/rpi-armhf.cmake" ...
set(W2C_TARGET rpi-armhf)
include("${CMAKE_CURRENT_LIST_DIR}/../toolchain.cmake")
