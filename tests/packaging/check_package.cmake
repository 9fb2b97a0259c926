# SPDX-License-Identifier: GPL-3.0-or-later
# Builds the .deb from the build tree with cpack and checks what is in it:
#   cmake -DCPACK_COMMAND=cpack -DCPACK_CONFIG=BUILD/CPackConfig.cmake -DWORK_DIR=DIR
#         -DAPP_ID=org.musicatlas.MusicAtlas -DICON_SIZES=16;32;... -DVERSION=0.1.0
#         -DEXPECT_GUI=ON|OFF -DEXPECT_QT=1|0 -P check_package.cmake
cmake_minimum_required(VERSION 3.25)

set(failures "")
macro(fail message)
  list(APPEND failures "${message}")
endmacro()

function(run out)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE stdout
                  ERROR_VARIABLE stderr)
  if(NOT rc EQUAL 0)
    list(JOIN ARGN " " cmd)
    message(FATAL_ERROR "'${cmd}' failed (${rc}):\n${stdout}\n${stderr}")
  endif()
  set(${out} "${stdout}" PARENT_SCOPE)
endfunction()

file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})
run(cpack_log ${CPACK_COMMAND} -G DEB --config ${CPACK_CONFIG} -B ${WORK_DIR})
file(GLOB debs ${WORK_DIR}/*.deb)
list(LENGTH debs n)
if(NOT n EQUAL 1)
  message(FATAL_ERROR "expected one .deb in ${WORK_DIR}, found ${n}:\n${cpack_log}")
endif()
message(STATUS "package: ${debs}")
if(NOT debs MATCHES "/musicatlas_${VERSION}_[a-z0-9]+\\.deb$")
  fail("file name is not musicatlas_${VERSION}_<arch>.deb: ${debs}")
endif()

# Control fields. Depends holds dpkg-shlibdeps' result (libc6, the engine's libraries) and
# the plugins named by hand.
foreach(field Package Version Section Maintainer Homepage Depends Recommends Description)
  run(value dpkg-deb --field ${debs} ${field})
  string(STRIP "${value}" value)
  set(field_${field} "${value}")
  message(STATUS "${field}: ${value}")
endforeach()
set(want_fields Package musicatlas Version ${VERSION} Section sound
    Homepage https://musicatlas.example.org)
while(want_fields)
  list(POP_FRONT want_fields field want)
  if(NOT field_${field} STREQUAL want)
    fail("${field} is '${field_${field}}', not '${want}'")
  endif()
endwhile()
if(NOT field_Maintainer MATCHES "<.+@.+>")
  fail("Maintainer has no e-mail address: '${field_Maintainer}'")
endif()
set(want_depends libc6 libstdc\\+\\+6 libsndfile1 libfftw3-single3 libsoxr0
                 libqt6svg6)
if(EXPECT_QT)
  list(APPEND want_depends libqt6charts6 libqt6gui6)
endif()
foreach(dep IN LISTS want_depends)
  if(NOT field_Depends MATCHES "(^|, )${dep}( |,|$)")
    fail("Depends lacks ${dep}: '${field_Depends}'")
  endif()
endforeach()
if(NOT field_Recommends MATCHES "(^|, )gstreamer1\\.0-plugins-good(,|$)")
  fail("Recommends lacks gstreamer1.0-plugins-good: '${field_Recommends}'")
endif()

# Contents.
run(listing dpkg-deb --contents ${debs})
set(expected
    "-rwxr-xr-x ./usr/bin/musicatlas-cli"
    "-rw-r--r-- ./usr/share/applications/${APP_ID}.desktop"
    "-rw-r--r-- ./usr/share/metainfo/${APP_ID}.metainfo.xml"
    "-rw-r--r-- ./usr/share/icons/hicolor/scalable/apps/${APP_ID}.svg"
    "-rw-r--r-- ./usr/share/man/man1/musicatlas-cli.1.gz"
    "-rw-r--r-- ./usr/share/doc/musicatlas/copyright")
foreach(size IN LISTS ICON_SIZES)
  list(APPEND expected "-rw-r--r-- ./usr/share/icons/hicolor/${size}x${size}/apps/${APP_ID}.png")
endforeach()
if(EXPECT_GUI)
  list(APPEND expected "-rwxr-xr-x ./usr/bin/musicatlas")
endif()
foreach(entry IN LISTS expected)
  string(REGEX MATCH "^([^ ]+) (.+)$" _ "${entry}")
  set(mode "${CMAKE_MATCH_1}")
  set(path "${CMAKE_MATCH_2}")
  string(REPLACE "." "\\." path_re "${path}")
  if(NOT listing MATCHES "(^|\n)${mode} [^\n]* ${path_re}(\n|$)")
    fail("missing, or not ${mode}: ${path}")
  endif()
endforeach()
if(listing MATCHES " \\./usr/local/")
  fail("files under /usr/local")
endif()
if(NOT EXPECT_GUI AND listing MATCHES " \\./usr/bin/musicatlas\n")
  fail("./usr/bin/musicatlas is packaged although the GUI target does not exist")
endif()

# The unpacked tree: the metainfo, desktop entry and icons agree with each other, and the
# stripped binaries still run.
set(root ${WORK_DIR}/root)
run(_ dpkg-deb --extract ${debs} ${root})
find_program(APPSTREAMCLI appstreamcli)
if(APPSTREAMCLI)
  execute_process(COMMAND ${APPSTREAMCLI} validate-tree --no-net --strict ${root}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(NOT rc EQUAL 0)
    fail("appstreamcli validate-tree failed (${rc}):\n${out}")
  endif()
else()
  fail("appstreamcli not found: install the Debian package appstream")
endif()
execute_process(COMMAND ${root}/usr/bin/musicatlas-cli --help RESULT_VARIABLE rc
                OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0 OR NOT out MATCHES "usage: musicatlas-cli")
  fail("packaged musicatlas-cli --help failed (${rc}): ${out}${err}")
endif()
if(EXPECT_GUI)
  execute_process(COMMAND ${CMAKE_COMMAND} -E env QT_QPA_PLATFORM=offscreen
                          ${root}/usr/bin/musicatlas --version
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0 OR NOT out MATCHES "${VERSION}")
    fail("packaged musicatlas --version failed (${rc}): ${out}${err}")
  endif()
  # A window icon the application cannot load is reported by Qt SVG on stderr.
  if(err MATCHES "musicatlas\\.svg")
    fail("packaged musicatlas cannot load its window icon: ${err}")
  endif()
endif()

if(failures)
  list(JOIN failures "\n  " text)
  message(FATAL_ERROR "${debs}:\n  ${text}")
endif()
message(STATUS "${debs}: all checks passed")
