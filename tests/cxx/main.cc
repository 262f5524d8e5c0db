/* SPDX-License-Identifier: MIT */
// main.cc - main.c compiled as C++: the generated headers are C++ too,
// and a C++ program links against the generated C.
#include "main.c"
