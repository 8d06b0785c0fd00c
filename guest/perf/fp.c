/* Floating-point benchmark (double): an n-body simulation (sqrt, divide,
 * multiply-add) and a 96x96 matrix multiply, ROUNDS times (argv[1]). Prints
 * the bits of the results: IEEE arithmetic gives the same on every machine. */
#include "bench.h"

/* A sqrt the compiler turns into fsqrt.d (there is no libm here). */
static double dsqrt(double v)
{
    double r;
    __asm__("fsqrt.d %0, %1" : "=f"(r) : "f"(v));
    return r;
}

#define NB 5
struct body {
    double x, y, z, vx, vy, vz, m;
};

static void advance(struct body *b, double dt)
{
    for (int i = 0; i < NB; i++)
        for (int j = i + 1; j < NB; j++) {
            double dx = b[i].x - b[j].x, dy = b[i].y - b[j].y, dz = b[i].z - b[j].z;
            double d2 = dx * dx + dy * dy + dz * dz;
            double mag = dt / (d2 * dsqrt(d2));
            b[i].vx -= dx * b[j].m * mag;
            b[i].vy -= dy * b[j].m * mag;
            b[i].vz -= dz * b[j].m * mag;
            b[j].vx += dx * b[i].m * mag;
            b[j].vy += dy * b[i].m * mag;
            b[j].vz += dz * b[i].m * mag;
        }
    for (int i = 0; i < NB; i++) {
        b[i].x += dt * b[i].vx;
        b[i].y += dt * b[i].vy;
        b[i].z += dt * b[i].vz;
    }
}

static double energy(const struct body *b)
{
    double e = 0;
    for (int i = 0; i < NB; i++) {
        e += 0.5 * b[i].m * (b[i].vx * b[i].vx + b[i].vy * b[i].vy + b[i].vz * b[i].vz);
        for (int j = i + 1; j < NB; j++) {
            double dx = b[i].x - b[j].x, dy = b[i].y - b[j].y, dz = b[i].z - b[j].z;
            e -= b[i].m * b[j].m / dsqrt(dx * dx + dy * dy + dz * dz);
        }
    }
    return e;
}

#define MN 96
static double ma[MN][MN], mb[MN][MN], mc[MN][MN];

static uint64_t bits(double d)
{
    uint64_t u;
    memcpy(&u, &d, 8);
    return u;
}

int main(int argc, char **argv)
{
    long rounds = bench_arg(argc, argv, 8);
    struct body b[NB] = {
        {0, 0, 0, 0, 0, 0, 39.47841760435743},
        {4.84, -1.16, -0.10, 0.606, 2.81, -0.025, 0.0377},
        {8.34, 4.12, -0.40, -1.01, 1.82, 0.0084, 0.0113},
        {12.89, -15.11, -0.22, 1.08, 0.868, -0.0108, 0.0017},
        {15.37, -25.91, 0.179, 0.979, 0.594, -0.0347, 0.0020},
    };
    uint64_t seed = 4242;
    for (int i = 0; i < MN; i++)
        for (int j = 0; j < MN; j++) {
            ma[i][j] = (double)(bench_rand(&seed) >> 40) / 16777216.0;
            mb[i][j] = (double)(bench_rand(&seed) >> 40) / 16777216.0 - 0.5;
        }
    double e0 = energy(b), trace = 0;
    for (long r = 0; r < rounds; r++) {
        for (int s = 0; s < 20000; s++)
            advance(b, 0.01);
        for (int i = 0; i < MN; i++)
            for (int j = 0; j < MN; j++) {
                double acc = 0;
                for (int k = 0; k < MN; k++)
                    acc += ma[i][k] * mb[k][j];
                mc[i][j] = acc;
            }
        for (int i = 0; i < MN; i++) {
            trace += mc[i][i];
            ma[i][(i + r) % MN] += mc[i][i] * 1e-3;
        }
    }
    printf("fp: rounds %ld energy %lx -> %lx trace %lx\n", rounds, bits(e0), bits(energy(b)),
           bits(trace));
    return 0;
}
