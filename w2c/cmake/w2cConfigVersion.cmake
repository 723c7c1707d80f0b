# w2cConfigVersion.cmake: the version of w2c for find_package(w2c [version]).
#
# Read from the package's own __init__.py (beside this folder, installed or
# in a checkout), so there is one version.  0.x releases are compatible
# within the same minor version, later ones within the same major version.
file(STRINGS "${CMAKE_CURRENT_LIST_DIR}/../__init__.py" _w2c_version_line
     REGEX "^__version__ *= *\"[^\"]+\"")
string(REGEX REPLACE "^__version__ *= *\"([^\"]+)\".*" "\\1" PACKAGE_VERSION "${_w2c_version_line}")
unset(_w2c_version_line)

if(NOT PACKAGE_VERSION)
  set(PACKAGE_VERSION_UNSUITABLE TRUE)
elseif(PACKAGE_FIND_VERSION)
  string(REGEX MATCH "^([0-9]+)\\.([0-9]+)" _w2c_mm "${PACKAGE_VERSION}")
  set(_w2c_major "${CMAKE_MATCH_1}")
  set(_w2c_minor "${CMAKE_MATCH_2}")
  if(PACKAGE_VERSION VERSION_LESS PACKAGE_FIND_VERSION)
    set(PACKAGE_VERSION_COMPATIBLE FALSE)
  elseif(NOT PACKAGE_FIND_VERSION_MAJOR STREQUAL _w2c_major)
    set(PACKAGE_VERSION_COMPATIBLE FALSE)
  elseif(_w2c_major STREQUAL "0" AND NOT "${PACKAGE_FIND_VERSION_MINOR}" STREQUAL ""
         AND NOT PACKAGE_FIND_VERSION_MINOR STREQUAL _w2c_minor)
    set(PACKAGE_VERSION_COMPATIBLE FALSE)
  else()
    set(PACKAGE_VERSION_COMPATIBLE TRUE)
    if(PACKAGE_FIND_VERSION STREQUAL PACKAGE_VERSION)
      set(PACKAGE_VERSION_EXACT TRUE)
    endif()
  endif()
  unset(_w2c_mm)
  unset(_w2c_major)
  unset(_w2c_minor)
else()
  set(PACKAGE_VERSION_COMPATIBLE TRUE)
endif()
