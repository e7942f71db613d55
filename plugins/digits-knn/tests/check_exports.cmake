# cmake -DNM=<nm> -DLIBRARY=<libdigits_knn.so> -P check_exports.cmake
# Fails unless the defined dynamic symbols of LIBRARY are exactly the six required exports of chorus_plugin.h.
execute_process(COMMAND "${NM}" -D --defined-only "${LIBRARY}"
                OUTPUT_VARIABLE _nm RESULT_VARIABLE _rc)
if(NOT _rc EQUAL 0)
  message(FATAL_ERROR "${NM} -D ${LIBRARY} failed (${_rc})")
endif()
string(REPLACE "\n" ";" _lines "${_nm}")
set(_functions)
foreach(_line IN LISTS _lines)
  # "0000000000001234 T name": code symbols only (data and absolute symbols such as _init are not API).
  if(_line MATCHES "^[0-9a-fA-F]+ [TtWi] (.+)$")
    list(APPEND _functions "${CMAKE_MATCH_1}")
  endif()
endforeach()
list(SORT _functions)
set(_expected chorus_plugin_abi_version chorus_plugin_create chorus_plugin_describe chorus_plugin_destroy
    chorus_plugin_last_error chorus_plugin_run)
message(STATUS "exported functions: ${_functions}")
if(NOT _functions STREQUAL _expected)
  message(FATAL_ERROR "exported functions are [${_functions}], expected [${_expected}]")
endif()
