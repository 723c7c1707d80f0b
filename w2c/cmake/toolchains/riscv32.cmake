# CMake toolchain file for the w2c target profile riscv32 (targets/riscv32.json):
#   cmake -DCMAKE_TOOLCHAIN_FILE="$(w2c --cmake-dir)/toolchains/riscv32.cmake" ...
set(W2C_TARGET riscv32)
include("${CMAKE_CURRENT_LIST_DIR}/../toolchain.cmake")
