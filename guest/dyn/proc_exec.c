/* The test of guest/proc/exec.c, dynamically linked (PIE + ld.so). */
#include "../proc/exec.c"
