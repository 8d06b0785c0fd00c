/* The test of guest/proc/spawn.c, dynamically linked (PIE + ld.so). */
#include "../proc/spawn.c"
