# ocirt_embedded_schemas(<out-var> <repository root>): the build rule that turns schemas/*.json into one
# generated .cpp (by tools/embed_schemas.cmake), shared by the top-level build and tests/fuzz; sets <out-var>
# to the generated file's path.
function(ocirt_embedded_schemas out_var root)
  file(GLOB schema_files CONFIGURE_DEPENDS ${root}/schemas/*.json)
  set(out ${CMAKE_BINARY_DIR}/generated/embedded_schemas.cpp)
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DOUT=${out} -DSCHEMA_DIR=${root}/schemas -P ${root}/tools/embed_schemas.cmake
    DEPENDS ${schema_files} ${root}/tools/embed_schemas.cmake
    COMMENT "Embedding JSON schemas")
  set(${out_var} ${out} PARENT_SCOPE)
endfunction()
