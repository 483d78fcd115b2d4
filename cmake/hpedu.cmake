# Build helpers shared by every component, in the manner of Abseil's
# absl_cc_library/absl_cc_test: adding a library or a test is one short block.
include_guard(GLOBAL)

set(HPEDU_WARNINGS -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
    -Wno-unused-parameter
    # C++20 designated initializers may leave members at their defaults;
    # GCC 12 warns about it all the same.
    -Wno-missing-field-initializers)
if(HPEDU_WERROR)
  list(APPEND HPEDU_WARNINGS -Werror)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    # GCC 12 reports false -Wrestrict positives inside libstdc++'s
    # std::string at -O2 (GCC bug 105329); keep them visible, not fatal.
    list(APPEND HPEDU_WARNINGS -Wno-error=restrict)
  endif()
endif()
if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  list(APPEND HPEDU_WARNINGS -Wthread-safety)
endif()

# hpedu_cc_library(NAME n SRCS ... HDRS ... DEPS ...)
# Defines target hpedu_lib_<n> with alias hpedu::<n> (binaries may then be
# called hpedu_<n>). Header-only when SRCS is empty.
function(hpedu_cc_library)
  cmake_parse_arguments(ARG "" "NAME" "SRCS;HDRS;DEPS" ${ARGN})
  set(target hpedu_lib_${ARG_NAME})
  if(ARG_SRCS)
    add_library(${target} STATIC ${ARG_SRCS} ${ARG_HDRS})
    target_compile_options(${target} PRIVATE ${HPEDU_WARNINGS})
    target_include_directories(${target} PUBLIC ${PROJECT_SOURCE_DIR})
    target_link_libraries(${target} PUBLIC ${ARG_DEPS})
  else()
    add_library(${target} INTERFACE)
    target_include_directories(${target} INTERFACE ${PROJECT_SOURCE_DIR})
    target_link_libraries(${target} INTERFACE ${ARG_DEPS})
  endif()
  add_library(hpedu::${ARG_NAME} ALIAS ${target})
endfunction()

# hpedu_cc_test(NAME n SRCS ... DEPS ... [LABELS ...])
# A GoogleTest binary registered with ctest; tests that start PostgreSQL carry
# the label "postgres" so they can be run or excluded together.
function(hpedu_cc_test)
  cmake_parse_arguments(ARG "" "NAME;TIMEOUT" "SRCS;DEPS;LABELS" ${ARGN})
  add_executable(${ARG_NAME} ${ARG_SRCS})
  target_compile_options(${ARG_NAME} PRIVATE ${HPEDU_WARNINGS})
  target_include_directories(${ARG_NAME} PRIVATE ${PROJECT_SOURCE_DIR})
  target_link_libraries(${ARG_NAME} PRIVATE ${ARG_DEPS} GTest::gmock_main)
  add_test(NAME ${ARG_NAME} COMMAND ${ARG_NAME})
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 300)
  endif()
  set_tests_properties(${ARG_NAME} PROPERTIES TIMEOUT ${ARG_TIMEOUT}
                       LABELS "${ARG_LABELS}")
endfunction()

# hpedu_cc_binary(NAME n SRCS ... DEPS ...)
function(hpedu_cc_binary)
  cmake_parse_arguments(ARG "" "NAME" "SRCS;DEPS" ${ARGN})
  add_executable(${ARG_NAME} ${ARG_SRCS})
  target_compile_options(${ARG_NAME} PRIVATE ${HPEDU_WARNINGS})
  target_include_directories(${ARG_NAME} PRIVATE ${PROJECT_SOURCE_DIR})
  target_link_libraries(${ARG_NAME} PRIVATE ${ARG_DEPS})
endfunction()

# hpedu_proto_library(NAME n PROTOS ... DEPS ... [GRPC] [ROOT dir])
# Compiles .proto files (paths relative to ROOT, default proto/) once into
# hpedu::<n>.
# Generated code is built without our warning flags (and, in a sanitized
# build, without sanitizers): it is not our code.
function(hpedu_proto_library)
  cmake_parse_arguments(ARG "GRPC" "NAME;ROOT" "PROTOS;DEPS" ${ARGN})
  if(NOT ARG_ROOT)
    set(ARG_ROOT ${PROJECT_SOURCE_DIR}/proto)
  endif()
  set(out_dir ${PROJECT_BINARY_DIR}/proto)
  set(srcs)
  set(hdrs)
  set(abs_protos)
  foreach(proto ${ARG_PROTOS})
    string(REGEX REPLACE "\\.proto$" "" stem ${proto})
    list(APPEND srcs ${out_dir}/${stem}.pb.cc)
    list(APPEND hdrs ${out_dir}/${stem}.pb.h)
    if(ARG_GRPC)
      list(APPEND srcs ${out_dir}/${stem}.grpc.pb.cc)
      list(APPEND hdrs ${out_dir}/${stem}.grpc.pb.h)
    endif()
    list(APPEND abs_protos ${ARG_ROOT}/${proto})
  endforeach()
  set(plugin_args)
  if(ARG_GRPC)
    set(plugin_args --grpc_out=${out_dir}
        --plugin=protoc-gen-grpc=$<TARGET_FILE:gRPC::grpc_cpp_plugin>)
  endif()
  add_custom_command(
    OUTPUT ${srcs} ${hdrs}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${out_dir}
    COMMAND protobuf::protoc
      -I${PROJECT_SOURCE_DIR}/proto -I/usr/include -I/usr/share/grpc-proto
      --cpp_out=${out_dir} ${plugin_args} ${ARG_PROTOS}
    WORKING_DIRECTORY ${ARG_ROOT}
    DEPENDS ${abs_protos} protobuf::protoc
    COMMENT "protoc ${ARG_NAME}"
    VERBATIM)
  add_library(hpedu_lib_${ARG_NAME} STATIC ${srcs} ${hdrs})
  if(HPEDU_SANITIZE)
    # Sanitizers instrument the code we write; generated message and stub
    # code is protoc's, and instrumenting it doubles its compile time
    # (staffing_service.grpc.pb.cc: 15.4 s instead of 7.3 s) for checks on
    # code the protobuf and gRPC libraries, themselves uninstrumented, drive.
    target_compile_options(hpedu_lib_${ARG_NAME} PRIVATE -fno-sanitize=all)
  endif()
  target_include_directories(hpedu_lib_${ARG_NAME} PUBLIC ${out_dir})
  target_link_libraries(hpedu_lib_${ARG_NAME} PUBLIC protobuf::libprotobuf ${ARG_DEPS})
  if(ARG_GRPC)
    target_link_libraries(hpedu_lib_${ARG_NAME} PUBLIC gRPC::grpc++)
  endif()
  add_library(hpedu::${ARG_NAME} ALIAS hpedu_lib_${ARG_NAME})
endfunction()

# hpedu_embed_sql(TARGET hpedu::t NAMESPACE ns FUNCTION fn FILES ...)
# Embeds ordered SQL migration files in the binary as a
# std::vector<hpedu::db::Migration> returned by ns::fn(). Files are named
# NNNN_description.sql; their order is the order of FILES.
function(hpedu_embed_sql)
  cmake_parse_arguments(ARG "" "TARGET;NAMESPACE;FUNCTION" "FILES" ${ARGN})
  # Accept the alias (hpedu::registry) as well as the real target name.
  get_target_property(real_target ${ARG_TARGET} ALIASED_TARGET)
  if(real_target)
    set(ARG_TARGET ${real_target})
  endif()
  set(out ${CMAKE_CURRENT_BINARY_DIR}/${ARG_TARGET}_migrations.cc)
  set(abs_files)
  foreach(f ${ARG_FILES})
    list(APPEND abs_files ${CMAKE_CURRENT_SOURCE_DIR}/${f})
  endforeach()
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DOUT=${out} -DNAMESPACE=${ARG_NAMESPACE}
            -DFUNCTION=${ARG_FUNCTION} "-DFILES=${abs_files}"
            -P ${PROJECT_SOURCE_DIR}/cmake/embed_sql.cmake
    DEPENDS ${abs_files} ${PROJECT_SOURCE_DIR}/cmake/embed_sql.cmake
    COMMENT "embedding migrations for ${ARG_TARGET}"
    VERBATIM)
  target_sources(${ARG_TARGET} PRIVATE ${out})
endfunction()
