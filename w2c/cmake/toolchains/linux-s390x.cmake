# CMake toolchain file for the w2c target profile linux-s390x (targets/linux-s390x.json):
#   cmake -DCMAKE_TOOLCHAIN_FILE="$(w2c --cmake-dir)/toolchains/linux-s390x.cmake" ...
set(W2C_TARGET linux-s390x)
include("${CMAKE_CURRENT_LIST_DIR}/../toolchain.cmake")
