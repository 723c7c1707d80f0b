# W2C.cmake: CMake functions for w2c, the WebAssembly-to-C compiler.
# Loaded by find_package(w2c) (w2cConfig.cmake); see docs/build-systems.md.
#
#   w2c_add_module(<target> <file.wasm>
#                  [MODULE_NAME <name>]    C prefix (w2c -n) and file name of the
#                                          outputs (default: the .wasm's stem for
#                                          the files, w2c's choice for the prefix)
#                  [TARGET <profile>]      target profile whose runtime configuration
#                                          macros the target gets (default: the
#                                          toolchain's, W2C_TARGET, if any)
#                  [NUM_OUTPUTS <n>]       split the C into n files (--num-outputs)
#                  [WASI ON|OFF]           also the WASI glue (--wasi)
#                  [OUTPUT_DIR <dir>]      default: <binary dir>/w2c/<target>/<name>
#                  [OPTIONS <option>...])  more `w2c compile` options (--max-memory 64K,
#                                          --enable-<feature>, ...)
#     Translates <file.wasm> at build time (again when it, the options or
#     W2C_FLAGS change), adds the generated sources to <target> and their
#     folder (which holds the runtime headers too) to its include path.  Sets
#     <target>_W2C_<NAME>_SOURCES / _HEADERS in the caller's scope, NAME being
#     the outputs' file name in upper case.
#
#   w2c_target_firmware(<target> [TARGET <profile>])
#     Makes the executable <target> a bare-metal firmware image of the profile
#     (default W2C_TARGET): adds the profile's startup sources, linker script and
#     memory map (targets/baremetal/, as `w2c build --target` links them).
#
# Cache variables: W2C_EXECUTABLE (the w2c command), W2C_FLAGS (options added
# to every `w2c compile`).  A toolchain file from toolchains/ sets W2C_TARGET.

if(CMAKE_VERSION VERSION_LESS 3.16)
  message(FATAL_ERROR "w2c's CMake package needs CMake 3.16 or newer (this is ${CMAKE_VERSION})")
endif()

set(_W2C_CMAKE_DIR "${CMAKE_CURRENT_LIST_DIR}")
include("${CMAKE_CURRENT_LIST_DIR}/w2cExecutable.cmake")

set(W2C_FLAGS "" CACHE STRING "Options added to every `w2c compile` (a ;-list or a command line)")

# The files `w2c compile <in> -o <dir>/<name>.c [--num-outputs n] [--wasi]`
# writes, besides the runtime headers (tests check this against
# `w2c compile --list-outputs`).
function(_w2c_outputs out_sources out_headers dir name num wasi)
  if(num GREATER 1)
    math(EXPR last "${num} - 1")
    set(sources "")
    foreach(i RANGE 0 ${last})
      list(APPEND sources "${dir}/${name}_${i}.c")
    endforeach()
    list(APPEND sources "${dir}/${name}_data.c")
    set(headers "${dir}/${name}.h" "${dir}/${name}_internal.h")
  else()
    set(sources "${dir}/${name}.c")
    set(headers "${dir}/${name}.h")
  endif()
  if(wasi)
    list(APPEND sources "${dir}/${name}_wasi.c")
    list(APPEND headers "${dir}/${name}_wasi.h")
  endif()
  set(${out_sources} "${sources}" PARENT_SCOPE)
  set(${out_headers} "${headers}" PARENT_SCOPE)
endfunction()

# The profile for <target>: TARGET if given, else the toolchain's W2C_TARGET.
function(_w2c_profile out given)
  if(given)
    if(W2C_TARGET AND NOT given STREQUAL W2C_TARGET)
      message(FATAL_ERROR "w2c: TARGET ${given} for a build whose toolchain is for "
              "${W2C_TARGET}: use the toolchain file of ${given} (${_W2C_CMAKE_DIR}/toolchains/)")
    endif()
    set(${out} "${given}" PARENT_SCOPE)
  else()
    set(${out} "${W2C_TARGET}" PARENT_SCOPE)
  endif()
endfunction()

function(w2c_add_module target wasm)
  cmake_parse_arguments(PARSE_ARGV 2 arg "" "MODULE_NAME;TARGET;NUM_OUTPUTS;WASI;OUTPUT_DIR"
                        "OPTIONS")
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "w2c_add_module(${target} ${wasm}): unknown arguments: "
            "${arg_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT TARGET ${target})
    message(FATAL_ERROR "w2c_add_module: ${target} is not a target (add_executable or "
            "add_library it first, in this directory)")
  endif()
  get_filename_component(wasm "${wasm}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
  if(arg_MODULE_NAME)
    set(name "${arg_MODULE_NAME}")
  else()
    get_filename_component(name "${wasm}" NAME_WLE)
  endif()
  if(NOT name MATCHES "^[A-Za-z0-9_][A-Za-z0-9_.-]*$")
    message(FATAL_ERROR "w2c_add_module(${target} ${wasm}): '${name}' cannot name the "
            "output files: give MODULE_NAME")
  endif()
  set(num 1)
  if(DEFINED arg_NUM_OUTPUTS AND NOT arg_NUM_OUTPUTS STREQUAL "")
    if(NOT arg_NUM_OUTPUTS MATCHES "^[1-9][0-9]*$")
      message(FATAL_ERROR "w2c_add_module(${target} ${wasm}): NUM_OUTPUTS "
              "'${arg_NUM_OUTPUTS}' is not a positive number")
    endif()
    set(num ${arg_NUM_OUTPUTS})
  endif()
  set(wasi OFF)
  if(arg_WASI)
    set(wasi ON)
  endif()
  if(arg_OUTPUT_DIR)
    get_filename_component(dir "${arg_OUTPUT_DIR}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_BINARY_DIR}")
  else()
    set(dir "${CMAKE_CURRENT_BINARY_DIR}/w2c/${target}/${name}")
  endif()
  _w2c_profile(profile "${arg_TARGET}")

  set(cmd "${W2C_EXECUTABLE}" compile -q "${wasm}" -o "${dir}/${name}.c")
  if(arg_MODULE_NAME)
    list(APPEND cmd -n "${arg_MODULE_NAME}")
  endif()
  if(num GREATER 1)
    list(APPEND cmd --num-outputs ${num})
  endif()
  if(wasi)
    list(APPEND cmd --wasi)
  endif()
  separate_arguments(flags UNIX_COMMAND "${W2C_FLAGS}")
  list(APPEND cmd ${arg_OPTIONS} ${flags})

  # The options' stamp: rewritten only when the command changes, so that a
  # change (here, in W2C_FLAGS or in w2c's location) translates again.
  file(MAKE_DIRECTORY "${dir}")
  set(stamp "${dir}/${name}.w2c-options")
  string(REPLACE ";" "\n" text "${cmd}")
  set(old "")
  if(EXISTS "${stamp}")
    file(READ "${stamp}" old)
  endif()
  if(NOT old STREQUAL "${text}\n")
    file(WRITE "${stamp}" "${text}\n")
  endif()

  _w2c_outputs(sources headers "${dir}" "${name}" ${num} ${wasi})
  file(RELATIVE_PATH shown "${CMAKE_SOURCE_DIR}" "${wasm}")
  if(shown MATCHES "^\\.\\./")
    set(shown "${wasm}")
  endif()
  add_custom_command(
    OUTPUT ${sources} ${headers}
    COMMAND ${cmd}
    DEPENDS "${wasm}" "${stamp}"
    COMMENT "w2c: translating ${shown} into ${name}"
    VERBATIM)
  target_sources(${target} PRIVATE ${sources} ${headers})
  target_include_directories(${target} PUBLIC "${dir}")
  if(profile)
    _w2c_target_info(${profile})
    target_compile_definitions(${target} PUBLIC ${W2C_TARGET_DEFINES})
  endif()
  string(TOUPPER "${name}" upper)
  string(MAKE_C_IDENTIFIER "${upper}" upper)
  set(${target}_W2C_${upper}_SOURCES "${sources}" PARENT_SCOPE)
  set(${target}_W2C_${upper}_HEADERS "${headers}" PARENT_SCOPE)
endfunction()

function(w2c_target_firmware target)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "TARGET" "")
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "w2c_target_firmware(${target}): unknown arguments: "
            "${arg_UNPARSED_ARGUMENTS}")
  endif()
  _w2c_profile(profile "${arg_TARGET}")
  if(NOT profile)
    message(FATAL_ERROR "w2c_target_firmware(${target}): no target profile: configure with "
            "a toolchain file from ${_W2C_CMAKE_DIR}/toolchains/ or give TARGET")
  endif()
  _w2c_target_info(${profile})
  if(NOT W2C_TARGET_OS STREQUAL "none")
    message(FATAL_ERROR "w2c_target_firmware(${target}): ${profile} is not a bare-metal "
            "profile (`w2c targets`: cortex-m*, riscv32)")
  endif()
  target_sources(${target} PRIVATE ${W2C_TARGET_STARTUP})
  target_compile_definitions(${target} PUBLIC ${W2C_TARGET_DEFINES})
  # The linker script and memory map; the machine flags come from the toolchain
  # (CMAKE_C_FLAGS, on the link line too), the libraries after the objects from
  # its CMAKE_C_STANDARD_LIBRARIES.
  set(link "")
  set(script_next FALSE)
  foreach(flag IN LISTS W2C_TARGET_FIRMWARE_LDFLAGS)
    if(flag STREQUAL "-T")
      set(script_next TRUE)
    elseif(script_next)
      list(APPEND link "SHELL:-T \"${flag}\"")
      set(script_next FALSE)
    else()
      list(APPEND link "${flag}")
    endif()
  endforeach()
  target_link_options(${target} PRIVATE ${link})
  set_property(TARGET ${target} APPEND PROPERTY LINK_DEPENDS "${W2C_TARGET_LINKER_SCRIPT}")
endfunction()
