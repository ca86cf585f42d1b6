# SPDX-License-Identifier: LGPL-2.1-or-later
# acl.conf's parser and matcher (vmhostd/acl.c), in vmhostd (after daemon.cmake).
target_sources(vmhostd PRIVATE ${CMAKE_CURRENT_LIST_DIR}/acl.c)
