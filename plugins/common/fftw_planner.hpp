#pragma once
// FFTW's planner is process-wide and not thread-safe: two threads planning at once corrupt it,
// even from different plugins. This makes every planner call in the process take FFTW's own
// lock. Idempotent; call it before worker threads plan (a plugin can do so when it loads).
#include <fftw3.h>

namespace raserflow::fftw {

inline void make_planner_thread_safe() {
  static const bool done = [] {
    fftw_make_planner_thread_safe();
    return true;
  }();
  (void)done;
}

}  // namespace raserflow::fftw
