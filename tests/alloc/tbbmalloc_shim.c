/* A stand-in for oneTBB's allocator library, for the allocation test (tests/alloc) only.
 *
 * libtbb.so.12 takes its allocator from libtbbmalloc.so.2: first from a library with that
 * soname already in the process, else by loading it from its own directory. libtbbmalloc
 * gets its memory from mmap, so TBB's allocations (tasks, arenas, cache-aligned storage)
 * never reach malloc and a counting malloc cannot see them. This library has the soname
 * libtbbmalloc.so.2 and is linked into the test, so TBB finds it first; each entry point
 * counts the call and forwards to malloc (itself counted by the test). */
#include <stdatomic.h>
#include <stdlib.h>

static atomic_long kochmon_tbbmalloc_shim_calls;

long kochmon_tbbmalloc_shim_count(void) {
  return atomic_load(&kochmon_tbbmalloc_shim_calls);
}

void* scalable_malloc(size_t n) {
  atomic_fetch_add_explicit(&kochmon_tbbmalloc_shim_calls, 1, memory_order_relaxed);
  return malloc(n);
}
void scalable_free(void* p) {
  free(p);
}
void* scalable_aligned_malloc(size_t n, size_t alignment) {
  atomic_fetch_add_explicit(&kochmon_tbbmalloc_shim_calls, 1, memory_order_relaxed);
  void* p = NULL;
  return posix_memalign(&p, alignment < sizeof(void*) ? sizeof(void*) : alignment, n) ? NULL : p;
}
void scalable_aligned_free(void* p) {
  free(p);
}
