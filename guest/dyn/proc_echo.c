/* The test of guest/proc/echo.c, dynamically linked (PIE + ld.so). */
#include "../proc/echo.c"
