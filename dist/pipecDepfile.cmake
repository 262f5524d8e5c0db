# SPDX-License-Identifier: MIT
# pipecDepfile.cmake - run by pipec_generate's command (cmake -P): copies
# pipec's dependency file IN to OUT with TARGET as the target of its first
# rule (pipec names the .c and .h files there), and removes IN.

file(READ "${IN}" deps)
string(REGEX REPLACE "^[^:\n]*:" "${TARGET}:" deps "${deps}")
file(WRITE "${OUT}" "${deps}")
file(REMOVE "${IN}")
