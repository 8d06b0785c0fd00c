/* The test of guest/proc/signal.c, dynamically linked (PIE + ld.so). */
#include "../proc/signal.c"
