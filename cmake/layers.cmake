# ot_add_layer(NAME name DEPS lower layers... [EXTRA_LIBS libs...])
#
# Every .c file in src/<name>/ belongs to the layer. Lower layers are linked
# PRIVATE, so nothing links "through" a layer; scripts/lint-layers.sh (run as a
# test and before every build) turns a forbidden #include into an error.
function(ot_add_layer)
  cmake_parse_arguments(L "" "NAME" "DEPS;EXTRA_LIBS" ${ARGN})
  file(GLOB _src CONFIGURE_DEPENDS "${CMAKE_CURRENT_SOURCE_DIR}/*.c")
  if(NOT _src)
    message(FATAL_ERROR "layer ${L_NAME} has no sources")
  endif()
  add_library(ot_${L_NAME} STATIC ${_src})
  target_include_directories(ot_${L_NAME}
    PUBLIC "${CMAKE_SOURCE_DIR}/include"
    PRIVATE "${CMAKE_CURRENT_SOURCE_DIR}")
  foreach(_d ${L_DEPS})
    target_link_libraries(ot_${L_NAME} PRIVATE ot_${_d})
  endforeach()
  if(L_EXTRA_LIBS)
    target_link_libraries(ot_${L_NAME} PRIVATE ${L_EXTRA_LIBS})
  endif()
  add_dependencies(ot_${L_NAME} ot_lint_layers)
  set_property(GLOBAL APPEND PROPERTY OT_LAYERS ot_${L_NAME})
endfunction()

# The lint runs before any layer compiles, so a forbidden include breaks the build.
add_custom_target(ot_lint_layers
  COMMAND "${CMAKE_SOURCE_DIR}/scripts/lint-layers.sh" "${CMAKE_SOURCE_DIR}"
  COMMENT "Checking layer include rules"
  VERBATIM)

# All layers defined so far, in link order (highest first), for executables
# that use everything (tools, e2e tests, fuzz targets, benchmarks).
function(ot_all_layers out)
  get_property(_l GLOBAL PROPERTY OT_LAYERS)
  list(REVERSE _l)
  set(${out} ${_l} PARENT_SCOPE)
endfunction()
