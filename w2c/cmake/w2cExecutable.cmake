# w2cExecutable.cmake: finds the w2c command as W2C_EXECUTABLE (shared by
# w2cConfig.cmake and toolchain.cmake).  Give -DW2C_EXECUTABLE=/path/to/w2c
# to choose; otherwise the w2c installed with this folder is preferred: the
# bin/ of the environment whose site-packages hold it (a venv, ~/.local,
# /usr), or a source checkout's .venv (scripts/demo), then PATH.
if(NOT W2C_EXECUTABLE)
  get_filename_component(_w2c_env "${CMAKE_CURRENT_LIST_DIR}/../../../../.." ABSOLUTE)
  get_filename_component(_w2c_checkout "${CMAKE_CURRENT_LIST_DIR}/../.." ABSOLUTE)
  find_program(W2C_EXECUTABLE NAMES w2c
               HINTS "${_w2c_env}/bin" "${_w2c_checkout}/.venv/bin"
               NO_CMAKE_FIND_ROOT_PATH
               DOC "The w2c command (WebAssembly to C)")
  unset(_w2c_env)
  unset(_w2c_checkout)
endif()
if(NOT W2C_EXECUTABLE)
  message(FATAL_ERROR "w2c: the w2c command was not found (looked beside "
          "${CMAKE_CURRENT_LIST_DIR} and on PATH): install w2c, or give "
          "-DW2C_EXECUTABLE=/path/to/w2c")
endif()

# _w2c_target_info(<profile>): the W2C_TARGET_* variables of a target profile
# (`w2c target-info <profile> --format cmake`), set in the caller's scope.
# The text is kept in <build>/CMakeFiles/w2c/ (rewritten only when it changes).
macro(_w2c_target_info _w2c_profile)
  set(_w2c_info_file "${CMAKE_BINARY_DIR}/CMakeFiles/w2c/target-${_w2c_profile}.cmake")
  execute_process(COMMAND "${W2C_EXECUTABLE}" target-info "${_w2c_profile}" --format cmake
                  OUTPUT_VARIABLE _w2c_info ERROR_VARIABLE _w2c_err RESULT_VARIABLE _w2c_rc)
  if(NOT _w2c_rc EQUAL 0)
    string(STRIP "${_w2c_err}" _w2c_err)
    message(FATAL_ERROR "w2c: no build data for the target profile '${_w2c_profile}': "
            "${_w2c_err}")
  endif()
  set(_w2c_old "")
  if(EXISTS "${_w2c_info_file}")
    file(READ "${_w2c_info_file}" _w2c_old)
  endif()
  if(NOT _w2c_old STREQUAL _w2c_info)
    file(WRITE "${_w2c_info_file}" "${_w2c_info}")
  endif()
  include("${_w2c_info_file}")
  if(NOT CMAKE_IN_TRY_COMPILE)
    # A changed profile configures again.
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
                 "${W2C_TARGETS_DIR}/${_w2c_profile}.json")
  endif()
  unset(_w2c_info)
  unset(_w2c_old)
  unset(_w2c_err)
  unset(_w2c_rc)
endmacro()
