/* The test of guest/proc/fork.c, dynamically linked (PIE + ld.so). */
#include "../proc/fork.c"
