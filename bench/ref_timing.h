/* ref_timing.h — the clocks of the reference programs (ref_*.c): wall time and the CPU time of
 * every thread of the process, in seconds. Shared so that the peers are timed exactly alike. */
#ifndef TERRITOIRE_BENCH_REF_TIMING_H
#define TERRITOIRE_BENCH_REF_TIMING_H

#include <time.h>

static double clock_s(clockid_t which) {
    struct timespec t;
    clock_gettime(which, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}
static double now(void) { return clock_s(CLOCK_MONOTONIC); }
static double cpu_now(void) { return clock_s(CLOCK_PROCESS_CPUTIME_ID); }

#endif
