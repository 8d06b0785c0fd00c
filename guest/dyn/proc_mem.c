/* The test of guest/proc/mem.c, dynamically linked (PIE + ld.so). */
#include "../proc/mem.c"
