# toolchain.cmake: a CMake toolchain file for a w2c target profile (targets/*.json).
#
#   cmake -DCMAKE_TOOLCHAIN_FILE="$(w2c --cmake-dir)/toolchains/rpi-aarch64.cmake" ...
#   cmake -DCMAKE_TOOLCHAIN_FILE="$(w2c --cmake-dir)/toolchain.cmake" -DW2C_TARGET=rpi-aarch64 ...
#
# Everything comes from `w2c target-info $W2C_TARGET --format cmake`, so the
# profile stays the one source of truth: the C compiler, the profile's C
# flags (CMAKE_C_FLAGS), its link flags after the objects
# (CMAKE_C_STANDARD_LIBRARIES: -lm, -static, -nostdlib -lgcc ...), the
# system name (Linux, or Generic for bare metal, whose compiler checks then
# build static libraries) and CMAKE_CROSSCOMPILING_EMULATOR (qemu-user, or
# QEMU with semihosting for bare metal), so add_test() runs the programs.
# w2c_add_module() then adds the profile's runtime configuration macros and
# w2c_target_firmware() its startup code, linker script and memory map.
if(NOT W2C_TARGET)
  message(FATAL_ERROR "w2c toolchain: set W2C_TARGET to a profile of `w2c targets`, or use "
          "a file of ${CMAKE_CURRENT_LIST_DIR}/toolchains/")
endif()
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES W2C_TARGET W2C_EXECUTABLE)

include("${CMAKE_CURRENT_LIST_DIR}/w2cExecutable.cmake")
_w2c_target_info("${W2C_TARGET}")

set(CMAKE_SYSTEM_NAME "${W2C_TARGET_SYSTEM_NAME}")
set(CMAKE_SYSTEM_PROCESSOR "${W2C_TARGET_SYSTEM_PROCESSOR}")
set(CMAKE_C_COMPILER "${W2C_TARGET_CC}")
string(REPLACE ";" " " CMAKE_C_FLAGS_INIT "${W2C_TARGET_CFLAGS}")
set(CMAKE_ASM_FLAGS_INIT "${CMAKE_C_FLAGS_INIT}")
string(REPLACE ";" " " CMAKE_C_STANDARD_LIBRARIES_INIT "${W2C_TARGET_LDLIBS}")
if(W2C_TARGET_OS STREQUAL "none")
  # No program links without the startup code and linker script.
  set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
endif()

# The run command, when the program comes last in it.
set(_w2c_run ${W2C_TARGET_RUN})
list(LENGTH _w2c_run _w2c_n)
if(_w2c_n GREATER 1)
  list(GET _w2c_run -1 _w2c_last)
  if(_w2c_last STREQUAL "{elf}")
    list(REMOVE_AT _w2c_run -1)
    list(GET _w2c_run 0 _w2c_first)
    find_program(_w2c_emulator "${_w2c_first}" NO_CMAKE_FIND_ROOT_PATH)
    if(_w2c_emulator)
      list(REMOVE_AT _w2c_run 0)
      set(CMAKE_CROSSCOMPILING_EMULATOR "${_w2c_emulator};${_w2c_run}")
    endif()
  endif()
endif()
unset(_w2c_run)
unset(_w2c_n)
unset(_w2c_last)
unset(_w2c_first)

# Programs (w2c, emulators) from the build machine; the rest as CMake defaults.
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
