// detail/parallel.hpp — running independent work items on several threads. Each item must write
// only its own output slot, so that results do not depend on the number of threads or on their
// schedule (determinism: same inputs, same bytes). Internal.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

namespace territoire::detail {

/// Runs work(0) … work(count-1) on `threads` threads (this one included); the first exception is
/// rethrown once every thread has stopped.
template <class Work>
void for_each_index(std::size_t count, unsigned threads, Work work) {
    std::atomic<std::size_t> next{0};
    std::exception_ptr failure;
    std::mutex failure_mutex;
    auto run = [&] {
        try {
            for (std::size_t i; (i = next++) < count;) work(i);
        } catch (...) {
            next = count;  // the other threads stop at their next item
            const std::lock_guard<std::mutex> lock(failure_mutex);
            if (!failure) failure = std::current_exception();
        }
    };
    std::vector<std::thread> pool;
    try {
        for (unsigned t = 1; t < threads && t < count; ++t) pool.emplace_back(run);
    } catch (const std::system_error&) {
        // No more threads to be had: the ones started and this one do the work.
    }
    run();
    for (auto& t : pool) t.join();
    if (failure) std::rethrow_exception(failure);
}

/// The machine's cores (at least 1).
inline unsigned hardware_threads() { return std::max(1u, std::thread::hardware_concurrency()); }

}  // namespace territoire::detail
