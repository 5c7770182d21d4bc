# raserflow_add_plugin(<name> <sources>...): a plugin library the raserflow loader can open.
# Used by this project's plugins and, through find_package(raserflow), by out-of-tree ones.
function(raserflow_add_plugin name)
  add_library(${name} MODULE ${ARGN})
  set_property(GLOBAL APPEND PROPERTY RASERFLOW_PLUGINS ${name})
  if(TARGET raserflow::raserflow)
    target_link_libraries(${name} PRIVATE raserflow::raserflow)
  else()
    target_link_libraries(${name} PRIVATE raserflow)
  endif()
  set_target_properties(${name} PROPERTIES PREFIX "" OUTPUT_NAME ${name})
  if(DEFINED RASERFLOW_PLUGIN_DIR)
    set_target_properties(${name} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${RASERFLOW_PLUGIN_DIR})
  endif()
  # No STB_GNU_UNIQUE symbols and only the manifest exported: nothing else in the process can
  # bind to the plugin's copies of inline or template symbols.
  target_compile_options(${name} PRIVATE -fno-gnu-unique)
  target_link_options(${name} PRIVATE -Wl,--no-undefined
    -Wl,--version-script=${CMAKE_CURRENT_FUNCTION_LIST_DIR}/plugin.map)
endfunction()
