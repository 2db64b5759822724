#include "CSafety.h"
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <time.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SLOTS 64
#define PATH_BYTES 4096

/* Each slot holds a path; `used` is set last when registering and cleared first when done,
   so a handler never reads a path being written. */
static char paths[SLOTS][PATH_BYTES];
static volatile sig_atomic_t used[SLOTS];

int folio_temporary_begin(const char *path) {
    size_t n = strlen(path);
    if (n >= PATH_BYTES) return -1;
    for (int i = 0; i < SLOTS; i++) {
        if (__sync_bool_compare_and_swap(&used[i], 0, 2)) { /* 2: claimed, not yet valid */
            memcpy(paths[i], path, n + 1);
            __sync_synchronize();
            used[i] = 1;
            return i;
        }
    }
    return -1;
}

void folio_temporary_done(int slot) {
    if (slot < 0 || slot >= SLOTS) return;
    __sync_synchronize();
    used[slot] = 0;
}

int folio_temporaries_open(void) {
    int n = 0;
    for (int i = 0; i < SLOTS; i++) n += used[i] == 1;
    return n;
}

/* Files first, then the (now empty) folders they were in. */
static void remove_temporaries(void) {
    for (int i = 0; i < SLOTS; i++) {
        if (used[i] == 1) unlink(paths[i]);
    }
    for (int i = 0; i < SLOTS; i++) {
        if (used[i] == 1) rmdir(paths[i]);
    }
}

static void on_termination(int signo) {
    remove_temporaries();
    signal(signo, SIG_DFL);
    raise(signo);
}

static void on_bus_error(int signo) {
    (void)signo;
    remove_temporaries();
    static const char message[] =
        "folio: a file it was reading was truncated or changed under it; nothing was answered from it (run again)\n";
    ssize_t ignored = write(2, message, sizeof message - 1);
    (void)ignored;
    _exit(3);
}

void folio_file_safety_install(void) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    sigemptyset(&action.sa_mask);
    action.sa_handler = on_termination;
    sigaction(SIGTERM, &action, NULL);
    sigaction(SIGHUP, &action, NULL);
    action.sa_handler = on_bus_error;
    sigaction(SIGBUS, &action, NULL);
    sigaction(SIGINT, &action, NULL); /* the REPL installs its own later */
    signal(SIGXFSZ, SIG_IGN);
}

/* ---- memory ---- */

static volatile unsigned long long memory_limit = 0;
static volatile sig_atomic_t memory_over = 0;
static int sampler_started = 0;

unsigned long long folio_memory_resident(void) {
    int fd = open("/proc/self/statm", O_RDONLY);
    if (fd < 0) return 0;
    char buf[128];
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0) return 0;
    buf[n] = 0;
    unsigned long long size = 0, resident = 0;
    if (sscanf(buf, "%llu %llu", &size, &resident) != 2) return 0;
    return resident * (unsigned long long)sysconf(_SC_PAGESIZE);
}

static void *sample(void *unused) {
    (void)unused;
    struct timespec pause = { 0, 5 * 1000 * 1000 };
    for (;;) {
        unsigned long long limit = memory_limit;
        if (limit > 0 && !memory_over && folio_memory_resident() > limit) memory_over = 1;
        nanosleep(&pause, NULL);
    }
    return NULL;
}

void folio_memory_limit(unsigned long long limit) {
    memory_limit = limit;
    if (limit > 0 && !sampler_started) {
        pthread_t thread;
        pthread_attr_t attributes;
        pthread_attr_init(&attributes);
        pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
        pthread_attr_setstacksize(&attributes, 64 * 1024);
        if (pthread_create(&thread, &attributes, sample, NULL) == 0) sampler_started = 1;
        pthread_attr_destroy(&attributes);
    }
}

unsigned long long folio_memory_current_limit(void) { return memory_limit; }

int folio_memory_exceeded(void) { return memory_over != 0; }

void folio_memory_clear(void) {
    malloc_trim(0);
    unsigned long long limit = memory_limit;
    memory_over = limit > 0 && folio_memory_resident() > limit;
}

static unsigned long long read_number(const char *path) {
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    unsigned long long v = 0;
    if (fscanf(f, "%llu", &v) != 1) v = 0;
    fclose(f);
    return v;
}

unsigned long long folio_memory_available(void) {
    long pages = sysconf(_SC_PHYS_PAGES);
    unsigned long long physical = pages > 0 ? (unsigned long long)pages * (unsigned long long)sysconf(_SC_PAGESIZE) : 0;
    unsigned long long group = read_number("/sys/fs/cgroup/memory.max"); /* "max" reads as 0 */
    if (group == 0) group = read_number("/sys/fs/cgroup/memory/memory.limit_in_bytes");
    if (group > 0 && (physical == 0 || group < physical)) return group;
    return physical;
}
