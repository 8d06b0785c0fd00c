/* The test of guest/proc/auxv.c, dynamically linked (PIE + ld.so). */
#include "../proc/auxv.c"
