/* libm.so.6: a second shared library besides libc. */
#include <math.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    volatile double x = argc + 0.5;
    printf("sin %.12f cos %.12f exp %.12f log %.12f sqrt %.12f pow %.6f\n", sin(x), cos(x),
           exp(x), log(x), sqrt(x), pow(x, 10.5));
    printf("floor %.1f ceil %.1f fmod %.6f atan2 %.12f\n", floor(-x), ceil(x), fmod(10.0, x),
           atan2(1.0, x));
    return 0;
}
